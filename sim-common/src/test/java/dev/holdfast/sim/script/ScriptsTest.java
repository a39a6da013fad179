package dev.holdfast.sim.script;

import dev.holdfast.sim.time.VirtualSimScheduler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScriptsTest {
    private static final String CALL = """
            # a basic call
            off-hook A1
            expect dial-tone A1
            dial A1 1002          # the extension of A2
            expect ringing A2 within 2s
            answer A2

            expect talk-path A1 up within 1.5s
            wait 500ms
            flash A1
            on-hook A1
            """;

    @Test void parsesEveryKindOfStepWithLineNumbers() throws Exception {
        Script s = Scripts.parse("call.txt", CALL);
        assertEquals(List.of(
                new Step.Action(2, "off-hook", "A1", List.of()),
                new Step.Expect(3, "dial-tone", "A1", List.of(), null),
                new Step.Action(4, "dial", "A1", List.of("1002")),
                new Step.Expect(5, "ringing", "A2", List.of(), Duration.ofSeconds(2)),
                new Step.Action(6, "answer", "A2", List.of()),
                new Step.Expect(8, "talk-path", "A1", List.of("up"), Duration.ofMillis(1500)),
                new Step.Wait(9, Duration.ofMillis(500)),
                new Step.Action(10, "flash", "A1", List.of()),
                new Step.Action(11, "on-hook", "A1", List.of())), s.steps());
    }

    @Test void syntaxErrorsNameTheLine() {
        ScriptSyntaxException e = assertThrows(ScriptSyntaxException.class,
                () -> Scripts.parse("bad.txt", "off-hook A1\nwait 5\n"));
        assertEquals(2, e.line());
        assertTrue(e.getMessage().startsWith("bad.txt:2: a duration needs a unit"), e.getMessage());
        assertThrows(ScriptSyntaxException.class, () -> Scripts.parse("x", "off-hook"));
        assertThrows(ScriptSyntaxException.class, () -> Scripts.parse("x", "expect ringing"));
        assertThrows(ScriptSyntaxException.class, () -> Scripts.parse("x", "expect ringing A1 within 2s up"));
        assertThrows(ScriptSyntaxException.class, () -> Scripts.parse("x", "wait"));
    }

    @Test void durations() {
        assertEquals(Duration.ofMillis(250), Scripts.parseDuration("250ms"));
        assertEquals(Duration.ofMillis(1500), Scripts.parseDuration("1.5s"));
        assertEquals(Duration.ofMinutes(2), Scripts.parseDuration("2m"));
        assertThrows(IllegalArgumentException.class, () -> Scripts.parseDuration("-1s"));
        assertThrows(IllegalArgumentException.class, () -> Scripts.parseDuration("abc"));
    }

    /** A lamp panel: "on L1" lights lamp L1 after a delay; "expect lit L1". Just enough to drive the runner. */
    private static final class LampPanel implements ScriptTarget {
        final VirtualSimScheduler time;
        final Map<String, Boolean> lit = new HashMap<>();
        final List<String> performed = new ArrayList<>();

        LampPanel(VirtualSimScheduler time) { this.time = time; }

        @Override public void perform(Step.Action a) throws ScriptException {
            if (!a.verb().equals("on")) throw new ScriptException("unknown action " + a.verb());
            performed.add(a.target());
            time.schedule(() -> lit.put(a.target(), true), Duration.ofMillis(300));
        }

        @Override public String check(Step.Expect e) throws ScriptException {
            if (!e.what().equals("lit")) throw new ScriptException("unknown expectation " + e.what());
            return lit.getOrDefault(e.target(), false) ? null : e.target() + " dark";
        }
    }

    @Test void runnerWaitsForExpectationsInVirtualTimeAndStopsAtTheFirstFailure() throws Exception {
        VirtualSimScheduler time = new VirtualSimScheduler();
        LampPanel panel = new LampPanel(time);
        ScriptRunner runner = new ScriptRunner(panel, time::advance, Duration.ofSeconds(1), Duration.ofMillis(10));

        ScriptRunner.Result ok = runner.run(Scripts.parse("ok", "on L1\nexpect lit L1\nwait 2s"));
        assertTrue(ok.ok(), ok.toString());
        assertNull(ok.failure());
        assertEquals(Duration.ofMillis(2300), time.elapsed());

        ScriptRunner.Result late = runner.run(Scripts.parse("late", "on L2\nexpect lit L2 within 100ms\non L3"));
        assertFalse(late.ok());
        assertEquals(2, late.failedStep().line());
        assertEquals("not within 100ms; found L2 dark", late.failure());
        assertEquals(List.of("L1", "L2"), panel.performed, "nothing after the failure runs");

        ScriptRunner.Result unknown = runner.run(Scripts.parse("unknown", "dim L1"));
        assertEquals("unknown action dim", unknown.failure());
    }
}
