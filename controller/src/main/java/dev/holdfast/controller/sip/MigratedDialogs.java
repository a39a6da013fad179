package dev.holdfast.controller.sip;

/**
 * Call processing's side of phone dialogs that arrive from another controller and whose media goes to a gateway
 * (phone-to-line calls: the cookie's {@code PHONE_DIALOG} part names a gateway, context and RTP termination). The SIP
 * side has verified the cookie and adopted the dialog in its edge; call processing rebuilds the call (merging it with
 * the gateway's parts by call key) and from then on talks to the phone through {@code party}, exactly as for a call it
 * set up itself.
 */
public interface MigratedDialogs {
    /**
     * @return the line side of the call, told when the phone leaves (BYE); null when call processing does not take the
     *         dialog (it then stays talk-path-only: the phone's BYE is answered and nothing else happens)
     */
    LineRouter.LineCall dialogArrived(DialogCookie cookie, AdoptedDialog dialog, LineRouter.SipParty party);

    /**
     * A phone's early dialog of a line's call to it, ringing when the other controller died (docs/migration.md,
     * "Ringing calls"): the SIP side has verified the cookie and adopted the dialog; the phone's answer or refusal
     * comes through {@code phone}'s usual reports (the returned {@link PhoneRouter.LineParty}), and call processing
     * ends the ringing through {@code phone} ({@link PhoneRouter.PhoneCall#release}: BYE in the early dialog).
     *
     * @return call processing's side of the call, or null when it does not take the dialog (the phone then stops
     *         ringing)
     */
    default PhoneRouter.LineParty ringingDialogArrived(DialogCookie cookie, AdoptedDialog dialog, PhoneRouter.PhoneCall phone) {
        return null;
    }

    /**
     * Whether the call of a dialog that {@link #dialogArrived} did not take ended here before the phone came back
     * (released, or its gateway arrived without it): the phone is then told with BYE, as a phone-to-phone call's
     * late dialog is, instead of being left talking to nobody.
     */
    default boolean callEnded(DialogCookie cookie) { return false; }

    /**
     * A phone's INVITE to a line that was still trying when the other controller died (the 180 with our tag and the
     * dialog's cookie never reached the phone: docs/migration.md, "A ringing call whose 180 was lost"): the cookie
     * text the phone's dialog would carry now, when a call here, rebuilt from the gateway's signed cookies and not
     * joined by the phone yet, names phone {@code number} as its caller with dialog {@code callId}. Null when there
     * is none (yet): the phone's report itself is not signed and vouches for nothing.
     */
    default String tryingDialogCookie(String callId, String number) { return null; }

    /** Takes nothing: every such dialog stays talk-path-only. */
    MigratedDialogs NONE = (cookie, dialog, party) -> null;
}
