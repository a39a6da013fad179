package dev.holdfast.controller.warmup;

import dev.holdfast.h248.message.ActionReply;
import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.Command;
import dev.holdfast.h248.message.CommandReply;
import dev.holdfast.h248.message.CommandRequest;
import dev.holdfast.h248.message.ContextId;
import dev.holdfast.h248.message.Descriptor;
import dev.holdfast.h248.message.ErrorDescriptor;
import dev.holdfast.h248.message.LocalDescriptor;
import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.message.MediaDescriptor;
import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.message.PropertyParm;
import dev.holdfast.h248.message.RemoteDescriptor;
import dev.holdfast.h248.message.StreamDescriptor;
import dev.holdfast.h248.message.TerminationId;
import dev.holdfast.h248.message.TerminationStateDescriptor;
import dev.holdfast.h248.message.Transaction;
import dev.holdfast.h248.text.DecodeOptions;
import dev.holdfast.h248.text.DecodeResult;
import dev.holdfast.h248.text.TextCodec;
import dev.holdfast.h248.text.TextForm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A media gateway of a warm-up rehearsal, in memory: the contexts it kept through its controller's death (each
 * termination with its call cookie and SDP), and answers to what the controller asks, shaped as a gateway's
 * (H.248.1: {@code Context=*{AuditValue=ROOT}} lists the context ids, {@code AuditValue=*{Audit{Media}}} gives each
 * termination's Media with the cookie property, Subtract empties contexts). Every request and reply goes through the
 * text codec both ways, as on the wire (compact form, lenient decoding: the endpoints' defaults); nothing is sent.
 */
final class ScriptedGateway {
    /** One termination in a kept context. */
    record Termination(String id, String cookie, String localSdp, String remoteSdp) {}

    /** The cookie's termination property, as the controller stamps it (call.CookieStamper.PROPERTY). */
    static final String COOKIE_PROPERTY = "hfck/c";

    final String name;
    final MId mid;
    /** How the controller knows it: as the H.248 edge names a UDP peer. */
    final String peer;
    private final Map<Long, List<Termination>> contexts = new LinkedHashMap<>();
    private long nextContext = 1000;
    private int nextRtp = 1;

    ScriptedGateway(String name, String address) {
        this.name = name;
        this.mid = MId.ipv4(address, 2944);
        this.peer = "udp:" + address + ":2944";
    }

    long newContext(List<Termination> terms) {
        long id = nextContext++;
        contexts.put(id, new ArrayList<>(terms));
        return id;
    }

    /** Puts a termination into context {@code id} (made by {@link #newContext}). */
    void add(long id, Termination t) { contexts.get(id).add(t); }

    String newRtpId() { return "R" + nextRtp++; }

    int contexts() { return contexts.size(); }

    /** The ServiceChange Failover it sends to its next controller, as decoded there. */
    Transaction.Request failover(long transactionId, long wallMillis) {
        Command.ServiceChange sc = new Command.ServiceChange(List.of(TerminationId.ROOT), List.of(
                dev.holdfast.h248.message.ServiceChangeParm.Method.of(dev.holdfast.h248.message.ServiceChangeParm.MethodKind.FAILOVER),
                new dev.holdfast.h248.message.ServiceChangeParm.Reason("\"909 MGC Impending Failure\"")));
        return request(transactionId, List.of(ActionRequest.of(ContextId.NULL, sc)));
    }

    /** A Notify of {@code event} (e.g. {@code al/on}) on a line, as decoded at the controller. */
    Transaction.Request notify(long transactionId, String termination, long requestId, String event) {
        var observed = new dev.holdfast.h248.message.ObservedEventsDescriptor(
                dev.holdfast.h248.message.RequestId.of(requestId),
                List.of(dev.holdfast.h248.message.ObservedEventsDescriptor.ObservedEvent.of(event)));
        Command.Notify n = new Command.Notify(List.of(TerminationId.of(termination)), observed, null);
        return request(transactionId, List.of(ActionRequest.of(ContextId.NULL, n)));
    }

    private Transaction.Request request(long transactionId, List<ActionRequest> actions) {
        Message m = wire(Message.of(1, mid, new Transaction.Request(transactionId, actions)));
        return (Transaction.Request) m.transactions().get(0);
    }

    /**
     * The controller's request as this gateway reads it, and its reply as the controller reads it; null when either
     * does not survive the codec (a bug the rehearsal counts).
     */
    Transaction.Reply exchange(MId controller, long transactionId, List<ActionRequest> actions) {
        Message in = wire(Message.of(1, controller, new Transaction.Request(transactionId, actions)));
        if (in == null || !(in.transactions().get(0) instanceof Transaction.Request r)) return null;
        Message out = wire(Message.of(1, mid, Transaction.Reply.of(transactionId, answer(r.actions()))));
        return out == null ? null : (Transaction.Reply) out.transactions().get(0);
    }

    /** Encoded and decoded as the transports do; null when it does not decode. */
    static Message wire(Message m) {
        byte[] bytes = TextCodec.encodeToBytes(m, TextForm.COMPACT);
        DecodeResult r = TextCodec.decode(bytes, DecodeOptions.LENIENT);
        return r instanceof DecodeResult.Decoded d ? d.message() : null;
    }

    // ------------------------------------------------------------------------------------------ the gateway's side

    private List<ActionReply> answer(List<ActionRequest> actions) {
        List<ActionReply> out = new ArrayList<>();
        for (ActionRequest a : actions) {
            ContextId ctx = a.contextId();
            if (ctx.equals(ContextId.ALL)) {
                // "All, Root: list of all ContextIds", one action reply each (H.248.1 7.2.5)
                for (Long id : contexts.keySet()) {
                    out.add(new ActionReply(ContextId.of(id), List.of(), List.of(
                            new CommandReply.Audit(false, false, List.of(TerminationId.ROOT), List.of(), null)), null));
                }
                continue;
            }
            List<Termination> terms = ctx.isSpecific() ? contexts.get(ctx.value()) : null;
            if (ctx.isSpecific() && terms == null) {
                // an error ends the transaction (H.248.1 8.2.2): the actions after it are not answered
                out.add(new ActionReply(ctx, List.of(), List.of(),
                        ErrorDescriptor.of(ErrorDescriptor.UNKNOWN_CONTEXT_ID, "unknown context " + ctx.value())));
                break;
            }
            List<CommandReply> replies = new ArrayList<>();
            for (CommandRequest cr : a.commands()) replies.addAll(command(ctx, terms, cr.command()));
            if (terms != null && terms.isEmpty()) contexts.remove(ctx.value());
            out.add(new ActionReply(ctx, List.of(), replies, null));
        }
        return out;
    }

    private List<CommandReply> command(ContextId ctx, List<Termination> terms, Command c) {
        if (c instanceof Command.Audit au) {
            TerminationId id = au.terminationIds().isEmpty() ? TerminationId.ROOT : au.terminationIds().get(0);
            if (terms == null || !id.value().equals("*")) {
                return List.of(new CommandReply.Audit(false, false, List.of(id), List.of(), null));
            }
            List<CommandReply> out = new ArrayList<>();
            for (Termination t : terms) out.add(new CommandReply.Audit(false, false, List.of(TerminationId.of(t.id)), media(t), null));
            return out;
        }
        if (c instanceof Command.Subtract s) {
            if (terms != null) {
                for (TerminationId id : s.terminationIds()) {
                    terms.removeIf(t -> id.value().equals("*") || t.id.equalsIgnoreCase(id.value()));
                }
            }
            return List.of(new CommandReply.Amms(CommandReply.AmmsVerb.SUBTRACT, s.terminationIds(), List.of()));
        }
        if (c instanceof Command.Amm amm) {
            CommandReply.AmmsVerb verb = switch (amm.verb()) {
                case ADD -> CommandReply.AmmsVerb.ADD;
                case MOVE -> CommandReply.AmmsVerb.MOVE;
                case MODIFY -> CommandReply.AmmsVerb.MODIFY;
            };
            return List.of(new CommandReply.Amms(verb, amm.terminationIds(), List.of()));
        }
        if (c instanceof Command.ServiceChange sc) return List.of(new CommandReply.ServiceChange(sc.terminationIds(), null, List.of()));
        if (c instanceof Command.Notify n) return List.of(new CommandReply.Notify(n.terminationIds(), null));
        return List.of(new CommandReply.Amms(CommandReply.AmmsVerb.MODIFY, c.terminationIds(), List.of()));
    }

    private static List<Descriptor> media(Termination t) {
        List<dev.holdfast.h248.message.StreamParm> stream = new ArrayList<>();
        if (t.localSdp != null) stream.add(new LocalDescriptor(t.localSdp));
        if (t.remoteSdp != null) stream.add(new RemoteDescriptor(t.remoteSdp));
        List<dev.holdfast.h248.message.MediaParm> parms = new ArrayList<>();
        parms.add(new TerminationStateDescriptor(List.of(
                new TerminationStateDescriptor.ServiceStates(TerminationStateDescriptor.ServiceState.IN_SERVICE),
                PropertyParm.of(COOKIE_PROPERTY, "\"" + t.cookie + "\""))));
        if (!stream.isEmpty()) parms.add(new StreamDescriptor(1, stream));
        return List.of(new MediaDescriptor(parms));
    }
}
