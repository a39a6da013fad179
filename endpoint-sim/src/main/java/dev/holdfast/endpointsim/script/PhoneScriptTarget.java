package dev.holdfast.endpointsim.script;

import dev.holdfast.endpointsim.phone.Call;
import dev.holdfast.endpointsim.phone.CallState;
import dev.holdfast.endpointsim.phone.Phone;
import dev.holdfast.sim.script.ScriptException;
import dev.holdfast.sim.script.ScriptTarget;
import dev.holdfast.sim.script.Step;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Phones as a target of the shared script format ({@code dev.holdfast.sim.script}). Phones are named by their
 * user. Actions:
 * <pre>
 *   register P | unregister P
 *   call P TARGET            TARGET: a number (through P's controller), a sip: URI, or the name of another phone
 *                            here (called straight at its address when P has no controller)
 *   answer P | reject P [STATUS] | cancel P | hangup P
 *   hold P [inactive] | resume P
 *   transfer P TARGET        blind transfer of P's current call
 *   transfer-attended P      P's held call is transferred to the far end of its other (current) call
 *   conference P FOCUS       P's connected calls join a conference at FOCUS (a number, URI or phone name)
 * </pre>
 * Expectations: {@code registered P [yes|no]}, {@code ringing P}, {@code ringback P}, {@code connected P},
 * {@code held P}, {@code idle P}, {@code talk-path P up|down}, {@code ended P [REASON]} (P's latest call).
 * "The current call" is P's newest call that is not over.
 */
public final class PhoneScriptTarget implements ScriptTarget {
    private final Map<String, Phone> phones;

    public PhoneScriptTarget(Map<String, Phone> phones) {
        this.phones = Map.copyOf(phones);
    }

    private Phone phone(String name) throws ScriptException {
        Phone p = phones.get(name);
        if (p == null) throw new ScriptException("no phone " + name + " (phones: " + phones.keySet() + ")");
        return p;
    }

    private static Call current(Phone p) {
        List<Call> calls = p.calls();
        for (int i = calls.size() - 1; i >= 0; i--) if (calls.get(i).state() != CallState.ENDED) return calls.get(i);
        return null;
    }

    private static Call latest(Phone p) {
        List<Call> calls = p.calls();
        return calls.isEmpty() ? null : calls.get(calls.size() - 1);
    }

    private static Call need(Phone p, String what) throws ScriptException {
        Call c = current(p);
        if (c == null) throw new ScriptException(p.user() + " has no call to " + what);
        return c;
    }

    private String target(Phone caller, String t) {
        Phone other = phones.get(t);
        if (other != null && caller.controller() == null) return other.directUri();
        return t;
    }

    private static String arg(Step.Action a, int i) throws ScriptException {
        if (a.args().size() <= i) throw new ScriptException("'" + a + "' needs more arguments");
        return a.args().get(i);
    }

    @Override public void perform(Step.Action a) throws ScriptException {
        Phone p = phone(a.target());
        switch (a.verb()) {
            case "register" -> p.register();
            case "unregister" -> p.unregister();
            case "call" -> p.call(target(p, arg(a, 0)));
            case "answer" -> {
                Call c = need(p, "answer");
                if (c.state() != CallState.RINGING) throw new ScriptException(p.user() + " is not ringing: " + c);
                p.answer(c);
            }
            case "reject" -> p.reject(need(p, "reject"), a.args().isEmpty() ? 486 : status(arg(a, 0)));
            case "cancel" -> p.cancelCall(need(p, "cancel"));
            case "hangup" -> p.hangUp(need(p, "hang up"));
            case "hold" -> p.hold(need(p, "hold"), a.args().contains("inactive"));
            case "resume" -> p.resume(need(p, "resume"));
            case "transfer" -> p.transfer(need(p, "transfer"), target(p, arg(a, 0)));
            case "transfer-attended" -> {
                Call held = null;
                Call other = null;
                for (Call c : p.calls()) {
                    if (c.state() != CallState.CONNECTED) continue;
                    if (c.onHold() && held == null) held = c;
                    else other = c;
                }
                if (held == null || other == null) throw new ScriptException(p.user() + " needs a held call and another call");
                p.transferAttended(held, other);
            }
            case "conference" -> {
                List<Call> parties = p.calls().stream().filter(c -> c.state() == CallState.CONNECTED).toList();
                if (parties.isEmpty()) throw new ScriptException(p.user() + " has no call to join");
                p.conference(target(p, arg(a, 0)), parties);
            }
            default -> throw new ScriptException("unknown action '" + a.verb() + "'");
        }
    }

    private static int status(String s) throws ScriptException {
        try {
            int v = Integer.parseInt(s);
            if (v < 300 || v > 699) throw new ScriptException("not a final failure status: " + s);
            return v;
        } catch (NumberFormatException e) {
            throw new ScriptException("not a status: " + s);
        }
    }

    @Override public String check(Step.Expect e) throws ScriptException {
        Phone p = phone(e.target());
        Call c = current(p);
        String state = c == null ? "idle" : c.state().name().toLowerCase(Locale.ROOT);
        switch (e.what()) {
            case "registered" -> {
                boolean want = e.args().isEmpty() || e.args().get(0).equalsIgnoreCase("yes");
                return p.registered() == want ? null : (p.registered() ? "registered" : "not registered: " + p.registrationError());
            }
            case "ringing" -> { return c != null && c.state() == CallState.RINGING ? null : state; }
            case "ringback" -> { return c != null && c.state() == CallState.RINGBACK ? null : state; }
            case "connected" -> { return c != null && c.state() == CallState.CONNECTED ? null : state; }
            case "held" -> { return c != null && c.onHold() ? null : state; }
            case "idle" -> { return c == null ? null : state; }
            case "talk-path" -> {
                if (e.args().isEmpty()) throw new ScriptException("expect talk-path P up|down");
                boolean want = e.args().get(0).equalsIgnoreCase("up");
                boolean up = c != null && c.talkPathUp();
                return up == want ? null : "talk path " + (up ? "up" : "down") + (c == null ? " (no call)" : " " + c.probeStats());
            }
            case "ended" -> {
                Call l = latest(p);
                if (l == null || l.state() != CallState.ENDED) return l == null ? "no call" : l.toString();
                return e.args().isEmpty() || e.args().get(0).equals(l.endReason()) ? null : "ended: " + l.endReason();
            }
            default -> throw new ScriptException("unknown expectation '" + e.what() + "'");
        }
    }
}
