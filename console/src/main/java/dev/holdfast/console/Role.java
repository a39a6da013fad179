package dev.holdfast.console;

import java.util.Locale;

/** The admin API's roles, each allowed what the ones before it are. */
public enum Role {
    VIEWER, OPERATOR, ADMIN;

    public boolean atLeast(Role needed) { return compareTo(needed) >= 0; }

    /** The role as the API writes it ({@code viewer}, ...). */
    public String apiName() { return name().toLowerCase(Locale.ROOT); }

    /** The role the API named, or null when it is none of them. */
    public static Role ofApiName(String name) {
        if (name == null) return null;
        for (Role r : values()) if (r.apiName().equals(name.trim().toLowerCase(Locale.ROOT))) return r;
        return null;
    }
}
