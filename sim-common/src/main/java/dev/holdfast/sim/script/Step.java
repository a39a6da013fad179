package dev.holdfast.sim.script;

import java.time.Duration;
import java.util.List;

/** One line of a {@link Script}. {@code line} is its 1-based line number in the script file. */
public sealed interface Step {
    int line();

    /** A user action: {@code off-hook A1}, {@code dial A1 1002}, {@code flash A1}, {@code answer A2}. */
    record Action(int line, String verb, String target, List<String> args) implements Step {
        public Action { args = List.copyOf(args); }

        @Override public String toString() {
            return verb + " " + target + (args.isEmpty() ? "" : " " + String.join(" ", args));
        }
    }

    /** {@code wait 500ms}. */
    record Wait(int line, Duration duration) implements Step {
        @Override public String toString() { return "wait " + Scripts.format(duration); }
    }

    /**
     * {@code expect ringing A2}, {@code expect talk-path A1 up within 3s}: holds now or becomes true within
     * {@code within} (null: the runner's default).
     */
    record Expect(int line, String what, String target, List<String> args, Duration within) implements Step {
        public Expect { args = List.copyOf(args); }

        @Override public String toString() {
            return "expect " + what + " " + target + (args.isEmpty() ? "" : " " + String.join(" ", args))
                    + (within == null ? "" : " within " + Scripts.format(within));
        }
    }
}
