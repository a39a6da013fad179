package dev.holdfast.controller.cookie;

/**
 * What a cookie sits on: the call part whose point of view it gives. Party indices are into
 * {@link CallCookie#parties()}; {@link CallCookie} checks them against the list and the parties' kinds.
 */
public sealed interface CookiePart {

    /** A line or trunk termination: the index of its party. */
    record Party(int party) implements CookiePart {
        public Party {
            if (party < 0) throw new IllegalArgumentException("party index " + party + " is negative");
        }
    }

    /**
     * An RTP termination ending an inter-gateway connection.
     *
     * @param farGateway     the gateway of the other end (FEGI)
     * @param farContext     the context of the other end (FECEI), null when not known yet
     * @param farTermination the termination of the other end, null when not known yet
     * @param party          the index of the party the connection leads to, -1 for none
     */
    record IgcEnd(String farGateway, Long farContext, String farTermination, int party) implements CookiePart {
        public IgcEnd {
            CookieText.require(farGateway, "far gateway name (FEGI)");
            CookieText.context(farContext, "far context id (FECEI)");
            CookieText.optional(farTermination, "far termination id");
            if (party < -1) throw new IllegalArgumentException("party index " + party + " is below -1 (none)");
        }
    }

    /** The RTP termination a phone's media ends in: the index of the phone's party. */
    record PhoneRtp(int party) implements CookiePart {
        public PhoneRtp {
            if (party < 0) throw new IllegalArgumentException("party index " + party + " is negative");
        }
    }

    /**
     * A phone's dialog: the index of the phone's party and where its media goes (each null when not known).
     */
    record PhoneDialog(int party, String gateway, Long context, String termination) implements CookiePart {
        public PhoneDialog {
            if (party < 0) throw new IllegalArgumentException("party index " + party + " is negative");
            CookieText.optional(gateway, "media gateway name");
            CookieText.context(context, "media context id");
            CookieText.optional(termination, "media termination id");
            if (gateway == null && (context != null || termination != null)) {
                throw new IllegalArgumentException("a media context or termination without its gateway");
            }
        }
    }
}
