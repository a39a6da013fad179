package dev.holdfast.gatewaysim.digitmap;

import dev.holdfast.gatewaysim.digitmap.DigitMapSession.Complete;
import dev.holdfast.gatewaysim.digitmap.DigitMapSession.Method;
import dev.holdfast.gatewaysim.digitmap.DigitMapSession.Step;
import dev.holdfast.gatewaysim.digitmap.DigitMapSession.TimerKind;
import dev.holdfast.gatewaysim.digitmap.DigitMapSession.Wait;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Digit map procedures of H.248.1 7.1.14.5 on the dial plan of its example (7.1.14.9) with S and L specifiers. */
class DigitMapSessionTest {
    private static final DigitMap RFC_EXAMPLE =
            DigitMap.compile("(0S|00S|[1-7]xLxx|8Lxxxxxxx|Fxxxxxxx|Exx|9L1xxxxxxxxxx|9L011x.S)");

    private static DigitMapSession session(DigitMap map) {
        return new DigitMapSession(map, DigitMapTimers.DEFAULTS);
    }

    /** Dials {@code digits} ('*' is E, '#' is F) and returns the last step. */
    private static Step dial(DigitMapSession s, String digits) {
        Step last = s.start();
        for (char c : digits.toCharArray()) {
            char sym = c == '*' ? 'E' : c == '#' ? 'F' : c;
            last = s.event(sym, false);
        }
        return last;
    }

    @Test void startTimerBeforeTheFirstDigitAndPartialMatchWhenItExpires() {
        DigitMapSession s = session(RFC_EXAMPLE);
        assertEquals(new Wait(TimerKind.START, Duration.ofSeconds(16)), s.start());
        assertEquals(new Complete("", Method.PM, null), s.timeout());
    }

    @Test void disabledStartTimerWaitsForEver() {
        DigitMapSession s = new DigitMapSession(RFC_EXAMPLE, DigitMapTimers.DEFAULTS.overriddenBy(0, null, null));
        assertEquals(new Wait(TimerKind.START, null), s.start());
    }

    @Test void unambiguousMatchCompletesAtOnce() {
        assertEquals(new Complete("1234", Method.UM, null), dial(session(RFC_EXAMPLE), "1234"));
        assertEquals(new Complete("00", Method.UM, null), dial(session(RFC_EXAMPLE), "00"));
        assertEquals(new Complete("E12", Method.UM, null), dial(session(RFC_EXAMPLE), "*12"));
        assertEquals(new Complete("F1234567", Method.UM, null), dial(session(RFC_EXAMPLE), "#1234567"));
        assertEquals(new Complete("912345678901", Method.UM, null), dial(session(RFC_EXAMPLE), "912345678901"));
    }

    @Test void fullMatchThatCouldGrowWaitsWithTheShortTimerThenReportsFullMatch() {
        DigitMapSession s = session(RFC_EXAMPLE);
        assertEquals(new Wait(TimerKind.SHORT, Duration.ofSeconds(4)), dial(s, "0"));
        assertEquals(new Complete("0", Method.FM, null), s.timeout());
    }

    @Test void explicitLongTimerWhereTheMapSaysL() {
        DigitMapSession s = session(RFC_EXAMPLE);
        assertEquals(new Wait(TimerKind.LONG, Duration.ofSeconds(16)), dial(s, "12"));
        assertEquals(new Complete("12", Method.PM, null), s.timeout());
        assertEquals(TimerKind.LONG, ((Wait) dial(session(RFC_EXAMPLE), "8")).timer());
        assertEquals(TimerKind.LONG, ((Wait) dial(session(RFC_EXAMPLE), "9")).timer());
    }

    @Test void terminalDotUsesTheShortTimerGivenAfterIt() {
        DigitMapSession s = session(RFC_EXAMPLE);
        assertEquals(TimerKind.LONG, ((Wait) dial(s, "901")).timer());
        assertEquals(TimerKind.SHORT, ((Wait) s.event('1', false)).timer(), "9011 matches 9L011x.S fully");
        assertEquals(TimerKind.SHORT, ((Wait) s.event('4', false)).timer());
        assertEquals(TimerKind.SHORT, ((Wait) s.event('4', false)).timer());
        assertEquals(new Complete("901144", Method.FM, null), s.timeout());
    }

    @Test void anUnmatchableEventCompletesWithoutIt() {
        DigitMapSession s = session(RFC_EXAMPLE);
        dial(s, "0");
        assertEquals(new Complete("0", Method.FM, '5'), s.event('5', false), "05 matches nothing; 0 did fully");
        DigitMapSession t = session(RFC_EXAMPLE);
        dial(t, "91");
        assertEquals(new Complete("91", Method.PM, 'E'), t.event('E', false));
        assertThrows(IllegalStateException.class, () -> t.event('1', false));
    }

    @Test void defaultTimingWithoutSpecifiers() {
        DigitMap plain = DigitMap.compile("(1xx|1xxx)");
        DigitMapSession s = session(plain);
        assertEquals(TimerKind.LONG, ((Wait) dial(s, "12")).timer(), "at least one more digit needed");
        assertEquals(TimerKind.SHORT, ((Wait) s.event('3', false)).timer(), "123 matches, 1234 could");
        assertEquals(new Complete("1234", Method.UM, null), s.event('4', false));
    }

    @Test void timersFromTheDigitMapValueOverrideTheDefaults() {
        DigitMapTimers t = DigitMapTimers.DEFAULTS.overriddenBy(5, 2, 9);
        DigitMapSession s = new DigitMapSession(DigitMap.compile("(1xx|1xxx)"), t);
        assertEquals(new Wait(TimerKind.START, Duration.ofSeconds(5)), s.start());
        assertEquals(new Wait(TimerKind.LONG, Duration.ofSeconds(9)), s.event('1', false));
        s.event('2', false);
        assertEquals(new Wait(TimerKind.SHORT, Duration.ofSeconds(2)), s.event('3', false));
    }

    @Test void longDurationEvents() {
        DigitMap m = DigitMap.compile("(Z1|1x)");
        DigitMapSession longOne = session(m);
        longOne.start();
        assertEquals(new Complete("Z1", Method.UM, null), longOne.event('1', true));
        DigitMapSession shortOne = session(m);
        shortOne.start();
        shortOne.event('1', false);
        assertEquals(new Complete("12", Method.UM, null), shortOne.event('2', false));
        DigitMapSession irrelevant = session(DigitMap.compile("1x"));
        irrelevant.start();
        irrelevant.event('1', true);
        assertEquals(new Complete("12", Method.UM, null), irrelevant.event('2', false), "no Z in the map: duration ignored");
    }

    @Test void badMapsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> DigitMap.compile("(12|"));
        assertThrows(IllegalArgumentException.class, () -> DigitMap.compile("1[9-2]"));
        assertThrows(IllegalArgumentException.class, () -> DigitMap.compile(".1"));
        assertThrows(IllegalArgumentException.class, () -> DigitMap.compile("12Q"));
    }
}
