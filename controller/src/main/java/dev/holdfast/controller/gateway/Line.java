package dev.holdfast.controller.gateway;

/** An analog line (FXS termination) of a gateway, as the controller knows it. */
public final class Line {
    private final Gateway gateway;
    private final String termination;
    private final String number;
    private LineState state = LineState.UNARMED;
    private boolean offHook;

    Line(Gateway gateway, String termination, String number) {
        this.gateway = gateway;
        this.termination = termination;
        this.number = number;
    }

    public Gateway gateway() { return gateway; }

    /** The termination id as provisioned, e.g. {@code A1}. */
    public String termination() { return termination; }

    public String number() { return number; }

    public LineState state() { return state; }

    public void state(LineState s) { state = s; }

    /** Whether the last hook event said the handset is off the hook. */
    public boolean offHook() { return offHook; }

    public void offHook(boolean b) { offHook = b; }

    @Override public String toString() { return gateway.name() + "/" + termination + "(" + number + ")"; }
}
