package dev.holdfast.controller.sip;

/**
 * A call through the back-to-back user agent: the caller's dialog (leg A, where the controller is the UAS) and the
 * callee's (leg B, where it is the UAC), each with its own Call-ID. A call to an analog line has leg A only, a call from one leg B only.
 */
public final class SipCall {
    public enum State { CALLING, EARLY, CONNECTED, CANCELLING, ENDED }

    final long id;
    final String aCallId;
    /** Leg A's INVITE (negative: a phone's INVITE taken over while it rang, answered through the edge). */
    long aHandle;
    /** Our tag on leg A (set when an adopted call's leg A arrives after its leg B). */
    String aToTag;
    /** The phone's tag on leg A, ours and the phone's on leg B (null when not known): to match a REFER's Replaces. */
    String aRemoteTag;
    String bLocalTag;
    String bRemoteTag;
    /** A transfer (REFER) running in this call, or in which it is the consultation; null: none. */
    Transfer transfer;
    /** A phone's re-INVITE in a call with a line waits for the gateway's answer. */
    boolean lineMediaPending;
    final String bCallId;
    /** Leg B's INVITE (set when an adopted ringing call's leg B arrives after its leg A). */
    long bToken;
    final String caller;
    final String callee;
    State state = State.CALLING;
    long noAnswerTimer;
    /** A call to an analog line: no leg B; the line side is call processing's. */
    boolean toLine;
    LineRouter.LineCall line;
    /** A call from an analog line: no leg A; call processing hears of leg B through this. */
    PhoneRouter.LineParty fromLine;

    // call cookie (docs/migration.md): the call's identity across controllers and its state's generation
    long callKey;
    int generation = 1;
    long stateSince;
    dev.holdfast.controller.call.Call.Feature feature = dev.holdfast.controller.call.Call.Feature.NONE;
    /** Rebuilt from phones' dialogs after a failover, not set up here. */
    boolean adopted;
    /** Whether each leg's dialog is here (an adopted call may have one leg only: the other phone never came back). */
    boolean aPresent = true;
    boolean bPresent = true;
    /** Leg B's answer, for an adopted ringing call whose leg A is not back yet (its 200 waits for it). */
    String answerSdp;

    /** For its call detail record: set-up and answer times, why it ended. */
    final dev.holdfast.controller.cdr.CdrFacts cdr = new dev.holdfast.controller.cdr.CdrFacts();

    SipCall(long id, String aCallId, long aHandle, String aToTag, String bCallId, long bToken, String caller, String callee) {
        this.id = id;
        this.aCallId = aCallId;
        this.aHandle = aHandle;
        this.aToTag = aToTag;
        this.bCallId = bCallId;
        this.bToken = bToken;
        this.caller = caller;
        this.callee = callee;
    }

    public long id() { return id; }

    public State state() { return state; }

    public String caller() { return caller; }

    public String callee() { return callee; }

    public String aCallId() { return aCallId; }

    public String bCallId() { return bCallId; }

    /** A call between two phones (not to or from an analog line, which call processing reports). */
    public boolean phoneToPhone() { return !toLine && fromLine == null; }

    public long callKey() { return callKey; }

    public boolean adopted() { return adopted; }

    /** Leg A's dialog is here (always, unless an adopted call's caller has not come back). */
    public boolean aPresent() { return aPresent; }

    public boolean bPresent() { return bPresent; }
}
