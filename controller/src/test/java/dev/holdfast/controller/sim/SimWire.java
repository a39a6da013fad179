package dev.holdfast.controller.sim;

import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.text.H248SyntaxException;
import dev.holdfast.h248.text.TextCodec;
import dev.holdfast.h248.text.TextForm;
import dev.holdfast.h248.transport.Peer;
import dev.holdfast.sim.time.VirtualSimScheduler;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * The simulated H.248 control network: TCP-like connections between gateways and controllers, in virtual time.
 * Every message is encoded to H.248 text and parsed again at the far end (what crosses is what a real wire would
 * carry). A connection delivers in order in each direction, each message after a seeded delay, so messages on
 * different connections overtake each other; a message may be lost (TCP sends it again after its retransmission
 * timeout, and what follows on that connection waits; with {@link #UDP_LOSS} it is gone and the h248 transaction
 * layer retransmits and answers duplicates from its reply cache). When one side dies the
 * other sees the connection close a seeded time later, after whatever was already under way to it.
 *
 * <p>Every delivered message goes into a running hash ({@link #trace()}): two runs of one seed must give the same.
 */
final class SimWire {
    /** Sees every message as it is delivered; may return other text to deliver instead (a forgery), or null. */
    interface Tap {
        String arrived(Link link, boolean toController, String text, Message message);
    }

    final class Link {
        final int id;
        final SimGatewayNode gateway;
        final SimControllerNode controller;
        /** How the controller sees the gateway's end of this connection. */
        final Peer gatewayPeer;
        /** The same, as the controller core names peers. */
        final String peerKey;
        boolean open = true;
        boolean closedByGateway;
        private long lastToGateway;
        private long lastToController;

        Link(int id, SimGatewayNode gateway, SimControllerNode controller, int port) {
            this.id = id;
            this.gateway = gateway;
            this.controller = controller;
            this.gatewayPeer = Peer.of(new InetSocketAddress("127.0.0.1", port));
            this.peerKey = "tcp:127.0.0.1:" + port;
        }

        @Override public String toString() { return "link " + id + " " + gateway.name + "<->" + controller.name; }
    }

    private final VirtualSimScheduler time;
    private final SplittableRandom random;
    private final SimFaults faults;
    private Tap tap = (l, c, t, m) -> null;
    private int nextLink = 1;
    private int nextPort = 40_000;
    private long trace = 0xcbf29ce484222325L;
    private long delivered;
    private long lost;

    SimWire(VirtualSimScheduler time, SplittableRandom random, SimFaults faults) {
        this.time = time;
        this.random = random;
        this.faults = faults;
    }

    void tap(Tap t) { this.tap = t; }

    /** Messages for which this holds are lost on the way (a test's way to have a peer die between two sends). */
    private java.util.function.BiPredicate<Link, String> dropRule = (l, t) -> false;

    void dropWhen(java.util.function.BiPredicate<Link, String> rule) { this.dropRule = rule; }

    long trace() { return trace; }

    long delivered() { return delivered; }

    long lost() { return lost; }

    /** A new connection from {@code gw} to {@code ctl} (the controller learns of it with its first message). */
    Link open(SimGatewayNode gw, SimControllerNode ctl) {
        Link l = new Link(nextLink++, gw, ctl, nextPort++);
        ctl.attached(l);
        return l;
    }

    private long delayNanos() {
        return Duration.ofMillis(1 + random.nextInt(Math.max(1, faults.maxDelayMillis()))).toNanos()
                + random.nextInt(1000) * 1000L;
    }

    /**
     * {@code -Dsim.udpLoss=true}: a lost message is gone and the h248 transaction layer retransmits it (UDP
     * semantics: a retransmitted request can be overtaken by a later one). By default the connections are TCP: a
     * lost segment is sent again by TCP after its retransmission timeout (doubling while it keeps being lost), and
     * everything behind it on that connection waits (head-of-line blocking): order within a connection holds.
     */
    static final boolean UDP_LOSS = Boolean.getBoolean("sim.udpLoss");

    /** The extra delay TCP retransmissions add to one segment (0 when it is not lost). */
    private long tcpRetransmissions() {
        long extra = 0;
        long rto = Duration.ofMillis(200).toNanos();
        while (lose()) {
            lost++;
            extra += rto;
            rto = Math.min(rto * 2, Duration.ofSeconds(3).toNanos());
        }
        return extra;
    }

    private boolean lose() { return faults.lossRate() > 0 && random.nextDouble() < faults.lossRate(); }

    void toController(Link l, Message m) {
        String text = TextCodec.encode(m, TextForm.COMPACT);
        if (UDP_LOSS && lose()) { lost++; return; }
        long at = Math.max(time.nanoTime() + delayNanos() + tcpRetransmissions(), l.lastToController + 1);
        l.lastToController = at;
        time.schedule(() -> {
            if (!l.controller.alive()) return;
            l.controller.receive(l, arrive(l, 'C', text));
        }, Duration.ofNanos(at - time.nanoTime()));
    }

    void toGateway(Link l, Message m) {
        String text = TextCodec.encode(m, TextForm.COMPACT);
        if (UDP_LOSS && lose() || dropRule.test(l, text)) { lost++; return; }
        long at = Math.max(time.nanoTime() + delayNanos() + tcpRetransmissions(), l.lastToGateway + 1);
        l.lastToGateway = at;
        time.schedule(() -> {
            if (!l.gateway.alive() || l.closedByGateway) return;
            l.gateway.receive(l, arrive(l, 'G', text));
        }, Duration.ofNanos(at - time.nanoTime()));
    }

    /** {@code -Dsim.trace=true}: every delivered message is printed (for replaying one seed). */
    private static final boolean PRINT = Boolean.getBoolean("sim.trace");

    private Message arrive(Link l, char direction, String text) {
        delivered++;
        if (PRINT) {
            System.out.printf("%9.3f %s %s %s%n", time.nanoTime() / 1e6, l, direction == 'C' ? "->ctl" : "->gw ",
                    text.replace("\n", " ").replace("\r", ""));
        }
        mix(time.nanoTime());
        mix(l.id * 2L + direction);
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            trace ^= b;
            trace *= 0x100000001b3L;
        }
        Message m = parse(text);
        String other = tap.arrived(l, direction == 'C', text, m);
        return other == null ? m : parse(other);
    }

    private static Message parse(String text) {
        try {
            return TextCodec.parse(text);
        } catch (H248SyntaxException e) {
            throw new IllegalStateException("the simulated wire carried a message its peer cannot parse: " + text, e);
        }
    }

    private void mix(long v) {
        trace ^= v;
        trace *= 0x100000001b3L;
    }

    /** The gateway closes the connection (or died): the controller sees it after what was under way to it. */
    void closeByGateway(Link l) {
        if (!l.open) return;
        l.open = false;
        l.closedByGateway = true;
        long at = Math.max(time.nanoTime() + closeNanos(), l.lastToController + 1);
        time.schedule(() -> { if (l.controller.alive()) l.controller.lost(l); }, Duration.ofNanos(at - time.nanoTime()));
    }

    /** The controller died: the gateway sees its connection close after what was already under way to it. */
    void closeByController(Link l, long extraNanos) {
        if (!l.open) return;
        l.open = false;
        long at = Math.max(time.nanoTime() + closeNanos() + extraNanos, l.lastToGateway + 1);
        time.schedule(() -> { if (l.gateway.alive() && !l.closedByGateway) l.gateway.lost(l); },
                Duration.ofNanos(at - time.nanoTime()));
    }

    private long closeNanos() {
        return Duration.ofMillis(1 + random.nextInt(Math.max(1, faults.maxCloseMillis()))).toNanos();
    }
}
