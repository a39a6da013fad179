package dev.holdfast.controller.cookie;

import dev.holdfast.controller.call.CallStructure.Role;

/**
 * One party of a call as its cookies record it.
 *
 * @param kind           a gateway line, a trunk circuit, or a SIP phone
 * @param gateway        the gateway's name; null for a phone
 * @param termination    the termination id on the gateway; for a phone its number
 * @param role           what the party is to the call
 * @param roleBeforeHold its role before it was put on hold, or null
 * @param extra          the digits sent on an outgoing trunk circuit, or a phone's dialog Call-ID; may be null
 */
public record CookieParty(Kind kind, String gateway, String termination, Role role, Role roleBeforeHold,
                          String extra) {
    /** What kind of party. */
    public enum Kind { LINE, TRUNK, PHONE }

    public CookieParty {
        if (kind == null) throw new IllegalArgumentException("party kind is missing");
        if (kind == Kind.PHONE) {
            if (gateway != null) throw new IllegalArgumentException("a phone party has no gateway (got '" + gateway + "')");
        } else {
            CookieText.require(gateway, "gateway name of a " + kind + " party");
        }
        CookieText.require(termination, kind == Kind.PHONE ? "phone number" : "termination id");
        if (role == null) throw new IllegalArgumentException("role of party " + termination + " is missing");
        CookieText.optional(extra, kind == Kind.PHONE ? "dialog Call-ID" : "outpulsed digits");
    }

    public static CookieParty line(String gateway, String termination, Role role) {
        return new CookieParty(Kind.LINE, gateway, termination, role, null, null);
    }

    public static CookieParty trunk(String gateway, String termination, Role role, String outpulsed) {
        return new CookieParty(Kind.TRUNK, gateway, termination, role, null, outpulsed);
    }

    public static CookieParty phone(String number, String callId, Role role) {
        return new CookieParty(Kind.PHONE, null, number, role, null, callId);
    }

    /** The same party with this role before hold. */
    public CookieParty withRoleBeforeHold(Role before) {
        return new CookieParty(kind, gateway, termination, role, before, extra);
    }
}
