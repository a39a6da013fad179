package dev.holdfast.controller.cookie;

/** The outcome of {@link CookieCodec#verify}: the cookie and the key that signed it, or why it was refused. */
public sealed interface CookieVerdict {

    /** A cookie that verified and decoded; {@code keyId} is the key that signed it. */
    record Accepted(CallCookie cookie, int keyId) implements CookieVerdict {
        public Accepted {
            if (cookie == null) throw new IllegalArgumentException("an accepted verdict without its cookie");
        }
    }

    /** A cookie refused for {@code reason}; {@code detail} says what exactly, for the log line. */
    record Rejected(RejectReason reason, String detail) implements CookieVerdict {
        public Rejected {
            if (reason == null) throw new IllegalArgumentException("a rejection without its reason");
            if (detail == null) detail = "";
        }
    }

    default boolean accepted() { return this instanceof Accepted; }
}
