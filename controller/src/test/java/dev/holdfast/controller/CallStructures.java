package dev.holdfast.controller;

import dev.holdfast.controller.call.Call;
import dev.holdfast.controller.call.CallStructure;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How tests compare a call before and after a migration (docs/migration.md): the loopback migration tests and the
 * deterministic migration simulation use this one definition.
 */
public final class CallStructures {
    private CallStructures() {}

    /** Each call's structure by its parties (call ids differ between controllers). */
    public static Map<String, CallStructure> byParties(Collection<Call> calls) {
        Map<String, CallStructure> out = new TreeMap<>();
        for (Call c : calls) {
            CallStructure s = c.structure();
            out.put(String.join(",", s.parties()), s);
        }
        return out;
    }

    /** What must survive a migration: everything but the call id; legs and IGCs in a stable order. */
    public static String comparable(CallStructure s) {
        List<String> legs = new ArrayList<>();
        for (CallStructure.Leg l : s.legs()) legs.add(l.gateway() + "/" + l.context() + new TreeSet<>(l.terminations()));
        legs.sort(Comparator.naturalOrder());
        List<String> igcs = new ArrayList<>();
        for (CallStructure.Igc i : s.igcs()) {
            String a = end(i.a()), b = end(i.b());
            igcs.add(a.compareTo(b) < 0 ? a + "<->" + b : b + "<->" + a);
        }
        igcs.sort(Comparator.naturalOrder());
        return s.state() + " " + s.feature() + " " + s.roles() + " legs " + legs + " igcs " + igcs;
    }

    private static String end(CallStructure.IgcEnd e) {
        return e.gateway() + "/" + e.context() + "/" + e.termination() + " far " + e.farGateway() + "/" + e.farContext();
    }
}
