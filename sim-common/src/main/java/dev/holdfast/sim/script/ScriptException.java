package dev.holdfast.sim.script;

/** A step that cannot be carried out, or an expectation that did not come true. */
public final class ScriptException extends Exception {
    public ScriptException(String message) {
        super(message);
    }
}
