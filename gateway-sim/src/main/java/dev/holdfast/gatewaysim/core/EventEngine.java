package dev.holdfast.gatewaysim.core;

import dev.holdfast.h248.message.ErrorDescriptor;

import dev.holdfast.gatewaysim.core.Termination.ActiveEvents;
import dev.holdfast.gatewaysim.core.Termination.ActiveEventsPlan;
import dev.holdfast.gatewaysim.core.Termination.Embedded;
import dev.holdfast.gatewaysim.core.Termination.SignalTrack;
import dev.holdfast.gatewaysim.digitmap.DigitMap;
import dev.holdfast.gatewaysim.digitmap.DigitMapSession;
import dev.holdfast.gatewaysim.digitmap.DigitMapTimers;
import dev.holdfast.h248.message.DigitMapValue;
import dev.holdfast.h248.message.EventParameter;
import dev.holdfast.h248.message.EventsDescriptor;
import dev.holdfast.h248.message.KeepActive;
import dev.holdfast.h248.message.ObservedEventParameter;
import dev.holdfast.h248.message.ObservedEventsDescriptor;
import dev.holdfast.h248.message.ObservedEventsDescriptor.ObservedEvent;
import dev.holdfast.h248.message.ParmValue;
import dev.holdfast.h248.message.PropertyParm;
import dev.holdfast.h248.message.RequestedEvent;
import dev.holdfast.h248.message.SignalParameter;
import dev.holdfast.h248.message.SignalParameter.NotificationReason;
import dev.holdfast.h248.message.SignalParm;
import dev.holdfast.h248.message.SignalsDescriptor;
import dev.holdfast.h248.message.TimeStamp;
import dev.holdfast.sim.time.SimScheduler;

import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Events and signals on terminations (H.248.1 7.1.9, 7.1.11, 7.1.14; packages al, dd, cg, g, it): validating
 * and putting in force Events and Signals descriptors, recognising detected events (notify, stop signals,
 * embedded descriptors), digit collection with digit maps and their timers, signal durations and completion
 * reports (g/sc). Notifications leave through {@link Output}; time only through the scheduler.
 */
final class EventEngine {
    private static final System.Logger LOG = System.getLogger(EventEngine.class.getName());

    /** Where observed events go: a Notify to the controller. */
    interface Output {
        void notify(Termination t, ObservedEventsDescriptor observed);
    }

    private final SimScheduler scheduler;
    private final Output output;
    private final DigitMapTimers defaultTimers;
    /** Resolves a digit map name: the termination's own, then those defined on ROOT. */
    private final Function<Termination, Map<String, DigitMapValue>> globalMaps;

    EventEngine(SimScheduler scheduler, Output output, DigitMapTimers defaultTimers,
                Function<Termination, Map<String, DigitMapValue>> globalMaps) {
        this.scheduler = scheduler;
        this.output = output;
        this.defaultTimers = defaultTimers;
        this.globalMaps = globalMaps;
    }

    // ------------------------------------------------------------------------------------------ Events descriptor

    /** Validates an Events descriptor for {@code t} without changing anything. */
    ActiveEventsPlan prepareEvents(Termination t, EventsDescriptor d, Map<String, DigitMapValue> mapsInCommand,
                                   boolean embedded) throws GatewayException {
        RequestedEvent dmEvent = null;
        DigitMap dm = null;
        DigitMapTimers timers = null;
        Map<RequestedEvent, Embedded> embeds = new IdentityHashMap<>();
        for (RequestedEvent e : d.events()) {
            Packages.checkEvent(e.name(), t.kind);
            String name = e.name().toLowerCase(Locale.ROOT);
            EventParameter.EventDigitMap edm = null;
            for (EventParameter p : e.parameters()) {
                if (p instanceof EventParameter.EventDigitMap x) edm = x;
                if (p instanceof EventParameter.Embed em) {
                    if (embedded) throw new GatewayException(ErrorDescriptor.ILLEGAL_ACTION, "embedding inside an embedded Events descriptor");
                    List<SignalParm> sigs = em.signals() == null ? null : prepareSignals(t, em.signals());
                    ActiveEventsPlan ev = em.events() == null ? null
                            : prepareEvents(t, em.events(), mapsInCommand, true);
                    embeds.put(e, new Embedded(sigs, ev));
                }
                if (p instanceof PropertyParm pp && pp.name().equalsIgnoreCase("strict")) {
                    String v = ParmValue.unquote(single(pp)).toLowerCase(Locale.ROOT);
                    if (!Set.of("exact", "state", "failwrong").contains(v)) {
                        throw new GatewayException(ErrorDescriptor.UNSUPPORTED_VALUE, "strict=" + v);
                    }
                    if (v.equals("failwrong") && hookStateAlready(t, name)) {
                        throw new GatewayException(ErrorDescriptor.UNEXPECTED_HOOK_STATE, "Unexpected initial hook state");
                    }
                }
            }
            boolean activatesDigitMap = name.equals("dd/ce") || (name.equals("dd/*") && edm != null);
            if (name.equals("dd/ce") && edm == null) {
                throw new GatewayException(ErrorDescriptor.MISSING_PARAMETER, "dd/ce without a DigitMap");
            }
            if (activatesDigitMap) {
                DigitMapValue value = edm.value();
                if (value == null) {
                    value = mapsInCommand.get(edm.name().toLowerCase(Locale.ROOT));
                    if (value == null) value = t.digitMaps.get(edm.name().toLowerCase(Locale.ROOT));
                    if (value == null) value = globalMaps.apply(t).get(edm.name().toLowerCase(Locale.ROOT));
                    if (value == null) throw new GatewayException(ErrorDescriptor.DIGIT_MAP_UNDEFINED, "no digit map " + edm.name());
                }
                try {
                    dm = DigitMap.compile(value.digitMap());
                } catch (IllegalArgumentException ex) {
                    throw new GatewayException(ErrorDescriptor.UNSUPPORTED_VALUE, ex.getMessage());
                }
                timers = defaultTimers.overriddenBy(value.startTimer(), value.shortTimer(), value.longTimer());
                dmEvent = e;
            }
        }
        return new ActiveEventsPlan(d.requestId(), d.events(), dmEvent, dm, timers, embeds);
    }

    private static boolean hookStateAlready(Termination t, String event) {
        return (event.equals("al/of") && t.offHook) || (event.equals("al/on") && !t.offHook);
    }

    /** Puts a validated Events descriptor in force, replacing the previous one (and its digit map). */
    void installEvents(Termination t, ActiveEventsPlan plan) {
        stopDigitMap(t);
        if (plan == null || plan.events().isEmpty()) {
            t.events = null;
            return;
        }
        ActiveEvents ev = new ActiveEvents(plan.requestId(), plan.events());
        ev.embedded.putAll(plan.embedded());
        t.events = ev;
        if (plan.digitMap() != null) {
            ev.digitMapEvent = plan.digitMapEvent();
            ev.digitMap = new DigitMapSession(plan.digitMap(), plan.timers());
            follow(t, ev, ev.digitMap.start());
        }
        // strict=state: a hook state that already holds is reported at once (init=True)
        for (RequestedEvent e : plan.events()) {
            String name = e.name().toLowerCase(Locale.ROOT);
            if ((name.equals("al/of") || name.equals("al/on")) && hookStateAlready(t, name) && strict(e, "state")) {
                scheduler.execute(() -> {
                    if (t.events == ev) recognise(t, name, List.of(PropertyParm.of("init", "True")));
                });
            }
        }
    }

    private static boolean strict(RequestedEvent e, String value) {
        for (EventParameter p : e.parameters()) {
            if (p instanceof PropertyParm pp && pp.name().equalsIgnoreCase("strict")
                    && ParmValue.unquote(single(pp)).equalsIgnoreCase(value)) return true;
        }
        return false;
    }

    private void stopDigitMap(Termination t) {
        ActiveEvents ev = t.events;
        if (ev != null && ev.digitMapTimer != null) ev.digitMapTimer.cancel();
        if (ev != null) {
            ev.digitMapTimer = null;
            ev.digitMap = null;
        }
    }

    // ------------------------------------------------------------------------------------------ Signals descriptor

    List<SignalParm> prepareSignals(Termination t, SignalsDescriptor d) throws GatewayException {
        for (SignalParm p : d.signals()) {
            List<SignalParm.Request> reqs = p instanceof SignalParm.SignalList l ? l.signals()
                    : List.of((SignalParm.Request) p);
            for (SignalParm.Request r : reqs) Packages.checkSignal(r.name(), t.kind);
        }
        return d.signals();
    }

    /**
     * Replaces the signals on {@code t} (7.1.11): signals not in the new descriptor stop (reason SD); a signal
     * marked KeepActive that is playing continues; a signal list with the id of one playing continues.
     */
    void installSignals(Termination t, List<SignalParm> signals) {
        List<SignalTrack> keep = new ArrayList<>();
        List<SignalParm> start = new ArrayList<>();
        for (SignalParm p : signals) {
            SignalTrack playing = playingMatch(t, p);
            if (playing != null) {
                keep.add(playing);
            } else if (!(p instanceof SignalParm.Request r && r.parameters().contains(KeepActive.INSTANCE))) {
                start.add(p);
            }
        }
        for (Iterator<SignalTrack> it = t.signals.iterator(); it.hasNext(); ) {
            SignalTrack s = it.next();
            if (keep.contains(s)) continue;
            it.remove();
            finish(t, s, NotificationReason.INTERRUPTED_BY_NEW_SIGNALS_DESCRIPTOR);
        }
        for (SignalParm p : start) {
            SignalTrack track = new SignalTrack(p);
            t.signals.add(track);
            startCurrent(t, track);
        }
    }

    private static SignalTrack playingMatch(Termination t, SignalParm p) {
        for (SignalTrack s : t.signals) {
            if (p instanceof SignalParm.SignalList l && s.listId != null && s.listId == l.id()) return s;
            if (p instanceof SignalParm.Request r && r.parameters().contains(KeepActive.INSTANCE)
                    && s.listId == null && s.current().name().equalsIgnoreCase(r.name())) return s;
        }
        return null;
    }

    private void startCurrent(Termination t, SignalTrack track) {
        SignalParm.Request r = track.current();
        Duration d = playDuration(r);
        if (d != null) {
            track.timer = scheduler.schedule(() -> signalTimedOut(t, track), d);
        }
    }

    /** How long a signal plays on its own: null for on/off (until stopped). */
    private static Duration playDuration(SignalParm.Request r) {
        SignalParameter.SignalType type = null;
        Integer hundredths = null;
        for (SignalParameter p : r.parameters()) {
            if (p instanceof SignalParameter.Type ty) type = ty.type();
            if (p instanceof SignalParameter.Duration du) hundredths = du.value();
        }
        String name = r.name().toLowerCase(Locale.ROOT);
        if (type == null) type = SignalParameter.SignalType.TIME_OUT; // every signal we implement defaults to TO
        return switch (type) {
            case ON_OFF -> null;
            case BRIEF -> Duration.ofMillis(100);
            case TIME_OUT -> hundredths != null ? Duration.ofMillis(10L * hundredths) : Packages.defaultDuration(name);
        };
    }

    private void signalTimedOut(Termination t, SignalTrack track) {
        if (!t.signals.contains(track)) return;
        track.timer = null;
        if (track.index + 1 < track.sequence.size()) {
            track.index++;
            startCurrent(t, track);
            return;
        }
        t.signals.remove(track);
        finish(t, track, NotificationReason.TIME_OUT);
    }

    /** Stops every signal on {@code t} (event recognised, line went off-hook, termination subtracted). */
    void stopSignals(Termination t, NotificationReason reason) {
        List<SignalTrack> stopped = new ArrayList<>(t.signals);
        t.signals.clear();
        for (SignalTrack s : stopped) finish(t, s, reason);
    }

    /** Stops one named signal (ringing on an off-hook line). */
    void stopSignal(Termination t, String name, NotificationReason reason) {
        for (Iterator<SignalTrack> it = t.signals.iterator(); it.hasNext(); ) {
            SignalTrack s = it.next();
            if (s.current().name().equalsIgnoreCase(name)) {
                it.remove();
                finish(t, s, reason);
            }
        }
    }

    private void finish(Termination t, SignalTrack s, NotificationReason reason) {
        if (s.timer != null) s.timer.cancel();
        s.timer = null;
        Set<NotificationReason> wanted = EnumSet.of(NotificationReason.OTHER_REASON);
        for (SignalParameter p : s.current().parameters()) {
            if (p instanceof SignalParameter.NotifyCompletion nc) {
                wanted = nc.reasons().isEmpty() ? EnumSet.noneOf(NotificationReason.class) : EnumSet.copyOf(nc.reasons());
            }
        }
        if (!wanted.contains(reason)) return;
        String meth = switch (reason) {
            case TIME_OUT -> "TO";
            case INTERRUPTED_BY_EVENT -> "EV";
            case INTERRUPTED_BY_NEW_SIGNALS_DESCRIPTOR -> "SD";
            default -> "NC";
        };
        List<ObservedEventParameter> params = new ArrayList<>();
        params.add(PropertyParm.of("SigID", s.current().name()));
        params.add(PropertyParm.of("Meth", meth));
        if (s.listId != null) params.add(PropertyParm.of("SLID", Integer.toString(s.listId)));
        scheduler.execute(() -> recognise(t, "g/sc", params));
    }

    // ------------------------------------------------------------------------------------------ detection

    /**
     * An event happened on {@code t}. If the Events descriptor in force requests it: active signals stop (unless
     * KeepActive), the controller is notified, and the event's embedded descriptors take over.
     *
     * @return whether the event was recognised
     */
    boolean recognise(Termination t, String name, List<ObservedEventParameter> params) {
        ActiveEvents ev = t.events;
        if (ev == null) return false;
        RequestedEvent requested = find(ev, name);
        if (requested == null) return false;
        if (!name.equals("g/sc") && !requested.parameters().contains(KeepActive.INSTANCE)) {
            stopSignals(t, NotificationReason.INTERRUPTED_BY_EVENT);
        }
        output.notify(t, new ObservedEventsDescriptor(ev.requestId, List.of(observed(name, params))));
        applyEmbedded(t, ev, requested);
        return true;
    }

    private void applyEmbedded(Termination t, ActiveEvents ev, RequestedEvent requested) {
        Embedded em = ev.embedded.get(requested);
        if (em == null) return;
        if (em.signals() != null) installSignals(t, em.signals());
        if (em.events() != null && t.events == ev) installEvents(t, em.events());
    }

    private static RequestedEvent find(ActiveEvents ev, String name) {
        String pkg = Packages.pkg(name);
        for (RequestedEvent e : ev.events) {
            String n = e.name().toLowerCase(Locale.ROOT);
            if (n.equals(name) || n.equals(pkg + "/*") || n.equals("*/*") || n.equals("*")) return e;
        }
        return null;
    }

    /** One dialled digit ('0'-'9', 'A'-'D', '*' or 'E', '#' or 'F'), long or not. */
    void digit(Termination t, char digit, boolean longDuration) {
        char symbol = switch (digit) {
            case '*' -> 'E';
            case '#' -> 'F';
            default -> Character.toUpperCase(digit);
        };
        String event = "dd/" + dtmfEvent(symbol);
        ActiveEvents ev = t.events;
        if (ev == null || ev.digitMap == null) {
            recognise(t, event, List.of());
            return;
        }
        // 7.1.14.7: each digit keeps its normal side effects (stops signals unless the completion event has
        // KeepActive); digits are not notified one by one unless requested separately (or by dd/*)
        if (!ev.digitMapEvent.parameters().contains(KeepActive.INSTANCE)) {
            stopSignals(t, NotificationReason.INTERRUPTED_BY_EVENT);
        }
        RequestedEvent individually = find(ev, event);
        if (individually != null && !individually.name().equalsIgnoreCase("dd/ce")) {
            output.notify(t, new ObservedEventsDescriptor(ev.requestId, List.of(observed(event, List.of()))));
        }
        if (ev.digitMapTimer != null) ev.digitMapTimer.cancel();
        ev.digitMapTimer = null;
        follow(t, ev, ev.digitMap.event(symbol, longDuration));
    }

    private void follow(Termination t, ActiveEvents ev, DigitMapSession.Step step) {
        if (step instanceof DigitMapSession.Wait w) {
            if (w.duration() != null) {
                ev.digitMapTimer = scheduler.schedule(() -> {
                    if (t.events != ev || ev.digitMap == null) return;
                    ev.digitMapTimer = null;
                    complete(t, ev, ev.digitMap.timeout());
                }, w.duration());
            }
        } else {
            complete(t, ev, (DigitMapSession.Complete) step);
        }
    }

    private void complete(Termination t, ActiveEvents ev, DigitMapSession.Complete c) {
        ev.digitMap = null;
        RequestedEvent ce = ev.digitMapEvent;
        output.notify(t, new ObservedEventsDescriptor(ev.requestId, List.of(observed("dd/ce", List.of(
                PropertyParm.of("ds", "\"" + c.digitString() + "\""), PropertyParm.of("Meth", c.method().name()))))));
        applyEmbedded(t, ev, ce);
        if (c.unmatched() != null) {
            char u = c.unmatched();
            scheduler.execute(() -> digit(t, u, false)); // processed afresh by what is in force now
        }
    }

    static String dtmfEvent(char symbol) {
        return switch (symbol) {
            case 'A' -> "da";
            case 'B' -> "db";
            case 'C' -> "dc";
            case 'D' -> "dd";
            case 'E' -> "ds";
            case 'F' -> "do";
            default -> "d" + symbol;
        };
    }

    /** The dial string collected so far by an active digit map, or null. */
    static String currentDialString(Termination t) {
        return t.events != null && t.events.digitMap != null ? t.events.digitMap.dialString() : null;
    }

    private ObservedEvent observed(String name, List<ObservedEventParameter> params) {
        return new ObservedEvent(timeStamp(scheduler.wallMillis()), name, params);
    }

    /**
     * The observed event's time stamp (UTC, to the hundredth of a second): digits written directly, as a
     * {@code String.format} per Notify was a visible share of the load generator's CPU.
     */
    static TimeStamp timeStamp(long wallMillis) {
        long day = Math.floorDiv(wallMillis, 86_400_000L);
        int ms = (int) Math.floorMod(wallMillis, 86_400_000L);
        LocalDate d = LocalDate.ofEpochDay(day);
        char[] date = new char[8];
        digits(date, 0, d.getYear(), 4);
        digits(date, 4, d.getMonthValue(), 2);
        digits(date, 6, d.getDayOfMonth(), 2);
        char[] time = new char[8];
        digits(time, 0, ms / 3_600_000, 2);
        digits(time, 2, ms / 60_000 % 60, 2);
        digits(time, 4, ms / 1000 % 60, 2);
        digits(time, 6, ms % 1000 / 10, 2);
        return new TimeStamp(new String(date), new String(time));
    }

    /** {@code value} as {@code width} decimal digits, zero-padded (the low digits when it has more). */
    private static void digits(char[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    private static String single(PropertyParm p) {
        return p.value() instanceof ParmValue.Single s ? s.value() : "";
    }

    /** Clears events, digit collection and signals (Subtract). */
    void clear(Termination t) {
        stopDigitMap(t);
        List<SignalTrack> s = new ArrayList<>(t.signals);
        t.signals.clear();
        for (SignalTrack track : s) if (track.timer != null) track.timer.cancel();
        t.events = null;
    }

}
