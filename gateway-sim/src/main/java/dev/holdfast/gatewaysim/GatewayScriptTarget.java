package dev.holdfast.gatewaysim;

import dev.holdfast.sim.script.ScriptException;
import dev.holdfast.sim.script.ScriptTarget;
import dev.holdfast.sim.script.Step;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Scripts on simulated gateways. Targets are lines ({@code A1}) or, with several gateways, {@code NAME:A1}.
 * <pre>
 * actions:      off-hook L | on-hook L | flash L | dial L DIGITS | answer L (fails unless L is ringing)
 * expectations: ringing L | dial-tone L | ring-back L | busy L | reorder L (congestion) | call-waiting L
 *               | silence L (no signal) | signal L PKG/NAME | talk-path L up|down | idle L (NULL context)
 *               | in-context L | registered GATEWAY | controller GATEWAY HOST:PORT
 * </pre>
 */
public final class GatewayScriptTarget implements ScriptTarget {
    private final Map<String, SimulatedGateway> gateways;

    public GatewayScriptTarget(Map<String, SimulatedGateway> gateways) {
        this.gateways = Map.copyOf(gateways);
    }

    private record Line(SimulatedGateway gateway, String id) {}

    private Line line(String target) throws ScriptException {
        int colon = target.indexOf(':');
        String name = colon < 0 ? "" : target.substring(0, colon);
        String id = colon < 0 ? target : target.substring(colon + 1);
        SimulatedGateway g = gateways.get(name);
        if (g == null && colon < 0 && gateways.size() == 1) g = gateways.values().iterator().next();
        if (g == null) throw new ScriptException("no gateway '" + name + "' (known: " + gateways.keySet() + ")");
        if (!g.config().lines().contains(id) && !g.config().trunks().containsKey(id)) {
            throw new ScriptException("no line or trunk " + id + " on " + g.config().midText());
        }
        return new Line(g, id);
    }

    private SimulatedGateway gateway(String name) throws ScriptException {
        SimulatedGateway g = gateways.get(name);
        if (g == null && gateways.size() == 1) g = gateways.values().iterator().next();
        if (g == null) throw new ScriptException("no gateway '" + name + "'");
        return g;
    }

    @Override public void perform(Step.Action a) throws ScriptException {
        Line l = line(a.target());
        try {
            switch (a.verb()) {
                case "off-hook" -> l.gateway.offHook(l.id);
                case "on-hook" -> l.gateway.onHook(l.id);
                case "flash" -> l.gateway.flash(l.id);
                case "dial" -> {
                    if (a.args().size() != 1) throw new ScriptException("dial needs the digits: dial LINE DIGITS");
                    l.gateway.dial(l.id, a.args().get(0));
                }
                case "answer" -> {
                    if (!l.gateway.answer(l.id)) throw new ScriptException(l.id + " was not ringing when answered");
                }
                default -> throw new ScriptException("unknown action '" + a.verb() + "'");
            }
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new ScriptException(e.getMessage());
        }
    }

    @Override public String check(Step.Expect e) throws ScriptException {
        String what = e.what().toLowerCase(Locale.ROOT);
        switch (what) {
            case "registered" -> {
                SimulatedGateway g = gateway(e.target());
                return g.registered() ? null : "not registered";
            }
            case "controller" -> {
                SimulatedGateway g = gateway(e.target());
                if (e.args().size() != 1) throw new ScriptException("expect controller GATEWAY HOST:PORT");
                var c = g.currentController();
                String now = c == null ? "none" : c.getHostString() + ":" + c.getPort();
                return now.equals(e.args().get(0)) ? null : "controller " + now;
            }
            default -> { }
        }
        Line l = line(e.target());
        List<String> signals = l.gateway.signals(l.id);
        String signal = switch (what) {
            case "ringing" -> "al/ri";
            case "dial-tone" -> "cg/dt";
            case "ring-back" -> "cg/rt";
            case "busy" -> "cg/bt";
            case "reorder", "congestion" -> "cg/ct";
            case "call-waiting" -> "cg/cw";
            case "signal" -> {
                if (e.args().size() != 1) throw new ScriptException("expect signal LINE PKG/NAME");
                yield e.args().get(0).toLowerCase(Locale.ROOT);
            }
            default -> null;
        };
        if (signal != null) return signals.contains(signal) ? null : l.id + " plays " + signals;
        switch (what) {
            case "silence" -> {
                return signals.isEmpty() ? null : l.id + " plays " + signals;
            }
            case "talk-path" -> {
                if (e.args().size() != 1 || !List.of("up", "down").contains(e.args().get(0))) {
                    throw new ScriptException("expect talk-path LINE up|down");
                }
                boolean up = l.gateway.talkPathUp(l.id);
                return up == e.args().get(0).equals("up") ? null : "talk path " + (up ? "up" : "down");
            }
            case "idle" -> {
                Long c = l.gateway.contextOf(l.id);
                return c == null ? null : l.id + " in context " + c;
            }
            case "in-context" -> {
                Long c = l.gateway.contextOf(l.id);
                return c != null ? null : l.id + " in the NULL context";
            }
            default -> throw new ScriptException("unknown expectation '" + e.what() + "'");
        }
    }
}
