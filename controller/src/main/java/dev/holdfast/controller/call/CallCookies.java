package dev.holdfast.controller.call;

import dev.holdfast.controller.cookie.CallCookie;
import dev.holdfast.controller.cookie.CookiePart;
import dev.holdfast.controller.cookie.CookieParty;
import dev.holdfast.controller.gateway.Line;
import dev.holdfast.h248.message.ContextId;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a call's cookies say (docs/migration.md): the call-level content every part shares, and the cookie of each
 * part. One place, so that what is written and what a rebuild reads cannot drift apart.
 */
final class CallCookies {
    private CallCookies() {}

    /**
     * The call-level content. Ringing is not told apart from set-up ({@code SETUP} covers both; the gateway's
     * signals say which), so that the start of ringing, which sends nothing to the caller's gateway, does not cost
     * a message just for the cookie.
     */
    record Content(CallState state, Call.Feature feature, CallState consultState, List<CookieParty> parties) {
        Content { parties = List.copyOf(parties); }
    }

    /**
     * The call's content now; when it differs from what its cookies last said, the generation goes up (and, with a
     * new state, the time it was entered). One place for both writers: gateway parts and phone dialogs.
     */
    static Content refresh(Call c, long now) {
        Content k = content(c);
        if (!k.equals(c.cookieContent)) {
            if (c.cookieContent == null || c.cookieContent.state() != k.state()) c.stateSince = now;
            c.generation++;
            c.cookieContent = k;
        }
        return k;
    }

    static CallState cookieState(CallState s) { return s == CallState.RINGING ? CallState.SETUP : s; }

    static Content content(Call c) {
        return new Content(cookieState(c.state), c.feature, c.consultState == null ? null : cookieState(c.consultState),
                parties(c));
    }

    /** The parties in the order {@link Call#structure()} lists them: a calling phone, the lines, a called phone. */
    static List<CookieParty> parties(Call c) {
        List<CookieParty> out = new ArrayList<>();
        if (c.sip != null && c.sip.role == CallStructure.Role.CALLER) out.add(CookieParty.phone(c.sip.number, c.sip.callId, c.sip.role));
        for (Map.Entry<Line, CallStructure.Role> p : c.parties.entrySet()) {
            Line l = p.getKey();
            CallStructure.Role before = c.rolesBeforeHold == null ? null : c.rolesBeforeHold.get(l);
            CookieParty party = l.trunk()
                    ? CookieParty.trunk(l.gateway().name(), l.termination(), p.getValue(), l == c.callee ? c.outpulse : null)
                    : CookieParty.line(l.gateway().name(), l.termination(), p.getValue());
            out.add(before == null ? party : party.withRoleBeforeHold(before));
        }
        if (c.sip != null && c.sip.role == CallStructure.Role.CALLEE) {
            out.add(CookieParty.phone(c.sip.number, c.sip.callId, c.sip.role));
        }
        return out;
    }

    /** The index of a line's party in {@link #parties}, or -1. */
    static int partyIndex(Call c, Line line) {
        int i = c.sip != null && c.sip.role == CallStructure.Role.CALLER ? 1 : 0;
        for (Line l : c.parties.keySet()) {
            if (l == line) return i;
            i++;
        }
        return -1;
    }

    static int sipIndex(Call c) {
        return c.sip.role == CallStructure.Role.CALLER ? 0 : c.parties.size();
    }

    /** The one party whose line is in {@code leg}, or -1 (none, or several). */
    static int partyIn(Call c, Call.Leg leg) {
        int found = -1;
        for (Line l : c.parties.keySet()) {
            if (l.gateway() == leg.gateway && leg.terminations.contains(l.termination())) {
                if (found >= 0) return -1;
                found = partyIndex(c, l);
            }
        }
        return found;
    }

    /** What a part sits on: a line or trunk of the call, an RTP end of an IGC, or a phone's RTP; null for none. */
    static CookiePart part(Call c, Object partKey) {
        if (partKey instanceof Line l) {
            int i = partyIndex(c, l);
            return i < 0 ? null : new CookiePart.Party(i);
        }
        if (partKey instanceof Call.IgcEnd e) {
            if (c.sip != null && c.sip.rtp == e) return new CookiePart.PhoneRtp(sipIndex(c));
            if (e.far == null) return null;
            ContextId fc = e.far.leg.context;
            return new CookiePart.IgcEnd(e.far.leg.gateway.name(), fc != null && fc.isSpecific() ? fc.value() : null,
                    e.far.rtp, partyIn(c, e.far.leg));
        }
        return null;
    }

    static CallCookie cookie(Call c, Content k, CookiePart part) {
        return new CallCookie(c.key, Math.max(1, c.generation), c.stateSince, k.state(), k.feature(), k.consultState(),
                k.parties(), part);
    }
}
