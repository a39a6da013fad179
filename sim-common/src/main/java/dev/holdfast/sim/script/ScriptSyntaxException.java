package dev.holdfast.sim.script;

/** A script line that cannot be parsed; the message names the script, the line and what is wrong. */
public final class ScriptSyntaxException extends Exception {
    private final int line;

    public ScriptSyntaxException(String script, int line, String text, String problem) {
        super(script + ":" + line + ": " + problem + ": '" + text.strip() + "'");
        this.line = line;
    }

    public int line() { return line; }
}
