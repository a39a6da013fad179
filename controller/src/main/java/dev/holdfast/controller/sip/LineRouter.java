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

    /** The call on the line side. */
    interface LineCall {
        /** The phone left (CANCEL, BYE, its dialog lost): the line's side is released. */
        void release();
    }

    /** What happens on the line side, for the phone. Each method is called at most once, in this order. */
    interface SipParty {
        /** The line rings: 180 to the phone. */
        void ringing();

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
