package dev.holdfast.controller.cdr;

/**
 * What a call learns along the way for its call detail record: when it was set up and answered (core time) and why
 * it ended. Held by each kind of call (a line's call, a B2BUA call) so the rule is written once.
 */
public final class CdrFacts {
    /** Set-up time, core ms (0: not yet known). */
    public long setupAt;
    /** Answer time, core ms (0: never answered). */
    public long answeredAt;
    private String reason;
    private String cause;

    /** Says why the call ends, unless a reason was given already (a release may wait for a reply): the first wins. */
    public void ending(String reason, String cause) {
        if (this.reason != null) return;
        this.reason = reason;
        this.cause = cause;
    }

    /** The release reason: the one given, else normal for a call that talked and abandoned for one that did not. */
    public String release(boolean connected) {
        if (reason != null) return reason;
        return connected || answeredAt != 0 ? CallRecord.NORMAL : CallRecord.ABANDONED;
    }

    public String cause() { return cause; }

    /** The answer time, or null when the call was never answered. */
    public Long answered() { return answeredAt == 0 ? null : answeredAt; }
}
