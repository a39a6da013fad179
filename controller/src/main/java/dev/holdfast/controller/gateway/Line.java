package dev.holdfast.controller.gateway;

/**
 * A physical termination of a gateway that takes part in calls, as the controller knows it: an analog line (FXS,
 * with a directory number) or a trunk circuit (with a trunk group).
 */
public final class Line {
    private final Gateway gateway;
    private final String termination;
    private final String number;
    private final String trunkGroup;
    private final boolean disconnectSupervision;
    private LineState state = LineState.UNARMED;
    private boolean offHook;

    Line(Gateway gateway, String termination, String number) {
        this(gateway, termination, number, null, true);
    }

    Line(Gateway gateway, String termination, String number, String trunkGroup, boolean disconnectSupervision) {
        this.gateway = gateway;
        this.termination = termination;
        this.number = number;
        this.trunkGroup = trunkGroup;
        this.disconnectSupervision = disconnectSupervision;
    }

    /** True for a trunk circuit. */
    public boolean trunk() { return trunkGroup != null; }

    /** The trunk group of a trunk circuit, null for a line. */
    public String trunkGroup() { return trunkGroup; }

    /** For a trunk: whether the far end's hang-up is signalled (without it only our side can end a call). */
    public boolean disconnectSupervision() { return disconnectSupervision; }

    public Gateway gateway() { return gateway; }

    /** The termination id as provisioned, e.g. {@code A1}. */
    public String termination() { return termination; }

    public String number() { return number; }

    public LineState state() { return state; }

    public void state(LineState s) { state = s; }

    /** Whether the last hook event said the handset is off the hook. */
    public boolean offHook() { return offHook; }

    public void offHook(boolean b) { offHook = b; }

    @Override public String toString() {
        return gateway.name() + "/" + termination + "(" + (trunk() ? "trunk " + trunkGroup : number) + ")";
    }
}
