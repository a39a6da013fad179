package dev.holdfast.controller.call;

import dev.holdfast.controller.cdr.CdrRecorder;
import dev.holdfast.controller.cdr.CdrRecorder.Party;
import dev.holdfast.controller.gateway.Line;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Call processing's call detail records: what a {@link Call} (or a refused attempt) was, for the {@link CdrRecorder}. */
final class CallRecords {
    private CallRecords() {}

    /** The call ends now, from state {@code was}. */
    static void ended(CdrRecorder r, Call c, CallState was) {
        Set<String> gateways = new LinkedHashSet<>();
        for (Line l : c.parties.keySet()) gateways.add(l.gateway().name());
        if (c.caller != null) gateways.add(c.caller.gateway().name());
        if (c.callee != null) gateways.add(c.callee.gateway().name());
        for (Call.Leg leg : c.legs) gateways.add(leg.gateway.name());
        r.ended(c.key, caller(c), callee(c), new ArrayList<>(gateways), c.cdr.setupAt, c.cdr.answered(),
                c.cdr.release(was == CallState.CONNECTED), c.cdr.cause(), c.migrated);
    }

    /** A line (or trunk) dialled and was refused at once: busy, invalid number, no trunk free. */
    static void refused(CdrRecorder r, Line caller, Party callee, String release, String cause) {
        List<String> gateways = new ArrayList<>(List.of(caller.gateway().name()));
        r.refused(party(caller, null), callee, gateways, release, cause);
    }

    /** A phone called a line and was refused at once (the line busy or out of service). */
    static void refused(CdrRecorder r, String phone, Line callee, String release, String cause) {
        r.refused(Party.phone(phone), party(callee, null), List.of(callee.gateway().name()), release, cause);
    }

    static Party party(Line l, String outpulse) {
        if (!l.trunk()) return Party.line(l.number());
        return Party.trunk(outpulse != null ? outpulse : "trunk:" + l.trunkGroup() + "/" + l.termination());
    }

    private static Party caller(Call c) {
        if (c.sip != null && c.sip.role == CallStructure.Role.CALLER) return Party.phone(c.sip.number);
        if (c.caller != null) return party(c.caller, null);
        Line l = withRole(c, CallStructure.Role.CALLER, 0);
        return l == null ? new Party(null, null) : party(l, null);
    }

    private static Party callee(Call c) {
        if (c.sip != null && c.sip.role == CallStructure.Role.CALLEE) return Party.phone(c.sip.number);
        if (c.callee != null) return party(c.callee, c.outpulse);
        Line l = withRole(c, CallStructure.Role.CALLEE, c.sip != null ? 0 : 1);
        return l == null ? null : party(l, null);
    }

    /** The party with {@code role}; failing that (a rebuilt call in a feature), the {@code index}th party. */
    private static Line withRole(Call c, CallStructure.Role role, int index) {
        for (Map.Entry<Line, CallStructure.Role> e : c.parties.entrySet()) if (e.getValue() == role) return e.getKey();
        List<Line> all = new ArrayList<>(c.parties.keySet());
        return index < all.size() ? all.get(index) : null;
    }
}
