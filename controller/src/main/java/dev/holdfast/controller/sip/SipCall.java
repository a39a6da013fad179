package dev.holdfast.controller.sip;

/**
 * A call through the back-to-back user agent: the caller's dialog (leg A, where the controller is the UAS) and the
 * callee's (leg B, where it is the UAC), each with its own Call-ID. A call to an analog line has leg A only, a call from one leg B only.
 */
public final class SipCall {
    public enum State { CALLING, EARLY, CONNECTED, CANCELLING, ENDED }

    final long id;
    final String aCallId;
    final long aHandle;
    final String aToTag;
    final String bCallId;
    final long bToken;
    final String caller;
    final String callee;
    State state = State.CALLING;
    long noAnswerTimer;
    /** A call to an analog line: no leg B; the line side is call processing's. */
    boolean toLine;
    LineRouter.LineCall line;
    /** A call from an analog line: no leg A; call processing hears of leg B through this. */
    PhoneRouter.LineParty fromLine;

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
}
