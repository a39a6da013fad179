package dev.holdfast.controller;

import dev.holdfast.controller.core.Command;
import dev.holdfast.controller.core.Event;
import dev.holdfast.h248.message.ActionReply;
import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.CommandReply;
import dev.holdfast.h248.message.CommandRequest;
import dev.holdfast.h248.message.ContextId;
import dev.holdfast.h248.message.Descriptor;
import dev.holdfast.h248.message.ErrorDescriptor;
import dev.holdfast.h248.message.LocalDescriptor;
import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.message.MediaDescriptor;
import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.message.ObservedEventsDescriptor;
import dev.holdfast.h248.message.ObservedEventsDescriptor.ObservedEvent;
import dev.holdfast.h248.message.PropertyParm;
import dev.holdfast.h248.message.RequestId;
import dev.holdfast.h248.message.ServiceChangeParm;
import dev.holdfast.h248.message.StreamDescriptor;
import dev.holdfast.h248.message.TerminationId;
import dev.holdfast.h248.message.Transaction;
import dev.holdfast.h248.text.TextCodec;
import dev.holdfast.h248.text.TextForm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A test's own media gateway in virtual time: it answers what the core sends it like a gateway would (contexts,
 * ephemeral RTP terminations with SDP, audits), and sends what a subscriber's actions cause (Notify). Every
 * request it receives is kept as compact H.248 text, so tests assert the sequence the controller sent.
 */
final class SimGateway {
    final String name;
    final MId mid;
    final String peer;
    final MgModel model;
    final Set<String> terminations;
    final Map<Long, List<String>> contexts;
    final List<String> received = new ArrayList<>();
    final List<String> replies = new ArrayList<>();
    /** When false the gateway is dead: requests to it go unanswered. */
    boolean alive = true;
    private long nextTransaction = 1000;
    private long nextHandle;
    private final long nextHandleBase;
    private final Sim sim;

    SimGateway(Sim sim, String name, String mid, String peer, long handleBase, String... terminations) {
        this.sim = sim;
        this.name = name;
        this.mid = dev.holdfast.controller.provisioning.MidText.parse(mid);
        this.peer = peer;
        this.nextHandle = handleBase;
        this.nextHandleBase = handleBase;
        this.model = new MgModel(40000 + (int) (handleBase / 1000), terminations);
        this.terminations = model.terminations;
        this.contexts = model.contexts;
    }

    // ------------------------------------------------------------------------------------------ requests to the core

    /** Sends a transaction request to the controller; returns the reply text (or error reply) the core gave. */
    String request(int version, Command.SendRequest unused, List<ActionRequest> actions) {
        long handle = ++nextHandle;
        Transaction.Request req = new Transaction.Request(nextTransaction++, actions);
        List<Command> out = sim.driver.inject(t -> new Event.RequestReceived(t, peer, version, mid, handle, req));
        String reply = null;
        for (Command c : out) {
            if (c instanceof Command.SendReply r && r.handle() == handle) {
                reply = TextCodec.encode(Message.of(1, mid, Transaction.Reply.of(req.transactionId(), r.actions())), TextForm.COMPACT);
            } else if (c instanceof Command.SendErrorReply r && r.handle() == handle) {
                reply = TextCodec.encode(Message.of(1, mid, Transaction.Reply.error(req.transactionId(), r.error())), TextForm.COMPACT);
            }
        }
        sim.route(out);
        replies.add(reply);
        return reply;
    }

    String serviceChange(ServiceChangeParm.MethodKind method, String reason, ServiceChangeParm... more) {
        return serviceChange(1, "ROOT", method, reason, more);
    }

    String serviceChange(int version, String termination, ServiceChangeParm.MethodKind method, String reason,
                         ServiceChangeParm... more) {
        List<ServiceChangeParm> parms = new ArrayList<>(List.of(ServiceChangeParm.Method.of(method),
                new ServiceChangeParm.Reason("\"" + reason + "\"")));
        parms.addAll(List.of(more));
        return request(version, null, List.of(ActionRequest.of(ContextId.NULL,
                new dev.holdfast.h248.message.Command.ServiceChange(List.of(TerminationId.of(termination)), parms))));
    }

    /** A subscriber action on a line: Notify with one observed event. */
    String notify(String termination, String event, PropertyParm... parameters) {
        ContextId ctx = contextOf(termination);
        return request(1, null, List.of(ActionRequest.of(ctx, new dev.holdfast.h248.message.Command.Notify(
                List.of(TerminationId.of(termination)),
                new ObservedEventsDescriptor(RequestId.of(1), List.of(new ObservedEvent(null, event, List.of(parameters)))),
                null))));
    }

    String offHook(String line) { return notify(line, "al/of"); }

    String onHook(String line) { return notify(line, "al/on"); }

    String dial(String line, String digits) {
        return notify(line, "dd/ce", PropertyParm.of("ds", "\"" + digits + "\""), PropertyParm.of("Meth", "UM"));
    }

    ContextId contextOf(String termination) {
        for (Map.Entry<Long, List<String>> e : contexts.entrySet()) {
            if (e.getValue().contains(termination.toUpperCase(Locale.ROOT))) return ContextId.of(e.getKey());
        }
        return ContextId.NULL;
    }

    // ------------------------------------------------------------------------------------------ requests from the core

    /** Executes a request the core sent and returns the reply. */
    Transaction.Reply execute(Command.SendRequest s) {
        received.add(text(s));
        return Transaction.Reply.of(s.token(), model.execute(s.actions()));
    }

    String text(Command.SendRequest s) {
        String t = TextCodec.encode(Message.of(1, mid, new Transaction.Request(0, s.actions())), TextForm.COMPACT);
        // drop the header line and the transaction wrapper: "T=0{...}"
        t = t.substring(t.indexOf('\n') + 1).strip();
        return t.substring(t.indexOf('{') + 1, t.length() - 1);
    }

    /** Requests received whose text contains {@code fragment}. */
    List<String> receivedContaining(String fragment) {
        return received.stream().filter(r -> r.contains(fragment)).toList();
    }

    /** Forgets what was received so far (to assert the next steps only). */
    List<String> take() {
        List<String> out = List.copyOf(received);
        received.clear();
        return out;
    }
}
