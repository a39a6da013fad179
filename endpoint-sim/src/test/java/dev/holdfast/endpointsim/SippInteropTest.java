package dev.holdfast.endpointsim;

import dev.holdfast.endpointsim.phone.Call;
import dev.holdfast.endpointsim.phone.CallState;
import dev.holdfast.endpointsim.phone.Phone;
import dev.holdfast.endpointsim.phone.PhoneConfig;
import dev.holdfast.endpointsim.sip.JainSipStack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The phones against SIPp, a SIP implementation that is not ours: its built-in uas and uac scenarios (with RTP
 * echo, so the talk path is real: our packets go to SIPp and back), and a REGISTER scenario of ours that checks
 * the phone's digest with SIPp's own verifyauth.
 */
class SippInteropTest {
    private static final Duration T = Duration.ofSeconds(8);
    private static final InetAddress LO = InetAddress.getLoopbackAddress();
    private PhoneRuntime rt;
    private final List<Sipp> sipps = new ArrayList<>();

    @BeforeEach void start() throws Exception { rt = PhoneRuntime.loopback(); }

    @AfterEach void stop() {
        sipps.forEach(Sipp::close);
        if (rt != null) rt.close();
    }

    private Sipp sipp(String transport, String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of(args));
        if (transport.equals("tcp")) a.addAll(List.of("-t", "t1"));
        Sipp s = Sipp.start(a.toArray(String[]::new));
        sipps.add(s);
        return s;
    }

    private static String suffix(String transport) { return transport.equals("tcp") ? ";transport=tcp" : ""; }

    @ParameterizedTest @ValueSource(strings = {"udp", "tcp"})
    void phoneCallsSippUas(String transport) throws Exception {
        int port = JainSipStack.freePort(LO);
        int mediaPort = Sipp.freeMediaPort();
        Sipp uas = sipp(transport, "-sn", "uas", "-i", "127.0.0.1", "-p", "" + port, "-m", "1", "-rtp_echo",
                "-mp", "" + mediaPort, "-timeout", "20s");
        Thread.sleep(300); // SIPp binds its port
        Phone alice = rt.phone(PhoneConfig.of("alice", null, List.of()).withTransport(transport));
        Call c = alice.call("sip:service@127.0.0.1:" + port + suffix(transport));
        Await.until("SIPp answers", T, () -> c.state() == CallState.CONNECTED, () -> c + " " + uas.output());
        assertTrue(c.inviteToRingNanos() > 0, "SIPp's 180 seen");
        Await.until("talk path up (RTP echoed by SIPp)", T, c::talkPathUp, () -> String.valueOf(c.probeStats()));
        alice.hangUp(c);
        assertEquals(0, uas.await(T), "SIPp uas saw a complete call: " + uas.output());
    }

    @ParameterizedTest @ValueSource(strings = {"udp", "tcp"})
    void aRefusedHoldLeavesTheCallAsItWas(String transport) throws Exception {
        int port = JainSipStack.freePort(LO);
        int mediaPort = Sipp.freeMediaPort();
        Sipp uas = sipp(transport, "-sf", Sipp.scenario("uas-refuses-reinvite.xml"), "-i", "127.0.0.1", "-p", "" + port,
                "-m", "1", "-rtp_echo", "-mp", "" + mediaPort, "-timeout", "20s");
        Thread.sleep(300);
        Phone alice = rt.phone(PhoneConfig.of("alice", null, List.of()).withTransport(transport));
        Call c = alice.call("sip:service@127.0.0.1:" + port + suffix(transport));
        Await.until("talk path up", T, c::talkPathUp, () -> c + " " + uas.output());
        java.util.concurrent.atomic.AtomicInteger changes = new java.util.concurrent.atomic.AtomicInteger();
        alice.addListener(new dev.holdfast.endpointsim.phone.PhoneListener() {
            @Override public void callStateChanged(Phone p, Call call, CallState s) { changes.incrementAndGet(); }
        });
        alice.hold(c, false);
        Await.until("the 488 arrives", T, () -> changes.get() > 0);
        assertFalse(c.onHold(), "not on hold: the far end refused");
        assertEquals(dev.holdfast.endpointsim.phone.MediaDirection.SENDRECV, c.mediaDirection());
        Thread.sleep(500);
        // up (a machine loaded by other builds can stall SIPp's echo past the probe's 210 ms silence limit for a moment)
        Await.until("the talk path stays up", T, c::talkPathUp, () -> c + " " + uas.output());
        alice.hangUp(c);
        assertEquals(0, uas.await(T), "SIPp saw re-INVITE, ACK for the 488 and BYE: " + uas.output());
    }

    @ParameterizedTest @ValueSource(strings = {"udp", "tcp"})
    void sippUacCallsPhone(String transport) throws Exception {
        Phone bob = rt.phone(PhoneConfig.of("bob", null, List.of()).withTransport(transport)
                .withAutoAnswer(Duration.ofMillis(100)));
        InetSocketAddress at = rt.sip().localAddress(transport);
        int port = JainSipStack.freePort(LO);
        int mediaPort = Sipp.freeMediaPort();
        Sipp uac = sipp(transport, "127.0.0.1:" + at.getPort(), "-sn", "uac", "-s", "bob", "-i", "127.0.0.1",
                "-p", "" + port, "-m", "1", "-d", "2000", "-rtp_echo", "-mp", "" + mediaPort, "-timeout", "20s");
        Await.until("SIPp's call arrives", T, () -> !bob.calls().isEmpty(), uac::output);
        Call c = bob.calls().get(0);
        Await.until("answered", T, () -> c.state() == CallState.CONNECTED, () -> c + " " + uac.output());
        Await.until("talk path up (RTP echoed by SIPp)", T, c::talkPathUp, () -> String.valueOf(c.probeStats()));
        Await.until("SIPp hangs up", T, () -> c.state() == CallState.ENDED, uac::output);
        assertEquals("remote-hangup", c.endReason());
        assertEquals(0, uac.await(T), "SIPp uac completed its call: " + uac.output());
    }

    @ParameterizedTest @ValueSource(strings = {"udp", "tcp"})
    void registersWithDigestAndRefreshesBeforeExpiry(String transport) throws Exception {
        int port = JainSipStack.freePort(LO);
        Sipp registrar = sipp(transport, "-sf", Sipp.scenario("register-digest.xml"), "-i", "127.0.0.1", "-p", "" + port,
                "-m", "1", "-timeout", "20s");
        Thread.sleep(300);
        Phone alice = rt.phone(PhoneConfig.of("alice", "s3cret", List.of(new InetSocketAddress("127.0.0.1", port)))
                .withTransport(transport).withRegistration(Duration.ofSeconds(60), Duration.ZERO, Duration.ofSeconds(4)));
        Await.until("registered", T, alice::registered, () -> alice.registrationError() + " " + registrar.output());
        Await.until("refreshed before the 2 s expiry", T, () -> alice.registrations() >= 2, registrar::output);
        assertTrue(alice.registered());
        assertEquals(0, registrar.await(T), "SIPp's verifyauth accepted both: " + registrar.output());
    }

    @ParameterizedTest @ValueSource(strings = {"udp", "tcp"})
    void wrongPasswordIsRefused(String transport) throws Exception {
        int port = JainSipStack.freePort(LO);
        Sipp registrar = sipp(transport, "-sf", Sipp.scenario("register-digest.xml"), "-i", "127.0.0.1", "-p", "" + port,
                "-m", "1", "-timeout", "20s");
        Thread.sleep(300);
        Phone alice = rt.phone(PhoneConfig.of("alice", "wrong", List.of(new InetSocketAddress("127.0.0.1", port)))
                .withTransport(transport).withRegistration(Duration.ofSeconds(60), Duration.ZERO, Duration.ofSeconds(4)));
        Await.until("refused", T, () -> alice.registrationError().equals("403"), alice::registrationError);
        assertFalse(alice.registered());
        assertTrue(registrar.await(T) != 0, "SIPp's verifyauth refused the digest: " + registrar.output());
    }
}
