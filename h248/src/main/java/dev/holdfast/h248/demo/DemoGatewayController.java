package dev.holdfast.h248.demo;

import dev.holdfast.h248.message.ActionReply;
import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.AuditDescriptor;
import dev.holdfast.h248.message.Command;
import dev.holdfast.h248.message.CommandReply;
import dev.holdfast.h248.message.CommandRequest;
import dev.holdfast.h248.message.ContextId;
import dev.holdfast.h248.message.DigitMapDescriptor;
import dev.holdfast.h248.message.DigitMapValue;
import dev.holdfast.h248.message.LocalControlDescriptor.Mode;
import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.message.ObservedEventsDescriptor.ObservedEvent;
import dev.holdfast.h248.message.ParmValue;
import dev.holdfast.h248.message.PropertyParm;
import dev.holdfast.h248.message.ServiceChangeParm;
import dev.holdfast.h248.message.TerminationId;
import dev.holdfast.h248.message.Transaction;
import dev.holdfast.h248.transaction.IncomingRequest;
import dev.holdfast.h248.transport.EndpointOptions;
import dev.holdfast.h248.transport.H248Endpoint;
import dev.holdfast.h248.transport.Peer;
import dev.holdfast.h248.text.TextForm;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.holdfast.h248.demo.DemoMessages.action;
import static dev.holdfast.h248.demo.DemoMessages.add;
import static dev.holdfast.h248.demo.DemoMessages.events;
import static dev.holdfast.h248.demo.DemoMessages.mode;
import static dev.holdfast.h248.demo.DemoMessages.modify;
import static dev.holdfast.h248.demo.DemoMessages.signals;

/**
 * The demo's media gateway controller: accepts one gateway's registration, arms its two analog lines, and runs
 * one intra-gateway call through it (dial tone, digit map, ringing, answer, release with statistics), reacting
 * to the gateway's Notify commands. The real controller core (issue 3) replaces this script with the
 * deterministic call-processing state machine.
 *
 * <p>Usage: {@code DemoGatewayController PORT}
 */
public final class DemoGatewayController {
    private static final ContextId NULL = ContextId.NULL;
    private final DemoLog log = new DemoLog("MGC", "MG ");
    private final CountDownLatch done = new CountDownLatch(1);
    private H248Endpoint endpoint;
    private volatile Peer gateway;
    private volatile ContextId callContext;

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : H248Endpoint.DEFAULT_PORT;
        new DemoGatewayController().run(port);
    }

    private void run(int port) throws Exception {
        MId mid = MId.ipv4("127.0.0.1", port);
        EndpointOptions options = EndpointOptions.DEFAULTS.withTextForm(TextForm.PRETTY).withCodec(log);
        try (H248Endpoint e = H248Endpoint.udp(mid, new InetSocketAddress("127.0.0.1", port), options)) {
            endpoint = e;
            e.onRequest(this::onRequest);
            log.say("media gateway controller listening on udp 127.0.0.1:" + e.localAddress().getPort());
            if (!done.await(60, TimeUnit.SECONDS)) {
                log.say("no complete call within 60 s; giving up");
                System.exit(1);
            }
            log.say("gateway left gracefully; " + e.counters());
        }
    }

    private CompletableFuture<List<ActionReply>> onRequest(IncomingRequest in) {
        List<ActionReply> replies = new ArrayList<>();
        for (ActionRequest action : in.request().actions()) {
            List<CommandReply> commandReplies = new ArrayList<>();
            for (CommandRequest cr : action.commands()) {
                Command c = cr.command();
                if (c instanceof Command.ServiceChange sc) {
                    commandReplies.add(new CommandReply.ServiceChange(sc.terminationIds(), null, List.of()));
                    onServiceChange(in.peer(), sc);
                } else if (c instanceof Command.Notify n) {
                    commandReplies.add(new CommandReply.Notify(n.terminationIds(), null));
                    for (ObservedEvent ev : n.observedEvents().events()) onEvent(n.terminationIds().get(0), ev);
                } else {
                    return CompletableFuture.failedFuture(new dev.holdfast.h248.transaction.TransactionErrorException(
                            dev.holdfast.h248.message.ErrorDescriptor.of(501, "not implemented by the demo MGC")));
                }
            }
            replies.add(new ActionReply(action.contextId(), List.of(), commandReplies, null));
        }
        return CompletableFuture.completedFuture(replies);
    }

    private void onServiceChange(Peer peer, Command.ServiceChange sc) {
        ServiceChangeParm.MethodKind method = sc.parms().stream()
                .filter(p -> p instanceof ServiceChangeParm.Method).map(p -> ((ServiceChangeParm.Method) p).kind())
                .findFirst().orElse(null);
        if (method == ServiceChangeParm.MethodKind.RESTART) {
            gateway = peer;
            log.say("gateway " + peer + " registered; arming its lines for off-hook");
            send(action(NULL, modify("A1", events(1, "al/of")), modify("A2", events(1, "al/of"))));
        } else if (method == ServiceChangeParm.MethodKind.GRACEFUL) {
            log.say("gateway " + peer + " is going out of service");
            done.countDown();
        }
    }

    private void onEvent(TerminationId line, ObservedEvent ev) {
        String name = ev.name().toLowerCase(java.util.Locale.ROOT);
        String id = line.value().toUpperCase(java.util.Locale.ROOT);
        if (name.equals("al/of") && id.equals("A1") && callContext == null) {
            log.say("A1 off-hook: dial tone, collect digits with " + DemoMessages.DIGIT_MAP);
            send(action(NULL, modify("A1", events(2, "al/on", "dd/ce"), signals("cg/dt"),
                    new DigitMapDescriptor(DemoMessages.DIAL_PLAN, DigitMapValue.of(DemoMessages.DIGIT_MAP)))));
        } else if (name.equals("dd/ce")) {
            String digits = ev.parameters().stream().filter(p -> p instanceof PropertyParm pp && pp.name().equalsIgnoreCase("ds"))
                    .map(p -> ParmValue.unquote(((ParmValue.Single) ((PropertyParm) p).value()).value())).findFirst().orElse("?");
            log.say("A1 dialled " + digits + ": extension 1002 is line A2; ring it, ring-back to A1");
            send(action(ContextId.CHOOSE, add("A1", signals("cg/rt"), mode(Mode.SENDRECV)),
                    add("A2", signals("al/ri"), events(3, "al/of"), mode(Mode.SENDRECV))))
                    .thenAccept(r -> {
                        callContext = r.actions().get(0).contextId();
                        log.say("call is in context " + callContext);
                    });
        } else if (name.equals("al/of") && id.equals("A2") && callContext != null) {
            log.say("A2 answered: stop ringing, connect");
            send(action(callContext, modify("A1", signals(), events(4, "al/on")),
                    modify("A2", signals(), events(4, "al/on"))));
        } else if (name.equals("al/on") && callContext != null) {
            log.say(id + " hung up: release the call and collect its statistics");
            ContextId ctx = callContext;
            send(action(ctx,
                    new Command.Subtract(List.of(TerminationId.of("A1")), AuditDescriptor.of(AuditDescriptor.Item.STATISTICS)),
                    new Command.Subtract(List.of(TerminationId.of("A2")), AuditDescriptor.of(AuditDescriptor.Item.STATISTICS))))
                    .thenCompose(r -> {
                        callContext = null;
                        log.say("call released; lines back to idle");
                        return send(action(NULL, modify("A1", events(5, "al/of")), modify("A2", events(5, "al/of"))));
                    });
        }
    }

    private CompletableFuture<Transaction.Reply> send(List<ActionRequest> actions) {
        return endpoint.send(gateway, actions).whenComplete((r, err) -> {
            if (err != null) log.say("request failed: " + err);
            else if (r.error() != null) log.say("gateway answered with error " + r.error());
        });
    }
}
