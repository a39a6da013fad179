package dev.holdfast.controller.sip;

/**
 * The gateway side of a call from a SIP phone to an analog line, as the back-to-back user agent sees it: call
 * processing offers the call to the line (an ephemeral RTP termination on the line's gateway takes the phone's SDP
 * as Remote) and reports back through {@link SipParty}.
 */
public interface LineRouter {
    /**
     * Offers a call to the line with directory number {@code number}.
     *
     * @param callId   the phone's dialog (leg A's Call-ID), for the call's structure
     * @param offerSdp the phone's SDP offer
     * @return the call on the line side, or null when {@code number} is no line's (the caller then gets 404)
     */
    LineCall offer(String number, String callerNumber, String callId, String offerSdp, SipParty party);

    /**
     * As {@link #offer}, with no SDP yet: the RTP termination is added without Remote, and its Local SDP, given with
     * {@link SipParty#answered(String, String)}, is an offer; {@link LineCall#media} then gives it the answer. A
     * transfer to a line uses it (the transferee answers the line's offer). Null when {@code number} is no line's.
     */
    default LineCall offerWithoutSdp(String number, String callerNumber, String callId, SipParty party) { return null; }

    /** A new conference bridge on a gateway in service (docs/sip.md, "Conference"), or null when there is none. */
    default ConferenceBridge openConference() { return null; }

    /** The gateway is registered here and its contexts audited (what it did not have is gone). */
    default boolean gatewayAudited(String gateway) { return false; }

    /** The call on the line side. */
    interface LineCall {
        /** The phone left (CANCEL, BYE, its dialog lost): the line's side is released. */
        void release();

        /** The Local SDP of the RTP termination the phone's media goes to, or null while it is not known. */
        default String localSdp() { return null; }

        /**
         * A new session for the phone's media (a re-INVITE: hold, resume; a transfer's new party): the RTP
         * termination gets {@code remoteSdp} as Remote (null: kept) and the mode that mirrors {@code phone}, the
         * direction the phone's SDP says. {@code done} gets the termination's Local SDP, or null when the call is not
         * connected or the gateway refused (the termination is then as it was).
         */
        default void media(String remoteSdp, SdpDirection phone, java.util.function.Consumer<String> done) { done.accept(null); }

        /**
         * Another phone takes the call's SIP side (a transfer): {@code number} in dialog {@code callId}, told what
         * happens through {@code party} from now on.
         *
         * @return the call cookie for that dialog (our Contact's {@code hfck}), or null without cookies
         */
        default String rebind(String number, String callId, SipParty party) { return null; }

        /**
         * Moves the line into {@code conference}'s context (H.248 Move), its call's RTP termination subtracted: the
         * line is then mixed there like the conference's RTP terminations. {@code done} gets the line's member of
         * the conference, or null when that cannot be done (another gateway, the context not there yet, the gateway
         * refused): the caller then joins the line by an RTP pair instead.
         */
        default void moveInto(ConferenceBridge conference, String label, java.util.function.Consumer<ConferenceBridge.Member> done) {
            done.accept(null);
        }

        /** The call cookie of the phone's dialog now (for our Contact in a target refresh), or null without cookies. */
        default String cookie() { return null; }

        /**
         * The call cookie the dialog of phone {@code number} with Call-ID {@code callId} is to carry once it takes
         * the call's SIP side by {@link #rebind} (a transfer: in our Contact of the request that joins that phone
         * with the line), or null without cookies. Nothing changes until the rebind.
         */
        default String cookieAs(String number, String callId) { return null; }

        /**
         * Joins this call's line (the transferee) with {@code target}'s line, both in calls with the same phone that
         * transfers one to the other (docs/sip.md, "Transfer"): one gateway, the line is moved into the target's
         * context; two gateways, the calls' RTP terminations are given each other's SDP. The two lines are then a
         * call of their own; both calls here end without a word to the phone (its dialogs are the caller's to end).
         *
         * @param targetForTransfer {@code target} was set up by the transfer (blind): the lines' call continues it
         *                          (its call detail record starts when the target was offered the call)
         * @param done              once the gateways answered: true, the lines talk; false, a gateway refused and
         *                          the lines' call was released
         * @return false when the lines cannot be joined (nothing changed, {@code done} is not called)
         */
        default boolean joinLine(LineCall target, boolean targetForTransfer, java.util.function.Consumer<Boolean> done) {
            return false;
        }
    }

    /** What happens on the line side, for the phone. Each method is called at most once, in this order. */
    interface SipParty {
        /** The line rings: 180 to the phone. */
        void ringing();

        /** The line rings: 180 to the phone, with the call cookie of its dialog in our Contact ({@code hfck}; null: none). */
        default void ringing(String cookie) { ringing(); }

        /** The line answered: 200 with the RTP termination's Local SDP. */
        void answered(String localSdp);

        /**
         * The line answered: 200 with the RTP termination's Local SDP and, in our Contact, the call cookie of the
         * phone's dialog ({@code hfck}; null: none). Call processing stamps it (a PHONE_DIALOG part naming the RTP
         * termination); the phone keeps it as its remote target.
         */
        default void answered(String localSdp, String cookie) { answered(localSdp); }

        /** The call failed before answer (busy, no answer, gateway trouble): a final failure to the phone. */
        void failed(int status, String reason);

        /** The line hung up after answer: BYE to the phone. */
        void released();
    }
}
