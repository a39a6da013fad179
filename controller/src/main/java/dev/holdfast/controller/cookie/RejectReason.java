package dev.holdfast.controller.cookie;

import java.util.Locale;

/** Why a cookie was refused (docs/migration.md, "Encoding"). */
public enum RejectReason {
    /** Not base64url, or a signed body that does not read as format version 1 (bad value, trailing octets). */
    MALFORMED,
    /** Shorter than its own framing says: cut off somewhere on the way. */
    TRUNCATED,
    /** Key id 0: never accepted. */
    UNSIGNED,
    /** The MAC does not match: not signed by the key it names, or altered since. */
    FORGED,
    /** Signed with a key id the ring does not hold. */
    UNKNOWN_KEY,
    /** Signed with a key whose acceptUntil has passed. */
    RETIRED_KEY,
    /** A format version this controller does not read. */
    UNSUPPORTED_VERSION,
    /** Longer than any cookie this controller writes: refused before it is decoded. */
    OVERSIZED;

    /** The counter's name part, e.g. {@code retired_key}. */
    public String counterName() { return name().toLowerCase(Locale.ROOT); }
}
