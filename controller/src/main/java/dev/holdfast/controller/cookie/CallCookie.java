package dev.holdfast.controller.cookie;

import dev.holdfast.controller.call.Call;
import dev.holdfast.controller.call.CallState;

import java.util.List;

/**
 * What one call cookie says (docs/migration.md, "Content (format version 1)"): the whole call, from the point of
 * view of the part it sits on. Immutable; every constructor argument is checked, so a cookie that exists can be
 * encoded, and a decoded one is as consistent as one the controller built.
 *
 * @param callKey      the call's identity across controllers
 * @param generation   counts the call's state changes, from 1; the higher of two parts of one call is newer
 * @param stateSince   epoch milliseconds when the call entered {@code state}
 * @param state        {@code SETUP}, {@code RINGING} or {@code CONNECTED} (a released call has no cookies)
 * @param feature      what the call's features are doing
 * @param consultState where a consultation is ({@code SETUP}, {@code RINGING}, {@code CONNECTED}), or null for none
 * @param parties      every party in joining order, 1 to {@link #MAX_PARTIES}
 * @param part         what this cookie sits on
 */
public record CallCookie(long callKey, int generation, long stateSince, CallState state, Call.Feature feature,
                         CallState consultState, List<CookieParty> parties, CookiePart part) {
    /** Most parties a cookie describes (a conference of this many is far beyond what the call model builds). */
    public static final int MAX_PARTIES = 32;

    public CallCookie {
        if (generation < 1) throw new IllegalArgumentException("generation " + generation + " is below 1");
        if (stateSince < 0) throw new IllegalArgumentException("stateSince " + stateSince + " is before 1970");
        if (state == null || state == CallState.RELEASED) {
            throw new IllegalArgumentException("call state " + state + " has no cookie (SETUP, RINGING or CONNECTED)");
        }
        if (feature == null) throw new IllegalArgumentException("feature is missing (NONE for none)");
        if (consultState == CallState.RELEASED) {
            throw new IllegalArgumentException("consultation state RELEASED (SETUP, RINGING, CONNECTED or none)");
        }
        if (parties == null || parties.isEmpty()) throw new IllegalArgumentException("a call cookie without parties");
        if (parties.size() > MAX_PARTIES) {
            throw new IllegalArgumentException(parties.size() + " parties, more than " + MAX_PARTIES);
        }
        for (int i = 0; i < parties.size(); i++) {
            if (parties.get(i) == null) throw new IllegalArgumentException("party " + i + " is missing");
        }
        parties = List.copyOf(parties);
        if (part == null) throw new IllegalArgumentException("the part the cookie sits on is missing");
        checkPart(part, parties);
    }

    private static void checkPart(CookiePart part, List<CookieParty> parties) {
        // Java 17: no pattern switch; the interface is sealed, so these four are all there is
        if (part instanceof CookiePart.Party p) {
            requireKind(p.party(), parties, "a PARTY part", CookieParty.Kind.LINE, CookieParty.Kind.TRUNK);
        } else if (part instanceof CookiePart.IgcEnd e) {
            if (e.party() >= parties.size()) {
                throw new IllegalArgumentException("an IGC end leads to party " + e.party() + " of " + parties.size());
            }
        } else if (part instanceof CookiePart.PhoneRtp r) {
            requireKind(r.party(), parties, "a PHONE_RTP part", CookieParty.Kind.PHONE);
        } else if (part instanceof CookiePart.PhoneDialog d) {
            requireKind(d.party(), parties, "a PHONE_DIALOG part", CookieParty.Kind.PHONE);
        }
    }

    private static void requireKind(int index, List<CookieParty> parties, String what, CookieParty.Kind... kinds) {
        if (index >= parties.size()) {
            throw new IllegalArgumentException(what + " names party " + index + " of " + parties.size());
        }
        CookieParty.Kind kind = parties.get(index).kind();
        for (CookieParty.Kind k : kinds) if (k == kind) return;
        throw new IllegalArgumentException(what + " names party " + index + ", a " + kind);
    }
}
