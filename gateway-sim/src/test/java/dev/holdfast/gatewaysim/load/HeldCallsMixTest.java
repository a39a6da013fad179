package dev.holdfast.gatewaysim.load;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The "establish and hold" mix: exact counts by largest remainder, interleaved, bad mixes refused. */
class HeldCallsMixTest {
    private static Map<HeldCalls.Kind, Integer> count(List<HeldCalls.Kind> kinds) {
        Map<HeldCalls.Kind, Integer> m = new TreeMap<>();
        kinds.forEach(k -> m.merge(k, 1, Integer::sum));
        return m;
    }

    @Test void exactlyKCallsInTheMixProportions() {
        List<HeldCalls.Kind> k = HeldCalls.kinds(10, "intra=4,inter=4,hold=1,conference=1");
        assertEquals(10, k.size());
        assertEquals(Map.of(HeldCalls.Kind.INTRA, 4, HeldCalls.Kind.INTER, 4, HeldCalls.Kind.HOLD, 1,
                HeldCalls.Kind.CONFERENCE, 1), count(k));
        assertEquals(7, HeldCalls.kinds(7, "intra=1,inter=1,hold=1").size());
        assertEquals(Map.of(HeldCalls.Kind.INTER, 3), count(HeldCalls.kinds(3, "inter=1,hold=0")));
    }

    @Test void anyPrefixHasEveryKindEarly() {
        List<HeldCalls.Kind> k = HeldCalls.kinds(8, "intra=1,inter=1,hold=1,conference=1");
        assertEquals(4, count(k.subList(0, 4)).size(), "the first four are one of each: " + k);
    }

    @Test void badMixesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> HeldCalls.kinds(5, "intra=0"));
        assertThrows(IllegalArgumentException.class, () -> HeldCalls.kinds(5, "video=1"));
        assertThrows(IllegalArgumentException.class, () -> HeldCalls.kinds(5, "intra=-1,inter=2"));
        assertThrows(IllegalArgumentException.class, () -> HeldCalls.kinds(5, "intra"));
    }
}
