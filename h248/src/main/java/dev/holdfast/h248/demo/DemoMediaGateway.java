package dev.holdfast.h248.demo;

import dev.holdfast.h248.message.ActionReply;
import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.Command;
import dev.holdfast.h248.message.CommandReply;
import dev.holdfast.h248.message.CommandRequest;
import dev.holdfast.h248.message.ContextId;
import dev.holdfast.h248.message.Descriptor;
import dev.holdfast.h248.message.ErrorDescriptor;
import dev.holdfast.h248.message.EventsDescriptor;
import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.message.ObservedEventParameter;
import dev.holdfast.h248.message.ObservedEventsDescriptor;
import dev.holdfast.h248.message.ObservedEventsDescriptor.ObservedEvent;
import dev.holdfast.h248.message.ParmValue;
import dev.holdfast.h248.message.PropertyParm;
import dev.holdfast.h248.message.RequestId;
import dev.holdfast.h248.message.RequestedEvent;
import dev.holdfast.h248.message.ServiceChangeParm;
import dev.holdfast.h248.message.StatisticsDescriptor;
import dev.holdfast.h248.message.TerminationId;
import dev.holdfast.h248.message.TimeStamp;
import dev.holdfast.h248.transaction.IncomingRequest;
import dev.holdfast.h248.transaction.TransactionErrorException;
import dev.holdfast.h248.transport.EndpointOptions;
import dev.holdfast.h248.transport.H248Endpoint;
import dev.holdfast.h248.transport.Peer;
import dev.holdfast.h248.text.TextForm;

import java.net.InetSocketAddress;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The demo's media gateway: two analog lines (A1, A2), registers with the controller, and plays two subscribers
 * who react to what the controller asks for: A1 lifts the handset when off-hook detection is armed, dials 1002
 * when digit collection starts, A2 answers when it rings, and A1 hangs up after a short talk. The full gateway
 * simulator (issue 3) replaces this script.
 *
 * <p>Usage: {@code DemoMediaGateway MGC_PORT}
 */
public final class DemoMediaGateway {
    private final DemoLog log = new DemoLog("MG ", "MGC");
    private final ScheduledExecutorService user = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "subscribers");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Long> contextOf = new HashMap<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private long nextContext = 1;
    private boolean dialled;
    private boolean callOver;
    private H248Endpoint endpoint;
    private Peer controller;

    public static void main(String[] args) throws Exception {
        int mgcPort = args.length > 0 ? Integer.parseInt(args[0]) : H248Endpoint.DEFAULT_PORT;
        new DemoMediaGateway().run(mgcPort);
    }

    private void run(int mgcPort) throws Exception {
        controller = Peer.of("127.0.0.1", mgcPort);
        EndpointOptions options = EndpointOptions.DEFAULTS.withTextForm(TextForm.PRETTY).withCodec(log);
        try (H248Endpoint e = H248Endpoint.udp(MId.ipv4("127.0.0.1", null), new InetSocketAddress("127.0.0.1", 0), options)) {
            endpoint = e;
            e.onRequest(this::onRequest);
            log.say("media gateway with analog lines A1 (ext 1001) and A2 (ext 1002) on udp 127.0.0.1:"
                    + e.localAddress().getPort() + "; registering with the controller at " + controller);
            serviceChange(ServiceChangeParm.MethodKind.RESTART, "\"901 Cold Boot\"").get(20, TimeUnit.SECONDS);
            if (!finished.await(60, TimeUnit.SECONDS)) {
                log.say("the call did not complete within 60 s");
                System.exit(1);
            }
            serviceChange(ServiceChangeParm.MethodKind.GRACEFUL, "\"905 Termination taken out of service\"")
                    .get(20, TimeUnit.SECONDS);
            log.say("done; " + e.counters());
        } finally {
            user.shutdownNow();
        }
    }

    private CompletableFuture<?> serviceChange(ServiceChangeParm.MethodKind method, String reason) {
        Command sc = new Command.ServiceChange(List.of(TerminationId.ROOT),
                List.of(ServiceChangeParm.Method.of(method), new ServiceChangeParm.Reason(reason)));
        return endpoint.send(controller, DemoMessages.action(ContextId.NULL, sc));
    }

    /** Runs on the transaction layer's thread; the subscribers act later, on their own thread. */
    private synchronized CompletableFuture<List<ActionReply>> onRequest(IncomingRequest in) {
        List<ActionReply> replies = new ArrayList<>();
        for (ActionRequest action : in.request().actions()) {
            ContextId ctx = action.contextId();
            if (ctx.equals(ContextId.CHOOSE)) ctx = ContextId.of(nextContext++);
            List<CommandReply> out = new ArrayList<>();
            for (CommandRequest cr : action.commands()) {
                Command c = cr.command();
                String line = c.terminationIds().get(0).value().toUpperCase(Locale.ROOT);
                if (!line.equals("A1") && !line.equals("A2")) {
                    return CompletableFuture.failedFuture(new TransactionErrorException(
                            ErrorDescriptor.of(ErrorDescriptor.UNKNOWN_TERMINATION_ID, "no termination " + line)));
                }
                if (c instanceof Command.Amm amm) {
                    if (amm.verb() != Command.AmmVerb.MODIFY) contextOf.put(line, ctx.value());
                    out.add(new CommandReply.Amms(CommandReply.AmmsVerb.valueOf(amm.verb().name()), amm.terminationIds(), List.of()));
                    for (Descriptor d : amm.descriptors()) if (d instanceof EventsDescriptor ev) armed(line, ev);
                } else if (c instanceof Command.Subtract s) {
                    contextOf.remove(line);
                    out.add(new CommandReply.Amms(CommandReply.AmmsVerb.SUBTRACT, s.terminationIds(), List.of(statistics())));
                    if (contextOf.isEmpty()) callOver = true;
                } else {
                    return CompletableFuture.failedFuture(new TransactionErrorException(
                            ErrorDescriptor.of(ErrorDescriptor.NOT_IMPLEMENTED, "not implemented by the demo MG")));
                }
            }
            replies.add(new ActionReply(ctx, List.of(), out, null));
        }
        return CompletableFuture.completedFuture(replies);
    }

    /** What each subscriber does when the controller arms an event on their line. */
    private void armed(String line, EventsDescriptor ev) {
        for (RequestedEvent r : ev.events()) {
            String name = r.name().toLowerCase(Locale.ROOT);
            if (name.equals("al/of") && line.equals("A1") && !dialled && !callOver) {
                act(500, "A1 lifts the handset", line, ev.requestId(), ObservedEvent.of("al/of"));
            } else if (name.equals("dd/ce") && !dialled) {
                dialled = true;
                act(800, "A1 dials 1002", line, ev.requestId(), ObservedEvent.of("dd/ce",
                        PropertyParm.of("ds", "\"1002\""), PropertyParm.of("Meth", "FM")));
            } else if (name.equals("al/of") && line.equals("A2") && contextOf.containsKey("A2")) {
                act(1500, "A2 hears ringing and answers", line, ev.requestId(), ObservedEvent.of("al/of"));
            } else if (name.equals("al/on") && line.equals("A1") && contextOf.containsKey("A1")) {
                act(2000, "A1 and A2 talk for two seconds; A1 hangs up", line, ev.requestId(), ObservedEvent.of("al/on"));
            } else if (name.equals("al/of") && callOver) {
                if (line.equals("A2")) user.schedule(finished::countDown, 300, TimeUnit.MILLISECONDS);
            }
        }
    }

    private void act(long delayMillis, String what, String line, RequestId requestId, ObservedEvent event) {
        user.schedule(() -> {
            log.say(what);
            ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
            ObservedEvent stamped = new ObservedEvent(new TimeStamp(
                    String.format("%04d%02d%02d", now.getYear(), now.getMonthValue(), now.getDayOfMonth()),
                    String.format("%02d%02d%02d%02d", now.getHour(), now.getMinute(), now.getSecond(), now.getNano() / 10_000_000)),
                    event.name(), event.parameters());
            Long ctx;
            synchronized (this) { ctx = contextOf.get(line); }
            Command notify = new Command.Notify(List.of(TerminationId.of(line)),
                    new ObservedEventsDescriptor(requestId, List.of(stamped)), null);
            endpoint.send(controller, DemoMessages.action(ctx == null ? ContextId.NULL : ContextId.of(ctx), notify));
        }, delayMillis, TimeUnit.MILLISECONDS);
    }

    private static StatisticsDescriptor statistics() {
        return new StatisticsDescriptor(List.of(
                new StatisticsDescriptor.Statistic("nt/os", ParmValue.of("45123")),
                new StatisticsDescriptor.Statistic("nt/dur", ParmValue.of("2300"))));
    }

}
