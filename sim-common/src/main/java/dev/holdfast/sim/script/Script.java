package dev.holdfast.sim.script;

import java.util.List;

/** A parsed script: its name (usually the file name) and its steps in order. */
public record Script(String name, List<Step> steps) {
    public Script { steps = List.copyOf(steps); }
}
