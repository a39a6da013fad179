package dev.holdfast.controller.mgc;

import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.Command;
import dev.holdfast.h248.message.ContextId;
import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.message.ObservedEventsDescriptor;
import dev.holdfast.h248.message.ObservedEventsDescriptor.ObservedEvent;
import dev.holdfast.h248.message.PropertyParm;
import dev.holdfast.h248.message.RequestId;
import dev.holdfast.h248.message.ServiceChangeParm;
import dev.holdfast.h248.message.TerminationId;
import dev.holdfast.h248.message.Transaction;
import dev.holdfast.h248.text.TextCodec;
import dev.holdfast.h248.text.TextForm;
import dev.holdfast.h248.transport.EndpointOptions;
import dev.holdfast.h248.transport.H248Endpoint;
import dev.holdfast.h248.transport.Peer;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A test's own media gateway on real sockets: an {@link H248Endpoint} driven by the test, executing what the
 * controller asks with {@link dev.holdfast.controller.MgModelAccess the tests' gateway model} and recording every
 * request it receives as compact H.248 text (the transaction's actions).
 */
final class LoopbackMg implements AutoCloseable {
    final H248Endpoint endpoint;
    final MId mid;
    final Peer controller;
    final dev.holdfast.controller.MgModelAccess model;
    private final List<String> received = new ArrayList<>();

    private LoopbackMg(H248Endpoint endpoint, MId mid, Peer controller, int rtpBase, String... terminations) {
        this.endpoint = endpoint;
        this.mid = mid;
        this.controller = controller;
        this.model = new dev.holdfast.controller.MgModelAccess(rtpBase, terminations);
        endpoint.onRequest(r -> {
            synchronized (received) {
                received.add(text(r.request().actions()));
                received.notifyAll();
            }
            return CompletableFuture.completedFuture(model.execute(r.request().actions()));
        });
    }

    /** An MG on UDP, mId {@code [127.0.0.1]:port} of its own socket. */
    static LoopbackMg udp(InetSocketAddress controller, String... terminations) throws Exception {
        H248Endpoint probe = H248Endpoint.udp(MId.ipv4("127.0.0.1", null), new InetSocketAddress("127.0.0.1", 0), EndpointOptions.DEFAULTS);
        int port = probe.localAddress().getPort();
        probe.close();
        MId mid = MId.ipv4("127.0.0.1", port);
        H248Endpoint e = H248Endpoint.udp(mid, new InetSocketAddress("127.0.0.1", port), EndpointOptions.DEFAULTS);
        return new LoopbackMg(e, mid, Peer.of(controller), port * 2, terminations);
    }

    /** An MG on UDP port {@code port} (0: any), mId {@code [127.0.0.1]:port}. */
    static LoopbackMg udpOn(int port, InetSocketAddress controller, String... terminations) throws Exception {
        if (port == 0) {
            H248Endpoint e = H248Endpoint.udp(MId.ipv4("127.0.0.1", null), new InetSocketAddress("127.0.0.1", 0), EndpointOptions.DEFAULTS);
            port = e.localAddress().getPort();
            e.close();
        }
        MId mid = MId.ipv4("127.0.0.1", port);
        H248Endpoint e = H248Endpoint.udp(mid, new InetSocketAddress("127.0.0.1", port), EndpointOptions.DEFAULTS);
        return new LoopbackMg(e, mid, Peer.of(controller), 20000 + port % 20000, terminations);
    }

    /** An MG that connects over TCP and calls itself {@code mid}. */
    static LoopbackMg tcp(InetSocketAddress controller, String mid, String... terminations) throws Exception {
        MId m = dev.holdfast.controller.provisioning.MidText.parse(mid);
        H248Endpoint e = H248Endpoint.tcpClient(m, controller, EndpointOptions.DEFAULTS);
        return new LoopbackMg(e, m, e.remotePeer(), 30000 + e.localAddress().getPort() % 10000, terminations);
    }

    int port() { return endpoint.localAddress().getPort(); }

    Transaction.Reply serviceChange(ServiceChangeParm.MethodKind method, String reason) throws Exception {
        return send(ActionRequest.of(ContextId.NULL, new Command.ServiceChange(List.of(TerminationId.ROOT),
                List.of(ServiceChangeParm.Method.of(method), new ServiceChangeParm.Reason("\"" + reason + "\"")))));
    }

    Transaction.Reply notify(String termination, String event, PropertyParm... parameters) throws Exception {
        return send(ActionRequest.of(model.contextOf(termination), new Command.Notify(List.of(TerminationId.of(termination)),
                new ObservedEventsDescriptor(RequestId.of(1), List.of(new ObservedEvent(null, event, List.of(parameters)))), null)));
    }

    Transaction.Reply offHook(String line) throws Exception { return notify(line, "al/of"); }

    Transaction.Reply onHook(String line) throws Exception { return notify(line, "al/on"); }

    Transaction.Reply dial(String line, String digits) throws Exception {
        return notify(line, "dd/ce", PropertyParm.of("ds", "\"" + digits + "\""), PropertyParm.of("Meth", "UM"));
    }

    private Transaction.Reply send(ActionRequest action) throws Exception {
        return endpoint.send(controller, List.of(action)).get(10, TimeUnit.SECONDS);
    }

    /** Waits until {@code count} requests have been received; returns them all (E=n request ids as E=#). */
    List<String> awaitReceived(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        synchronized (received) {
            while (received.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) throw new AssertionError("received only " + received);
                TimeUnit.NANOSECONDS.timedWait(received, left);
            }
            return received.stream().map(s -> s.replaceAll("E=\\d+", "E=#")).toList();
        }
    }

    /** Waits for the next {@code count} requests and forgets them and everything before. */
    List<String> take(int count) throws InterruptedException {
        List<String> all = awaitReceived(count);
        synchronized (received) { received.clear(); }
        return all;
    }

    static String text(List<ActionRequest> actions) {
        String t = TextCodec.encode(Message.of(1, MId.ipv4("0.0.0.0", null), new Transaction.Request(0, actions)), TextForm.COMPACT);
        t = t.substring(t.indexOf('\n') + 1).strip();
        return t.substring(t.indexOf('{') + 1, t.length() - 1).replace("\r\n", "\n");
    }

    @Override public void close() { endpoint.close(); }
}
