package dev.holdfast.gatewaysim.core;

import dev.holdfast.gatewaysim.digitmap.DigitMapSession;
import dev.holdfast.h248.message.DigitMapValue;
import dev.holdfast.h248.message.EventBufferDescriptor;
import dev.holdfast.h248.message.LocalControlDescriptor.Mode;
import dev.holdfast.h248.message.PropertyParm;
import dev.holdfast.h248.message.RequestId;
import dev.holdfast.h248.message.RequestedEvent;
import dev.holdfast.h248.message.SignalParm;
import dev.holdfast.h248.message.TerminationStateDescriptor.ServiceState;
import dev.holdfast.sim.rtp.TalkPathProbe;
import dev.holdfast.sim.time.SimScheduler;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One termination's state: where it is (context), what the MGC set on it (media, events, signals, digit maps,
 * properties, including those of packages the gateway does not implement), and what it is doing (hook state,
 * signals playing, digit collection, the RTP probe). Touched only on the gateway's thread.
 */
final class Termination {
    enum Kind { LINE, TRUNK, RTP, ROOT }

    final String id;
    final Kind kind;
    /** Trunks without disconnect supervision never report the far end going on-hook. */
    final boolean disconnectSupervision;
    final Mode provisionedMode;

    GatewayContext context;          // null: the NULL context
    long joinedContextNanos;
    boolean offHook;

    // media (stream 1)
    Mode mode;
    Boolean reserveValue;
    Boolean reserveGroup;
    /** LocalControl properties by lower-case name, in the order set; replaced as a whole (H.248.1 7.1.7). */
    Map<String, PropertyParm> localControl = new LinkedHashMap<>();
    /** TerminationState properties by lower-case name, set one by one. */
    Map<String, PropertyParm> terminationState = new LinkedHashMap<>();
    ServiceState serviceState = ServiceState.IN_SERVICE;
    String localSdp;
    String remoteSdp;
    /** The MGC wrote {@code Stream = 1 {...}}: audits answer in the same form. */
    boolean streamForm;
    TalkPathProbe probe;

    // events, signals, digit maps
    ActiveEvents events;
    final List<SignalTrack> signals = new ArrayList<>();
    EventBufferDescriptor eventBuffer;
    final Map<String, DigitMapValue> digitMaps = new LinkedHashMap<>();

    Termination(String id, Kind kind, boolean disconnectSupervision, Mode provisionedMode) {
        this.id = id;
        this.kind = kind;
        this.disconnectSupervision = disconnectSupervision;
        this.provisionedMode = provisionedMode;
        this.mode = provisionedMode;
    }

    boolean physical() { return kind == Kind.LINE || kind == Kind.TRUNK; }

    /** The names of the signals playing now, e.g. {@code [cg/dt]}. */
    List<String> playingSignals() {
        List<String> names = new ArrayList<>();
        for (SignalTrack t : signals) names.add(t.current().name().toLowerCase(Locale.ROOT));
        return names;
    }

    /** Back to the provisioned state after a Subtract (H.248.1 7.2.3); the caller stops timers and the probe. */
    void revertToProvisioned() {
        mode = provisionedMode;
        reserveValue = null;
        reserveGroup = null;
        localControl = new LinkedHashMap<>();
        terminationState = new LinkedHashMap<>();
        localSdp = null;
        remoteSdp = null;
        streamForm = false;
        events = null;
        eventBuffer = null;
        digitMaps.clear();
    }

    @Override public String toString() { return id; }

    /** The Events descriptor in force, and the digit map it activated. */
    static final class ActiveEvents {
        final RequestId requestId;
        final List<RequestedEvent> events;
        /** The requested event that activated digit map collection (dd/ce or dd/*), or null. */
        RequestedEvent digitMapEvent;
        DigitMapSession digitMap;
        SimScheduler.Cancellable digitMapTimer;
        /** Pre-validated embedded descriptors, by the requested event that carries them. */
        final Map<RequestedEvent, Embedded> embedded = new LinkedHashMap<>();

        ActiveEvents(RequestId requestId, List<RequestedEvent> events) {
            this.requestId = requestId;
            this.events = List.copyOf(events);
        }
    }

    /** What recognising an event with an Embed parameter puts in place. */
    record Embedded(List<SignalParm> signals, ActiveEventsPlan events) {}

    /** A validated Events descriptor, ready to be put in force. */
    record ActiveEventsPlan(RequestId requestId, List<RequestedEvent> events, RequestedEvent digitMapEvent,
                            dev.holdfast.gatewaysim.digitmap.DigitMap digitMap,
                            dev.holdfast.gatewaysim.digitmap.DigitMapTimers timers,
                            Map<RequestedEvent, Embedded> embedded) {}

    /** One signal, or one sequential signal list, playing. */
    static final class SignalTrack {
        final SignalParm origin;
        final List<SignalParm.Request> sequence;
        final Integer listId;
        int index;
        SimScheduler.Cancellable timer;

        SignalTrack(SignalParm origin) {
            this.origin = origin;
            if (origin instanceof SignalParm.SignalList l) {
                this.sequence = l.signals();
                this.listId = l.id();
            } else {
                this.sequence = List.of((SignalParm.Request) origin);
                this.listId = null;
            }
        }

        SignalParm.Request current() { return sequence.get(Math.min(index, sequence.size() - 1)); }
    }
}
