package dev.holdfast.controller.dialplan;

/** Where dialled digits lead. */
public sealed interface Route {
    /** A provisioned line. */
    record Extension(String gateway, String termination, String number) implements Route {}

    /** A SIP subscriber (an IP phone), reached through the back-to-back user agent. */
    record Phone(String number) implements Route {}

    /** Out on a trunk of {@code group}, sending {@code digits} (the access code removed). */
    record Trunk(String group, String digits) implements Route {}

    /** Nowhere: the caller gets the invalid-number treatment. */
    record Invalid(String digits) implements Route {}
}
