package dev.holdfast.controller.sip;

/**
 * A transfer asked for by REFER (RFC 3515) in a call through the B2BUA, while it runs: who asked (the transferor's
 * dialog, where the NOTIFYs go), the party that stays (the transferee) and the party it is to be joined with (the
 * target: a new call for a blind transfer, the other party of the transferor's consultation call for an attended one,
 * RFC 5589). The joining is an offer from the target answered by the transferee (RFC 3725 style: the controller is
 * in the middle of both dialogs).
 */
final class Transfer {
    /** One party of the joined call: a phone's dialog with us, or a line on a gateway. */
    sealed interface Side permits Phone, Line {
        String number();
    }

    /**
     * A phone's dialog with the controller.
     *
     * @param localTag  our tag in the dialog
     * @param remoteTag the phone's tag, null when not known (an adopted dialog)
     */
    record Phone(String number, String callId, String localTag, String remoteTag) implements Side {}

    /** A line: call processing's side of a call with a phone. */
    record Line(String number, LineRouter.LineCall call) implements Side {}

    /** The call with the transferee, in which the REFER came. */
    final SipCall call;
    /** The transferor's dialog in {@link #call}: the REFER's, where NOTIFYs go. */
    final String referCallId;
    final Side transferee;
    /** The consultation call of an attended transfer (its other party is the target), or null. */
    final SipCall consultation;
    /** The transferor's dialog in {@link #consultation}, or null. */
    final String consultationCallId;
    Side target;
    /** A blind transfer's INVITE to the target phone, until its final response. */
    long inviteToken;
    /** The target phone answered our INVITE (or re-INVITE without SDP): its 2xx waits for our ACK with the answer. */
    boolean targetAnswered;
    /** The target is a new call we set up (a blind transfer): released if the transfer fails. */
    boolean newTarget;
    long noAnswerTimer;
    /** The transferor hung up after the 202: no more NOTIFYs; the transfer goes on. */
    boolean transferorGone;
    /** The transferor hung up its consultation call after the 202. */
    boolean consultationGone;
    boolean done;
    /** A NOTIFY sent and not answered yet (RFC 6665 4.2.2: the next waits for it), and the status lines waiting. */
    boolean notifying;
    final java.util.ArrayDeque<String> notifications = new java.util.ArrayDeque<>();
    /** The transferor's dialog is to be ended (BYE) once the final NOTIFY is answered. */
    boolean byeAfterNotify;
    /** The call the transfer makes, prepared when the target's dialog is known (its cookies ride with our requests). */
    SipCall joined;

    Transfer(SipCall call, String referCallId, Side transferee, SipCall consultation, String consultationCallId) {
        this.call = call;
        this.referCallId = referCallId;
        this.transferee = transferee;
        this.consultation = consultation;
        this.consultationCallId = consultationCallId;
    }

    boolean attended() { return consultation != null; }
}
