package dev.holdfast.controller.sip;

/**
 * The SIP side of a call from an analog line to a SIP phone, as call processing sees it: the back-to-back user agent
 * sends the phone an INVITE whose offer is the Local SDP of an ephemeral RTP termination next to the line, and
 * reports back through {@link LineParty}.
 */
public interface PhoneRouter {
    /** Whether {@code number} is a SIP subscriber's directory number. */
    boolean isPhone(String number);

    /**
     * Calls the subscriber with directory number {@code number}.
     *
     * @param offerSdp the RTP termination's Local SDP
     * @return the call on the SIP side, or null when {@code number} is no subscriber's
     */
    PhoneCall call(String number, String callerNumber, String offerSdp, LineParty line);

    /**
     * As {@link #call(String, String, String, LineParty)}, with the phone dialog's call cookie in our Contact
     * ({@code hfck}): {@code cookie} makes it from the dialog's Call-ID, which the cookie names.
     */
    default PhoneCall call(String number, String callerNumber, String offerSdp,
                           java.util.function.Function<String, String> cookie, LineParty line) {
        return call(number, callerNumber, offerSdp, line);
    }

    /** The call on the SIP side. */
    /**
     * A focus conference rebuilt from its gateway context's cookies after a failover (docs/migration.md,
     * "Conferences"): the conference focus takes it and joins its members' dialogs to it as they arrive.
     */
    default void conferenceArrived(MigratedConference conference) { conference.bridge().release(); }

    /**
     * A gateway's calls were rebuilt here from its cookies after a failover: phones' INVITEs still trying (their 180
     * lost) may be vouched for by one of them now ({@link MigratedDialogs#tryingDialogCookie}).
     */
    default void migratedCallsRebuilt() {}

    interface PhoneCall {
        /** The phone's dialog (Call-ID of the INVITE sent to it). */
        String callId();

        /** The line left (on-hook, no answer, gateway trouble): CANCEL before answer, BYE after. */
        void release();
    }

    /** What happens on the SIP side, for the line. */
    interface LineParty {
        /** 180 or 183 from the phone: the line hears ring-back. */
        void ringing();

        /** 200 from the phone (already acknowledged), with its SDP answer. */
        void answered(String answerSdp);

        /** A final failure from the phone, or none at all (408) or no registration (480). */
        void failed(int status);

        /** The phone hung up after answer (BYE) or its dialog was lost. */
        void released();

        /** The line's side of the call as a phone calling it would see it (to change its media, to hand it to another phone). */
        default LineRouter.LineCall lineCall() { return null; }
    }
}
