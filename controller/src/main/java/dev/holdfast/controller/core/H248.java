package dev.holdfast.controller.core;

import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.AuditDescriptor;
import dev.holdfast.h248.message.Command;
import dev.holdfast.h248.message.CommandReply;
import dev.holdfast.h248.message.CommandRequest;
import dev.holdfast.h248.message.ContextId;
import dev.holdfast.h248.message.Descriptor;
import dev.holdfast.h248.message.DigitMapDescriptor;
import dev.holdfast.h248.message.DigitMapValue;
import dev.holdfast.h248.message.ErrorDescriptor;
import dev.holdfast.h248.message.EventParameter;
import dev.holdfast.h248.message.EventsDescriptor;
import dev.holdfast.h248.message.LocalControlDescriptor;
import dev.holdfast.h248.message.LocalDescriptor;
import dev.holdfast.h248.message.MediaDescriptor;
import dev.holdfast.h248.message.MediaParm;
import dev.holdfast.h248.message.ObservedEventsDescriptor.ObservedEvent;
import dev.holdfast.h248.message.ObservedEventParameter;
import dev.holdfast.h248.message.ParmValue;
import dev.holdfast.h248.message.PropertyParm;
import dev.holdfast.h248.message.RemoteDescriptor;
import dev.holdfast.h248.message.RequestId;
import dev.holdfast.h248.message.RequestedEvent;
import dev.holdfast.h248.message.SignalParm;
import dev.holdfast.h248.message.SignalsDescriptor;
import dev.holdfast.h248.message.StreamDescriptor;
import dev.holdfast.h248.message.StreamParm;
import dev.holdfast.h248.message.TerminationId;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Builders and readers for the H.248 messages of our profile (docs/h248-profile.md). */
public final class H248 {
    private H248() {}

    /** The SDP we offer on {@code Add = $}: the gateway fills in its address and port. */
    public static final String CHOOSE_SDP = "v=0\r\nc=IN IP4 $\r\nm=audio $ RTP/AVP 0\r\n";
    /** The name under which the controller loads its digit map on a line. */
    public static final String DIGIT_MAP_NAME = "dialplan";

    // ---------------------------------------------------------------------------------------- building

    public static List<ActionRequest> actions(ActionRequest... actions) { return List.of(actions); }

    public static ActionRequest action(ContextId context, List<Command> commands) {
        List<CommandRequest> c = new ArrayList<>();
        for (Command cmd : commands) c.add(CommandRequest.of(cmd));
        return new ActionRequest(context, List.of(), List.of(), c);
    }

    public static ActionRequest action(ContextId context, Command... commands) { return action(context, List.of(commands)); }

    public static Command modify(String termination, Descriptor... descriptors) {
        return new Command.Amm(Command.AmmVerb.MODIFY, List.of(TerminationId.of(termination)), List.of(descriptors));
    }

    public static Command add(String termination, Descriptor... descriptors) {
        return new Command.Amm(Command.AmmVerb.ADD, List.of(TerminationId.of(termination)), List.of(descriptors));
    }

    /** {@code Move = termination {...}}: into the context of the action, out of the one it is in (H.248.1 7.2.4). */
    public static Command move(String termination, Descriptor... descriptors) {
        return new Command.Amm(Command.AmmVerb.MOVE, List.of(TerminationId.of(termination)), List.of(descriptors));
    }

    public static Command subtract(String termination, boolean statistics) {
        return new Command.Subtract(List.of(TerminationId.of(termination)),
                statistics ? AuditDescriptor.of(AuditDescriptor.Item.STATISTICS) : null);
    }

    public static Command auditValue(String termination, AuditDescriptor.Item... items) {
        return new Command.Audit(false, List.of(TerminationId.of(termination)), AuditDescriptor.of(items));
    }

    /** {@code Events = rid { name, ... }}; {@code dd/ce} gets the controller's digit map. */
    public static EventsDescriptor events(long requestId, String... names) {
        List<RequestedEvent> events = new ArrayList<>();
        for (String n : names) {
            events.add(n.equals("dd/ce")
                    ? RequestedEvent.of(n, new EventParameter.EventDigitMap(DIGIT_MAP_NAME, null))
                    : RequestedEvent.of(n));
        }
        return new EventsDescriptor(RequestId.of(requestId), events);
    }

    public static EventsDescriptor events(long requestId, RequestedEvent... events) {
        return new EventsDescriptor(RequestId.of(requestId), List.of(events));
    }

    /** {@code Signals { name, ... }}; no names stops all signals. */
    public static SignalsDescriptor signals(String... names) {
        List<SignalParm> s = new ArrayList<>();
        for (String n : names) s.add(SignalParm.Request.of(n));
        return new SignalsDescriptor(s);
    }

    public static SignalsDescriptor signal(SignalParm.Request request) { return new SignalsDescriptor(List.of(request)); }

    /** {@code Signals { }}: stops all signals. */
    public static SignalsDescriptor noSignals() { return new SignalsDescriptor(List.of()); }

    public static DigitMapDescriptor digitMap(int start, int shortTimer, int longTimer, String map) {
        return new DigitMapDescriptor(DIGIT_MAP_NAME, new DigitMapValue(start, shortTimer, longTimer, null, map));
    }

    /** {@code Media { Stream = 1 { parms } }}. */
    public static MediaDescriptor stream(StreamParm... parms) {
        return MediaDescriptor.of(new StreamDescriptor(1, List.of(parms)));
    }

    public static LocalControlDescriptor mode(LocalControlDescriptor.Mode mode) {
        return new LocalControlDescriptor(List.of(new LocalControlDescriptor.StreamMode(mode)));
    }

    public static LocalDescriptor local(String sdp) { return new LocalDescriptor(sdp); }

    public static RemoteDescriptor remote(String sdp) { return new RemoteDescriptor(sdp); }

    // ---------------------------------------------------------------------------------------- reading

    /** The error a command reply carries, or null. */
    public static ErrorDescriptor error(CommandReply reply) {
        if (reply instanceof CommandReply.Notify n) return n.error();
        if (reply instanceof CommandReply.ServiceChange sc) return sc.error();
        if (reply instanceof CommandReply.Audit a) {
            if (a.contextAuditError() != null) return a.contextAuditError();
            return firstError(a.terminationAudit());
        }
        if (reply instanceof CommandReply.Amms amms) return firstError(amms.terminationAudit());
        return null;
    }

    private static ErrorDescriptor firstError(List<Descriptor> descriptors) {
        for (Descriptor d : descriptors) if (d instanceof ErrorDescriptor e) return e;
        return null;
    }

    /** The Local SDP in a reply's returned descriptors (top level or in a stream), or null. */
    public static String localSdp(List<Descriptor> descriptors) {
        for (Descriptor d : descriptors) {
            if (!(d instanceof MediaDescriptor m)) continue;
            for (MediaParm p : m.parms()) {
                if (p instanceof LocalDescriptor l) return l.sdp();
                if (p instanceof StreamDescriptor s) {
                    for (StreamParm sp : s.parms()) if (sp instanceof LocalDescriptor l) return l.sdp();
                }
            }
        }
        return null;
    }

    /** Lower-case package/item name of an event. */
    public static String name(ObservedEvent e) { return e.name().toLowerCase(Locale.ROOT); }

    /** The unquoted value of an observed event parameter, or null. */
    public static String parameter(ObservedEvent e, String name) {
        for (ObservedEventParameter p : e.parameters()) {
            if (p instanceof PropertyParm pp && pp.name().equalsIgnoreCase(name) && pp.value() instanceof ParmValue.Single s) {
                return ParmValue.unquote(s.value());
            }
        }
        return null;
    }

    /** Termination ids compare case-insensitively; we keep them upper case. */
    public static String key(TerminationId id) { return id.value().toUpperCase(Locale.ROOT); }
}
