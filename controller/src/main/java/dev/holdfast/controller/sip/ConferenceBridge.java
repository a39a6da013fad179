package dev.holdfast.controller.sip;

import java.util.function.Consumer;

/**
 * A conference mixed on a media gateway: one context whose ephemeral RTP terminations the gateway mixes, one per
 * member (a phone's media, or the RTP termination of a line's own call, joined by an RTP pair). Call processing
 * runs it (H.248); the conference focus in the B2BUA says who joins and leaves.
 */
public interface ConferenceBridge {
    /**
     * Adds an RTP termination to the context (the first one creates the context).
     *
     * @param label     who the member is, for the structure ({@code sip:5001}, {@code line:1001})
     * @param remoteSdp the member's SDP as Remote, or null (then the termination's Local SDP is an offer and
     *                  {@link Member#media} gives it the answer)
     * @param done      gets the termination's Local SDP, or null when the gateway refused
     */
    default Member add(String label, String remoteSdp, Consumer<String> done) { return add(label, null, remoteSdp, done); }

    /**
     * As {@link #add(String, String, Consumer)} for a phone's media: {@code label} {@code sip:NUMBER} and
     * {@code dialog} the Call-ID of the phone's dialog with the focus, which the conference's call cookies name
     * (docs/migration.md, "Conferences"); null for a member that is no phone.
     */
    Member add(String label, String dialog, String remoteSdp, Consumer<String> done);

    /** Ends the conference: every termination is subtracted (the context goes with the last). */
    void release();

    /**
     * Who is told when the bridge goes without a word from the focus: its gateway's state was lost, or the gateway
     * was handed back to the primary controller with it (failback). Nothing is sent to the gateway either way.
     */
    default void watch(Watcher w) {}

    /** The bridge's fate when it is not the focus that ends it. */
    interface Watcher {
        /** The gateway is gone with the context (lost, or restarted): the members hear nothing from it any more. */
        void lost();

        /** The gateway went to the primary controller with the context (failback): the conference is the primary's. */
        void handedBack();
    }

    /** The context and its members, as a call's structure (feature {@code CONFERENCE}). */
    dev.holdfast.controller.call.CallStructure structure();

    /** One member's termination. */
    interface Member {
        /** New Remote SDP (null: kept) and the mode that mirrors the member's direction; {@code done}: Local or null. */
        void media(String remoteSdp, SdpDirection member, Consumer<String> done);

        /** The member left: its termination is subtracted. */
        void leave();

        /**
         * The call cookie for the member's dialog with the focus (our Contact's {@code hfck}: part PHONE_DIALOG naming
         * its termination), or null without cookies or before its termination is known.
         */
        default String dialogCookie() { return null; }

        /**
         * The member is a line on another gateway whose call's RTP termination and this one are an RTP pair: the
         * conference's cookies name that line from this member's next {@link #media} change on.
         */
        default void pairedWith(LineRouter.LineCall line) {}
    }
}
