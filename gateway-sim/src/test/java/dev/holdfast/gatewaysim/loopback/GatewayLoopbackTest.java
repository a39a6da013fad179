package dev.holdfast.gatewaysim.loopback;

import dev.holdfast.gatewaysim.GatewayConfig;
import dev.holdfast.gatewaysim.GatewayRuntime;
import dev.holdfast.gatewaysim.SimulatedGateway;
import dev.holdfast.gatewaysim.control.H248ControlNetwork.Transport;
import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.transaction.IncomingRequest;
import dev.holdfast.h248.transport.Peer;
import dev.holdfast.sim.rtp.ProbeStats;
import dev.holdfast.sim.script.ScriptRunner;
import dev.holdfast.sim.script.Scripts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Simulated gateways on real sockets, controlled by the test's own MGC ({@link LoopbackMgc}, an h248
 * {@code H248Endpoint}) on 127.0.0.1: registration, events, an intra-gateway call, an inter-gateway call with
 * real RTP, and failover to a second MGC with the RTP still flowing.
 */
class GatewayLoopbackTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private GatewayRuntime runtime;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach void runtime() { runtime = GatewayRuntime.create(1, GatewayRuntime.quickTransactions()); }

    @AfterEach void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) closing.get(i).close();
        runtime.close();
    }

    private <T extends AutoCloseable> T closeLater(T t) {
        closing.add(t);
        return t;
    }

    private static int freeUdpPort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A gateway with {@code lines} lines whose mId is [127.0.0.1]:port, registering with {@code mgcs} in order. */
    private SimulatedGateway gateway(Transport transport, int lines, LoopbackMgc... mgcs) throws Exception {
        int port = freeUdpPort();
        List<InetSocketAddress> controllers = new ArrayList<>();
        for (LoopbackMgc m : mgcs) controllers.add(m.address());
        GatewayConfig c = GatewayConfig.of(MId.ipv4("127.0.0.1", port), lines, controllers).withSeed(port);
        return closeLater(runtime.start(c, transport, new InetSocketAddress("127.0.0.1", port)));
    }

    private static int midPort(SimulatedGateway g) { return ((MId.IpAddress) g.config().mid()).port(); }

    /** Registration seen by the MGC; returns the peer to send to (UDP: the gateway's socket; TCP: its connection). */
    private static Peer registered(LoopbackMgc mgc, SimulatedGateway g, String part) throws Exception {
        IncomingRequest sc = mgc.awaitServiceChange(midPort(g), part, WAIT);
        assertTrue(SimulatedGateway.await(g::registered, WAIT));
        return sc.peer();
    }

    private static void contains(String text, String... parts) {
        for (String p : parts) assertTrue(text.contains(p), "expected '" + p + "' in " + text);
    }

    private static int port(String reply) {
        Matcher m = Pattern.compile("m=audio (\\d+) RTP/AVP 0").matcher(reply);
        assertTrue(m.find(), reply);
        return Integer.parseInt(m.group(1));
    }

    private static String rtpId(String reply) {
        Matcher m = Pattern.compile("A=(R\\d+)").matcher(reply);
        assertTrue(m.find(), reply);
        return m.group(1);
    }

    private static long contextId(String reply) {
        Matcher m = Pattern.compile("C=(\\d+)\\{").matcher(reply);
        assertTrue(m.find(), reply);
        return Long.parseLong(m.group(1));
    }

    private static final String ADD_LINE_AND_RTP = "Context=$ {Add=%s, Add=$ {Media{Stream=1{LocalControl{Mode=ReceiveOnly},"
            + "Local{\nv=0\nc=IN IP4 $\nm=audio $ RTP/AVP 0\n}}}}}";
    private static final String REMOTE = "Context=%d{Modify=%s{Media{Stream=1{LocalControl{Mode=SendReceive},"
            + "Remote{\nv=0\nc=IN IP4 127.0.0.1\nm=audio %d RTP/AVP 0\n}}}}}";

    @ParameterizedTest @EnumSource(Transport.class)
    void registrationEventsAndAnIntraGatewayCall(Transport transport) throws Exception {
        LoopbackMgc mgc = closeLater(transport == Transport.UDP ? LoopbackMgc.udp() : LoopbackMgc.tcp());
        SimulatedGateway gw = gateway(transport, 2, mgc);
        Peer mg = registered(mgc, gw, "MT=RS,RE=\"901 Cold Boot\"");
        contains(mgc.send(mg, "Context=-{Modify=A1{Events=1{al/of{Embed{Signals{cg/dt}}}}}}"), "MF=A1");
        gw.offHook("A1");
        IncomingRequest n = mgc.await(r -> LoopbackMgc.text(r).contains("N=A1"), WAIT);
        contains(LoopbackMgc.text(n), "OE=1{", ":al/of}");
        assertEquals(List.of("cg/dt"), gw.signals("A1"));

        String r = mgc.send(mg, "Context=$ {Add=A1{Signals{}}, Add=A2{Signals{al/ri}}}");
        long ctx = contextId(r);
        assertEquals(List.of("al/ri"), gw.signals("A2"));
        assertTrue(gw.answer("A2"));
        assertTrue(gw.talkPathUp("A1") && gw.talkPathUp("A2"));
        contains(mgc.send(mg, "Context=" + ctx + "{Subtract=A1, Subtract=A2}"), "S=A1{SA{nt/dur=");
        assertFalse(gw.talkPathUp("A1"));
        assertEquals(null, gw.contextOf("A1"));
    }

    @ParameterizedTest @EnumSource(Transport.class)
    void anInterGatewayCallHasARealTalkPathThatGoesDownAfterSubtract(Transport transport) throws Exception {
        LoopbackMgc mgc = closeLater(transport == Transport.UDP ? LoopbackMgc.udp() : LoopbackMgc.tcp());
        SimulatedGateway gw1 = gateway(transport, 2, mgc);
        SimulatedGateway gw2 = gateway(transport, 2, mgc);
        Peer mg1 = registered(mgc, gw1, "MT=RS");
        Peer mg2 = registered(mgc, gw2, "MT=RS");

        String r1 = mgc.send(mg1, ADD_LINE_AND_RTP.formatted("A1"));
        String r2 = mgc.send(mg2, ADD_LINE_AND_RTP.formatted("A2"));
        contains(r1, "c=IN IP4 127.0.0.1");
        long c1 = contextId(r1);
        long c2 = contextId(r2);
        String rtp1 = rtpId(r1);
        String rtp2 = rtpId(r2);
        mgc.send(mg1, REMOTE.formatted(c1, rtp1, port(r2)));
        mgc.send(mg2, REMOTE.formatted(c2, rtp2, port(r1)));
        assertTrue(SimulatedGateway.await(() -> gw1.talkPathUp("A1") && gw2.talkPathUp("A2"), WAIT),
                "talk path over real RTP: " + gw1.probeStats(rtp1) + " / " + gw2.probeStats(rtp2));
        Thread.sleep(300);
        ProbeStats s1 = gw1.probeStats(rtp1);
        assertTrue(s1.packetsReceived() > 5 && s1.strangerPackets() == 0, s1.toString());

        String sub = mgc.send(mg1, "Context=" + c1 + "{Subtract=" + rtp1 + ", Subtract=A1}");
        Matcher ps = Pattern.compile("rtp/ps=(\\d+),rtp/pr=(\\d+)").matcher(sub);
        assertTrue(ps.find() && Long.parseLong(ps.group(1)) > 5 && Long.parseLong(ps.group(2)) > 5, sub);
        assertTrue(SimulatedGateway.await(() -> !gw2.talkPathUp("A2"), WAIT), "the far end loses the talk path");
        assertFalse(gw1.talkPathUp("A1"));
        mgc.send(mg2, "Context=" + c2 + "{Subtract=*}");
        assertEquals(List.of(), gw2.contextIds());
    }

    @Test void failoverToTheSecondMgcOverTcpKeepsContextsAndRtpFlowing() throws Exception {
        LoopbackMgc primary = closeLater(LoopbackMgc.tcp());
        LoopbackMgc secondary = closeLater(LoopbackMgc.tcp());
        SimulatedGateway gw1 = gateway(Transport.TCP, 1, primary, secondary);
        SimulatedGateway gw2 = gateway(Transport.TCP, 1, primary, secondary);
        Peer mg1 = registered(primary, gw1, "MT=RS");
        Peer mg2 = registered(primary, gw2, "MT=RS");
        String r1 = primary.send(mg1, ADD_LINE_AND_RTP.formatted("A1"));
        String r2 = primary.send(mg2, ADD_LINE_AND_RTP.formatted("A1"));
        primary.send(mg1, REMOTE.formatted(contextId(r1), rtpId(r1), port(r2)));
        primary.send(mg2, REMOTE.formatted(contextId(r2), rtpId(r2), port(r1)));
        assertTrue(SimulatedGateway.await(() -> gw1.talkPathUp("A1") && gw2.talkPathUp("A1"), WAIT));
        long receivedBefore = gw1.probeStats(rtpId(r1)).packetsReceived();

        primary.close(); // the primary MGC dies: its TCP connections close
        Peer n1 = secondary.awaitServiceChange(midPort(gw1), "MT=FL,RE=\"909 MGC Impending Failure\"", WAIT).peer();
        secondary.awaitServiceChange(midPort(gw2), "MT=FL", WAIT);
        assertTrue(SimulatedGateway.await(() -> secondary.address().equals(gw1.currentController()), WAIT));
        assertTrue(gw1.talkPathUp("A1") && gw2.talkPathUp("A1"), "the talk path stayed up through the failover");
        contains(secondary.send(n1, "Context=*{AuditValue=A1{Audit{Media}}}"), "C=" + contextId(r1) + "{AV=A1");
        Thread.sleep(200);
        ProbeStats s = gw1.probeStats(rtpId(r1));
        assertTrue(s.packetsReceived() > receivedBefore && s.gaps() == 0, s.toString());
    }

    @Test void anUnansweredInactivityNotifyMeansFailoverOverUdp() throws Exception {
        LoopbackMgc primary = closeLater(LoopbackMgc.udp());
        LoopbackMgc secondary = closeLater(LoopbackMgc.udp());
        SimulatedGateway gw = gateway(Transport.UDP, 1, primary, secondary);
        Peer mg = registered(primary, gw, "MT=RS");
        String r = primary.send(mg, ADD_LINE_AND_RTP.formatted("A1"));
        contains(primary.send(mg, "Context=-{Modify=ROOT{Events=9{it/ito{mit=30}}}}"), "MF=ROOT");
        primary.await(q -> LoopbackMgc.text(q).contains("it/ito"), WAIT); // a heartbeat, answered
        primary.close(); // the primary dies; over UDP nothing tells the gateway but the silence
        secondary.awaitServiceChange(midPort(gw), "MT=FL,RE=\"909 MGC Impending Failure\"", WAIT);
        assertTrue(SimulatedGateway.await(() -> secondary.address().equals(gw.currentController()), WAIT));
        assertEquals(contextId(r), gw.contextOf("A1"));
    }

    /**
     * A hang-up or off-hook reported to the primary just as it died must reach the secondary right after the
     * failover, not when the UDP retransmission schedule to the dead primary runs out (~15 s with the standard
     * timers used here): declaring the controller lost fails what still waits for it, and it is re-queued.
     */
    @Test void aNotifyOutstandingToTheLostControllerGoesToTheNextOneAtOnce() throws Exception {
        try (GatewayRuntime standard = GatewayRuntime.create(1, GatewayRuntime.loadTransactions())) {
            LoopbackMgc primary = closeLater(LoopbackMgc.udp());
            LoopbackMgc secondary = closeLater(LoopbackMgc.udp());
            int port = freeUdpPort();
            GatewayConfig c = GatewayConfig.of(MId.ipv4("127.0.0.1", port), 1, List.of(primary.address(), secondary.address()))
                    .withSeed(port).withHeartbeatReplyTimeout(Duration.ofMillis(300));
            SimulatedGateway gw = standard.start(c, Transport.UDP, new InetSocketAddress("127.0.0.1", port));
            try {
                Peer mg = registered(primary, gw, "MT=RS");
                contains(primary.send(mg, "Context=-{Modify=A1{Events=1{al/of}}}"), "MF=A1");
                contains(primary.send(mg, "Context=-{Modify=ROOT{Events=9{it/ito{mit=200}}}}"), "MF=ROOT");
                primary.await(q -> LoopbackMgc.text(q).contains("it/ito"), WAIT); // a heartbeat, answered
                primary.close(); // dies: over UDP nothing tells the gateway but the silence
                gw.offHook("A1"); // the Notify goes to the dead primary and waits for a reply that never comes

                long lostAt = System.nanoTime();
                Peer mg2 = secondary.awaitServiceChange(port, "MT=FL", WAIT).peer();
                contains(secondary.send(mg2, "Context=-{Modify=A1{Events=2{al/on}}}"), "MF=A1");
                IncomingRequest n;
                try {
                    n = secondary.await(q -> LoopbackMgc.text(q).contains("N=A1"), Duration.ofSeconds(5));
                } catch (AssertionError e) {
                    throw new AssertionError("notified " + gw.notifications() + ", registrations " + gw.registrationHistory(), e);
                }
                contains(LoopbackMgc.text(n), ":al/of}");
                long ms = (System.nanoTime() - lostAt) / 1_000_000;
                assertTrue(ms < 5_000, "the off-hook reached the secondary " + ms + " ms after the failover began");
            } finally {
                gw.close();
            }
        }
    }

    @Test void scriptsDriveTheLines() throws Exception {
        LoopbackMgc mgc = closeLater(LoopbackMgc.udp());
        SimulatedGateway gw = gateway(Transport.UDP, 2, mgc);
        Peer mg = registered(mgc, gw, "MT=RS");
        mgc.send(mg, "Context=-{Modify=A1{Events=1{al/of{Embed{Signals{cg/dt}}}}}}");
        ScriptRunner.Result ok = gw.runScript(Scripts.parse("call", """
                expect idle A1
                off-hook A1
                expect dial-tone A1
                expect silence A2
                """));
        assertTrue(ok.ok(), ok.toString());
        ScriptRunner.Result bad = gw.runScript(Scripts.parse("bad", "expect ringing A2 within 100ms\n"));
        assertFalse(bad.ok());
        assertEquals("not within 100ms; found A2 plays []", bad.failure());
        ScriptRunner.Result notRinging = gw.runScript(Scripts.parse("answer", "answer A2\n"));
        assertEquals("A2 was not ringing when answered", notRinging.failure());
    }
}
