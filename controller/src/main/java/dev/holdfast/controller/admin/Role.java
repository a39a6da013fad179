package dev.holdfast.controller.admin;

import java.util.Locale;

/** What an admin user may do; each role may do what the ones before it may. */
enum Role {
    /** Reads only. */
    VIEWER,
    /** Also acts on calls (releases them). */
    OPERATOR,
    /** Also changes provisioning. */
    ADMIN;

    boolean atLeast(Role r) { return compareTo(r) >= 0; }

    String text() { return name().toLowerCase(Locale.ROOT); }

    static Role parse(String s) { return valueOf(s.toUpperCase(Locale.ROOT)); }
}
