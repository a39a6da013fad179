package dev.holdfast.endpointsim;

import dev.holdfast.endpointsim.phone.Call;
import dev.holdfast.endpointsim.phone.CallState;
import dev.holdfast.endpointsim.phone.Phone;
import dev.holdfast.endpointsim.phone.PhoneConfig;
import dev.holdfast.endpointsim.phone.PhoneListener;
import dev.holdfast.endpointsim.sip.SipEndpoint;
import dev.holdfast.endpointsim.sip.VirtualSipNetwork;
import dev.holdfast.sim.media.VirtualMediaNetwork;
import dev.holdfast.sim.time.VirtualSimScheduler;
import org.junit.jupiter.api.Test;

import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same phone logic with no socket and no real time: SIP through {@link VirtualSipNetwork}, RTP through
 * sim-common's virtual media network, timers on a virtual clock. This is how a whole-system simulation (the
 * migration issue) runs phones; here it shows that calls, hold, talk paths and failover work and that a run is
 * reproducible.
 */
class VirtualTimePhoneTest {
    private static final class World {
        final VirtualSimScheduler clock = new VirtualSimScheduler();
        final VirtualSipNetwork sip = new VirtualSipNetwork(clock, Duration.ofMillis(2));
        final VirtualMediaNetwork media = new VirtualMediaNetwork(clock, Duration.ofMillis(1));
        final List<String> trace = new ArrayList<>();

        Phone phone(String user, String ip, List<InetSocketAddress> controllers, long seed) throws Exception {
            InetAddress a = InetAddress.getByName(ip);
            VirtualSipNetwork.Port port = sip.open(new InetSocketAddress(a, 5060));
            PhoneConfig cfg = PhoneConfig.of(user, "pw", controllers).withMediaAddress(a)
                    .withRegistration(Duration.ofMinutes(10), Duration.ofSeconds(10), Duration.ofSeconds(2));
            Phone p = new Phone(cfg, clock, port, media, new SplittableRandom(seed));
            p.addListener(new PhoneListener() {
                @Override public void callStateChanged(Phone phone, Call call, CallState state) {
                    trace.add(clock.elapsed().toMillis() + "ms " + phone.user() + " " + state + " " + call.callId());
                }

                @Override public void registered(Phone phone, InetSocketAddress controller) {
                    trace.add(clock.elapsed().toMillis() + "ms " + phone.user() + " registered " + controller);
                }

                @Override public void failedOver(Phone phone, InetSocketAddress from, InetSocketAddress next, String reason) {
                    trace.add(clock.elapsed().toMillis() + "ms " + phone.user() + " failover " + reason);
                }
            });
            p.start();
            return p;
        }

        void advance(long millis) { clock.advance(Duration.ofMillis(millis)); }
    }

    private static List<String> callHoldResumeHangUp(long seed) throws Exception {
        World w = new World();
        Phone alice = w.phone("alice", "198.18.0.1", List.of(), seed);
        Phone bob = w.phone("bob", "198.18.0.2", List.of(), seed + 1);
        Call out = alice.call(bob.directUri());
        w.advance(20);
        Call in = bob.calls().get(0);
        assertEquals(CallState.RINGING, in.state());
        assertEquals(CallState.RINGBACK, out.state());
        assertEquals(4_000_000, out.inviteToRingNanos(), "INVITE and 180 take 2 ms each on the virtual network");
        bob.answer(in);
        w.advance(500);
        assertTrue(out.talkPathUp() && in.talkPathUp(), "talk path up: " + out.probeStats());
        alice.hold(out, false);
        w.advance(1000);
        assertFalse(out.talkPathUp() || in.talkPathUp(), "held: no talk path");
        alice.resume(out);
        w.advance(500);
        assertTrue(out.talkPathUp() && in.talkPathUp(), "resumed");
        alice.hangUp(out);
        w.advance(20);
        assertEquals(CallState.ENDED, in.state());
        assertEquals("remote-hangup", in.endReason());
        w.trace.add("sip delivered " + w.sip.delivered() + ", media delivered " + w.media.delivered());
        return w.trace;
    }

    @Test void callHoldResumeAndHangUpInVirtualTime() throws Exception {
        List<String> trace = callHoldResumeHangUp(7);
        assertTrue(trace.get(0).startsWith("0ms alice CALLING"), trace.toString());
    }

    @Test void theSameSeedGivesTheSameRun() throws Exception {
        assertEquals(callHoldResumeHangUp(42), callHoldResumeHangUp(42));
    }

    @Test void aLostAckIsRecoveredByTheRetransmitted200AndNoAckEndsTheCall() throws Exception {
        World w = new World();
        int[] oks = {0};
        int[] acksDropped = {0};
        boolean[] dropAllAcks = {false};
        w.sip.dropWhen(m -> {
            if (m.startsWith("SIP/2.0 200") && m.contains(" INVITE")) oks[0]++;
            if (!m.startsWith("ACK ")) return false;
            if (dropAllAcks[0] || acksDropped[0] == 0) {
                acksDropped[0]++;
                return true;
            }
            return false;
        });
        Phone alice = w.phone("alice", "198.18.0.1", List.of(), 3);
        Phone bob = w.phone("bob", "198.18.0.2", List.of(), 4);
        Call out = alice.call(bob.directUri());
        w.advance(20);
        Call in = bob.calls().get(0);
        bob.answer(in);
        w.advance(40_000);
        assertEquals(2, oks[0], "the 200 went again once, T1 after the lost ACK");
        assertEquals(CallState.CONNECTED, in.state(), "the second ACK arrived");
        assertTrue(out.talkPathUp() && in.talkPathUp());
        alice.hangUp(out);
        w.advance(100);

        dropAllAcks[0] = true;
        Call second = alice.call(bob.directUri());
        w.advance(20);
        Call in2 = bob.calls().get(bob.calls().size() - 1);
        bob.answer(in2);
        w.advance(31_000);
        assertEquals(CallState.CONNECTED, in2.state(), "still retransmitting before 64*T1");
        w.advance(2_000);
        assertEquals(CallState.ENDED, in2.state());
        assertEquals("no-ack", in2.endReason());
        w.advance(100);
        assertEquals(CallState.ENDED, second.state(), "and the caller got the BYE");
        assertEquals("remote-hangup", second.endReason());
    }

    @Test void sessionTimerRefreshesAndExpiresWhenRefreshesStop() throws Exception {
        World w = new World();
        int[] reinvites = {0};
        boolean[] dropRefreshes = {false};
        w.sip.dropWhen(m -> {
            // a re-INVITE from alice: an INVITE to bob's Contact with a CSeq above the initial one's
            boolean refresh = m.startsWith("INVITE sip:bob") && !m.contains("CSeq: 1 INVITE");
            if (refresh) reinvites[0]++;
            return refresh && dropRefreshes[0];
        });
        InetAddress a = InetAddress.getByName("198.18.0.1");
        Phone alice = new Phone(PhoneConfig.of("alice", null, List.of()).withMediaAddress(a).withSessionExpires(Duration.ofSeconds(90)),
                w.clock, w.sip.open(new InetSocketAddress(a, 5060)), w.media, new SplittableRandom(5));
        alice.start();
        Phone bob = w.phone("bob", "198.18.0.2", List.of(), 6);
        Call out = alice.call(bob.directUri());
        w.advance(20);
        Call in = bob.calls().get(0);
        bob.answer(in);
        w.advance(200_000); // refreshes at 45 s intervals
        assertEquals(4, reinvites[0], "alice, the refresher, re-INVITEs every 45 s");
        assertEquals(CallState.CONNECTED, in.state());
        assertTrue(out.talkPathUp() && in.talkPathUp());

        dropRefreshes[0] = true; // alice's refreshes stop reaching bob (last one arrived at 180 s)
        w.advance(39_000); // 239 s: bob's deadline is 180 + 90 - 30 = 240 s
        assertEquals(CallState.CONNECTED, in.state());
        w.advance(2_000);
        assertEquals(CallState.ENDED, in.state());
        assertEquals("session-expired", in.endReason());
        w.advance(100);
        assertEquals(CallState.ENDED, out.state(), "bob's BYE reached alice");
    }

    /** A registrar that challenges, then says the nonce went stale {@code staleTimes} times, then checks the digest. */
    private static VirtualSipNetwork.Port challengingRegistrar(World w, String ip, int staleTimes, List<String> log) throws Exception {
        VirtualSipNetwork.Port port = w.sip.open(new InetSocketAddress(InetAddress.getByName(ip), 5060));
        int[] nonces = {0};
        port.bindDefault(new SipEndpoint() {
            @Override public void request(Request r, ServerRef tx) {
                if (tx == null || !Request.REGISTER.equals(r.getMethod())) return;
                try {
                    javax.sip.header.AuthorizationHeader auth = (javax.sip.header.AuthorizationHeader) r.getHeader("Authorization");
                    Response resp;
                    if (auth != null && nonces[0] > staleTimes) {
                        String expected = dev.holdfast.endpointsim.phone.DigestCredentials.response("alice", "holdfast", "pw",
                                "REGISTER", auth.getURI().toString(), auth.getNonce(), auth.getQop(), "00000001", auth.getCNonce());
                        boolean good = expected.equals(auth.getResponse()) && auth.getNonce().equals("n" + nonces[0]);
                        log.add(good ? "good" : "bad");
                        resp = port.messages().createResponse(good ? 200 : 403, r);
                        if (good) resp.addHeader((javax.sip.header.Header) r.getHeader("Contact").clone());
                    } else {
                        nonces[0]++;
                        log.add(auth == null ? "challenge" : "stale");
                        resp = port.messages().createResponse(401, r);
                        javax.sip.header.WWWAuthenticateHeader ch = port.headers().createWWWAuthenticateHeader("Digest");
                        ch.setRealm("holdfast");
                        ch.setNonce("n" + nonces[0]);
                        ch.setQop("auth");
                        if (auth != null) ch.setStale(true);
                        resp.addHeader(ch);
                    }
                    ((ToHeader) resp.getHeader(ToHeader.NAME)).setTag("r");
                    tx.respond(resp);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        return port;
    }

    @Test void aStaleNonceIsAnsweredAgainButNotForever() throws Exception {
        World w = new World();
        List<String> log = new ArrayList<>();
        challengingRegistrar(w, "198.18.1.1", 1, log);
        Phone p = w.phone("alice", "198.18.0.1", List.of(new InetSocketAddress("198.18.1.1", 5060)), 1);
        w.advance(100);
        assertEquals(List.of("challenge", "stale", "good"), log);
        assertTrue(p.registered());

        World w2 = new World();
        List<String> log2 = new ArrayList<>();
        challengingRegistrar(w2, "198.18.1.1", 1000, log2); // a registrar that finds every nonce stale
        Phone p2 = w2.phone("alice", "198.18.0.1", List.of(new InetSocketAddress("198.18.1.1", 5060)), 1);
        w2.advance(100);
        assertEquals(List.of("challenge", "stale", "stale", "stale"), log2, "two stale retries, then it gives up");
        assertFalse(p2.registered());
        assertEquals("401 (credentials refused)", p2.registrationError());
    }

    /** A registrar that answers everything 200, at a virtual address. */
    private static VirtualSipNetwork.Port registrar(World w, String ip, int[] registers) throws Exception {
        VirtualSipNetwork.Port port = w.sip.open(new InetSocketAddress(InetAddress.getByName(ip), 5060));
        port.bindDefault(new SipEndpoint() {
            @Override public void request(Request r, ServerRef tx) {
                if (tx == null) return;
                try {
                    Response ok = port.messages().createResponse(200, r);
                    ((ToHeader) ok.getHeader(ToHeader.NAME)).setTag("r");
                    if (Request.REGISTER.equals(r.getMethod())) {
                        registers[0]++;
                        ok.addHeader((javax.sip.header.Header) r.getHeader("Contact").clone());
                    }
                    tx.respond(ok);
                } catch (java.text.ParseException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        return port;
    }

    @Test void failoverToTheAlternateOnTheVirtualClock() throws Exception {
        World w = new World();
        int[] primaryRegisters = {0};
        int[] alternateRegisters = {0};
        VirtualSipNetwork.Port primary = registrar(w, "198.18.1.1", primaryRegisters);
        registrar(w, "198.18.1.2", alternateRegisters);
        Phone p = w.phone("alice", "198.18.0.1", List.of(new InetSocketAddress("198.18.1.1", 5060),
                new InetSocketAddress("198.18.1.2", 5060)), 1);
        w.advance(100);
        assertTrue(p.registered(), p.registrationError() + " " + w.trace + " " + w.sip.delivered() + "/" + w.sip.dropped());
        assertEquals(1, primaryRegisters[0]);
        w.advance(15_000); // keepalives at 10 s intervals, answered
        // registered at 4 ms (2 ms each way); keepalives 10 s after the last answer: sent at 10.004 s, answered
        // at 10.008 s, next sent at 20.008 s
        primary.down(true); // at 15.1 s: the keepalive at 20.008 s goes unanswered for 2 s
        w.advance(6_900); // 22.0 s
        assertEquals(0, p.failovers(), "not before the 2 s request timeout");
        w.advance(20); // 22.02 s: failed over at 22.008 s, REGISTER answered 4 ms later
        assertEquals(1, p.failovers());
        assertTrue(p.registered());
        assertEquals(new InetSocketAddress("198.18.1.2", 5060), p.controller());
        assertEquals(1, alternateRegisters[0]);
        assertTrue(w.trace.contains("22008ms alice failover OPTIONS keepalive timed out"), w.trace.toString());
    }

    /**
     * A controller as the phone sees it in a call: REGISTER, OPTIONS and anything in a dialog get 200; an INVITE gets
     * 200 with its Contact carrying a cookie ({@code hfck}). Every request is recorded.
     */
    private static VirtualSipNetwork.Port controller(World w, String ip, List<Request> seen) throws Exception {
        return controller(w, ip, seen, r -> false, null);
    }

    /** As above; the answers to requests that {@code hold} picks wait in {@code held} until the test runs them. */
    private static VirtualSipNetwork.Port controller(World w, String ip, List<Request> seen,
                                                     java.util.function.Predicate<Request> hold, List<Runnable> held) throws Exception {
        VirtualSipNetwork.Port port = w.sip.open(new InetSocketAddress(InetAddress.getByName(ip), 5060));
        port.bindDefault(new SipEndpoint() {
            @Override public void request(Request r, ServerRef tx) {
                seen.add(r);
                if (tx == null) return;
                if (hold.test(r)) {
                    held.add(() -> answer(r, tx));
                    return;
                }
                answer(r, tx);
            }

            private void answer(Request r, ServerRef tx) {
                try {
                    Response ok = port.messages().createResponse(200, r);
                    ToHeader to = (ToHeader) ok.getHeader(ToHeader.NAME);
                    if (to.getTag() == null) to.setTag("c" + seen.size());
                    if (Request.REGISTER.equals(r.getMethod())) ok.addHeader((javax.sip.header.Header) r.getHeader("Contact").clone());
                    if (Request.INVITE.equals(r.getMethod())) {
                        ok.addHeader(port.headers().createContactHeader(port.addresses().createAddress(
                                "<sip:holdfast@" + ip + ":5060;hfck=COOKIE" + seen.size() + ">")));
                    }
                    tx.respond(ok);
                } catch (java.text.ParseException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        return port;
    }

    private static void subscribe(VirtualSipNetwork.Port from, String ip, Phone phone) throws Exception { subscribe(from, ip, phone, 1); }

    /** A dialog fetch; {@code n} tells fetches apart (each its own Call-ID and branch). */
    private static void subscribe(VirtualSipNetwork.Port from, String ip, Phone phone, int n) throws Exception {
        var af = from.addresses();
        var hf = from.headers();
        Request r = from.messages().createRequest(af.createURI("sip:" + phone.user() + "@198.18.0.1:5060"), Request.SUBSCRIBE,
                hf.createCallIdHeader("sub" + n + "@" + ip), hf.createCSeqHeader(1L, Request.SUBSCRIBE),
                hf.createFromHeader(af.createAddress("sip:holdfast@" + ip), "s" + n),
                hf.createToHeader(af.createAddress("sip:" + phone.user() + "@" + ip), null),
                new ArrayList<>(List.of(hf.createViaHeader(ip, 5060, "udp", "z9hG4bKsub" + n))), hf.createMaxForwardsHeader(70));
        r.addHeader(hf.createContactHeader(af.createAddress("sip:holdfast@" + ip + ":5060")));
        r.addHeader(hf.createEventHeader("dialog"));
        r.addHeader(hf.createExpiresHeader(0));
        from.send(r, new dev.holdfast.endpointsim.sip.SipStackPort.ResponseHandler() {
            @Override public void response(Response response) { }
            @Override public void timeout() { }
            @Override public void failed(String why) { }
        });
    }

    /**
     * After a failover, in-dialog requests of calls set up through the old controller go through the new one (Route
     * to it, Request-URI still the old Contact with its cookie); a BYE lost with the old controller is listed and
     * sent again once the new one has fetched the dialogs.
     */
    @Test void inDialogRequestsFollowTheCurrentControllerAndALostByeIsSentAgain() throws Exception {
        World w = new World();
        List<Request> atPrimary = new ArrayList<>();
        List<Request> atAlternate = new ArrayList<>();
        VirtualSipNetwork.Port primary = controller(w, "198.18.1.1", atPrimary);
        VirtualSipNetwork.Port alternate = controller(w, "198.18.1.2", atAlternate);
        Phone p = w.phone("alice", "198.18.0.1", List.of(new InetSocketAddress("198.18.1.1", 5060),
                new InetSocketAddress("198.18.1.2", 5060)), 1);
        w.advance(100);
        Call kept = p.call("1002");
        Call hungUp = p.call("1003");
        w.advance(100);
        assertEquals(CallState.CONNECTED, kept.state());
        assertEquals(CallState.CONNECTED, hungUp.state());

        primary.down(true);
        p.hangUp(hungUp); // its BYE goes to the primary, which is gone
        // the keepalive finds out; the phone registers with the alternate
        InetSocketAddress alt = new InetSocketAddress("198.18.1.2", 5060);
        for (int i = 0; i < 3000 && !(p.registered() && alt.equals(p.controller())); i++) w.advance(10);
        assertEquals(alt, p.controller());
        assertTrue(atAlternate.stream().noneMatch(r -> r.getMethod().equals(Request.BYE)), "BYE held back until the dialogs are fetched");

        subscribe(alternate, "198.18.1.2", p);
        w.advance(50);
        Request notify = atAlternate.stream().filter(r -> r.getMethod().equals(Request.NOTIFY)).findFirst().orElseThrow();
        String doc = new String(notify.getRawContent(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(doc.contains("call-id=\"" + kept.callId() + "\"") && doc.contains("call-id=\"" + hungUp.callId() + "\""), doc);
        assertTrue(doc.contains("<target uri=\"sip:holdfast@198.18.1.1:5060;hfck=COOKIE"), doc);
        Request bye = atAlternate.stream().filter(r -> r.getMethod().equals(Request.BYE)).findFirst().orElseThrow();
        assertEquals(hungUp.callId(), ((javax.sip.header.CallIdHeader) bye.getHeader("Call-ID")).getCallId());
        assertEquals(1, p.byesDeferred());

        p.hold(kept, false);
        w.advance(50);
        Request reinvite = atAlternate.stream().filter(r -> r.getMethod().equals(Request.INVITE)).findFirst().orElseThrow();
        assertTrue(reinvite.getRequestURI().toString().startsWith("sip:holdfast@198.18.1.1:5060;hfck=COOKIE"), reinvite.getRequestURI().toString());
        assertEquals("<sip:198.18.1.2:5060;lr>", ((javax.sip.header.RouteHeader) reinvite.getHeader("Route")).getAddress().toString());
        // the alternate's 200 carried its own Contact: the dialog's target is the alternate now, no Route needed
        p.hangUp(kept);
        w.advance(50);
        Request last = atAlternate.stream().filter(r -> r.getMethod().equals(Request.BYE)).reduce((a, b) -> b).orElseThrow();
        assertEquals(kept.callId(), ((javax.sip.header.CallIdHeader) last.getHeader("Call-ID")).getCallId());
        assertTrue(last.getRequestURI().toString().startsWith("sip:holdfast@198.18.1.2:5060;hfck=COOKIE"), last.getRequestURI().toString());
        assertEquals(null, last.getHeader("Route"));
    }

    private static final InetSocketAddress PRIMARY = new InetSocketAddress("198.18.1.1", 5060);
    private static final InetSocketAddress ALTERNATE = new InetSocketAddress("198.18.1.2", 5060);

    private static List<String> byes(List<Request> seen) {
        return seen.stream().filter(r -> r.getMethod().equals(Request.BYE))
                .map(r -> ((javax.sip.header.CallIdHeader) r.getHeader("Call-ID")).getCallId()).toList();
    }

    /** A call through the primary; the primary dies; the phone hangs up before it notices, its BYE lost. */
    private static Call connectedThenHungUpWhileThePrimaryIsDead(World w, VirtualSipNetwork.Port primary, Phone p) {
        w.advance(100);
        Call call = p.call("1002");
        w.advance(100);
        assertEquals(CallState.CONNECTED, call.state());
        primary.down(true);
        p.hangUp(call);
        return call;
    }

    /**
     * The alternate fetches the dialogs (SUBSCRIBE, NOTIFY, 200) before its 200 to the phone's REGISTER has reached the
     * phone: a controller sends that SUBSCRIBE right after the 200, from another thread, and it can overtake it. The
     * 200 to the NOTIFY released the held-back BYE while the phone was not registered yet; the BYE was held back again
     * and nothing released it any more. It goes once the registration is done.
     */
    @Test void aByeReleasedByAFetchThatOvertookTheRegisterAnswerGoesOnceRegistered() throws Exception {
        World w = new World();
        List<Request> atPrimary = new ArrayList<>();
        List<Request> atAlternate = new ArrayList<>();
        List<Runnable> held = new ArrayList<>();
        VirtualSipNetwork.Port primary = controller(w, "198.18.1.1", atPrimary);
        VirtualSipNetwork.Port alternate = controller(w, "198.18.1.2", atAlternate,
                r -> r.getMethod().equals(Request.REGISTER), held);
        Phone p = w.phone("alice", "198.18.0.1", List.of(PRIMARY, ALTERNATE), 1);
        Call call = connectedThenHungUpWhileThePrimaryIsDead(w, primary, p);
        for (int i = 0; i < 3000 && held.isEmpty(); i++) w.advance(10);
        assertEquals(ALTERNATE, p.controller(), "failed over; its REGISTER waits at the alternate");
        assertFalse(p.registered());

        subscribe(alternate, "198.18.1.2", p);
        w.advance(50);
        assertTrue(atAlternate.stream().anyMatch(r -> r.getMethod().equals(Request.NOTIFY)), "the dialogs were fetched");
        assertEquals(List.of(), byes(atAlternate), "no BYE before the registration is done");

        held.forEach(Runnable::run);
        w.advance(50);
        assertTrue(p.registered());
        assertEquals(List.of(call.callId()), byes(atAlternate), "the BYE went through the alternate");
        assertEquals(1, p.byesDeferred());
    }

    /**
     * A controller that fetches the dialogs releases the held-back BYEs with its answer to the NOTIFY, however late
     * (a busy controller takes a while to adopt them): a BYE sent on the phone's own timer before that answer would
     * reach a controller that does not know the dialog yet and get 481, and the call would never end there.
     */
    @Test void aByeHeldBackForAFetchWaitsForTheAnswerToTheNotifyNotForATimer() throws Exception {
        World w = new World();
        List<Request> atPrimary = new ArrayList<>();
        List<Request> atAlternate = new ArrayList<>();
        List<Runnable> held = new ArrayList<>();
        VirtualSipNetwork.Port primary = controller(w, "198.18.1.1", atPrimary);
        VirtualSipNetwork.Port alternate = controller(w, "198.18.1.2", atAlternate,
                r -> r.getMethod().equals(Request.NOTIFY), held);
        Phone p = w.phone("alice", "198.18.0.1", List.of(PRIMARY, ALTERNATE), 1);
        Call call = connectedThenHungUpWhileThePrimaryIsDead(w, primary, p);
        for (int i = 0; i < 3000 && !(p.registered() && ALTERNATE.equals(p.controller())); i++) w.advance(10);
        assertTrue(p.registered() && ALTERNATE.equals(p.controller()));

        subscribe(alternate, "198.18.1.2", p);
        w.advance(3 * p.config().requestTimeout().toMillis());
        assertEquals(1, held.size(), "the NOTIFY arrived and waits for its answer");
        assertEquals(List.of(), byes(atAlternate), "no BYE before the alternate has the dialogs");

        held.forEach(Runnable::run);
        w.advance(50);
        assertEquals(List.of(call.callId()), byes(atAlternate), "the BYE went through the alternate");
    }

    /**
     * A primary that answers the phone's INVITE with 100 Trying only (its 180 lost): every INVITE goes into
     * {@code invites}, REGISTER and the rest get 200.
     */
    private static VirtualSipNetwork.Port tryingPrimary(World w, List<Request> invites) throws Exception {
        VirtualSipNetwork.Port port = w.sip.open(PRIMARY);
        port.bindDefault(new SipEndpoint() {
            @Override public void request(Request r, ServerRef tx) {
                if (tx == null) return;
                try {
                    if (Request.INVITE.equals(r.getMethod())) {
                        invites.add(r);
                        tx.respond(port.messages().createResponse(100, r)); // and the 180 never arrives
                        return;
                    }
                    Response ok = port.messages().createResponse(200, r);
                    if (Request.REGISTER.equals(r.getMethod())) ok.addHeader((javax.sip.header.Header) r.getHeader("Contact").clone());
                    tx.respond(ok);
                } catch (java.text.ParseException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        return port;
    }

    /** The alternate's answer to the phone's INVITE it took over: statelessly, to the INVITE's Via, with our tag. */
    private static void answerTakenOver(VirtualSipNetwork.Port alternate, Request invite, int status) throws Exception {
        Response r = alternate.messages().createResponse(status, invite);
        ((ToHeader) r.getHeader(ToHeader.NAME)).setTag("alt1");
        r.addHeader(alternate.headers().createContactHeader(alternate.addresses().createAddress(
                "<sip:holdfast@198.18.1.2:5060;hfck=ALTCOOKIE>")));
        if (status == 200) {
            r.setContent("v=0\r\no=- 1 1 IN IP4 198.18.1.2\r\ns=-\r\nc=IN IP4 198.18.1.2\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=sendrecv\r\n",
                    alternate.headers().createContentTypeHeader("application", "sdp"));
        }
        assertTrue(alternate.resendResponse(r));
    }

    private static String dialogDocument(List<Request> seen) {
        Request notify = seen.stream().filter(r -> r.getMethod().equals(Request.NOTIFY)).reduce((a, b) -> b).orElseThrow();
        return new String(notify.getRawContent(), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test void aTryingInviteIsListedAfterTheFailoverAndAnsweredByTheAlternate() throws Exception {
        World w = new World();
        List<Request> invites = new ArrayList<>();
        List<Request> atAlternate = new ArrayList<>();
        VirtualSipNetwork.Port primary = tryingPrimary(w, invites);
        VirtualSipNetwork.Port alternate = controller(w, "198.18.1.2", atAlternate);
        Phone p = w.phone("alice", "198.18.0.1", List.of(PRIMARY, ALTERNATE), 1);
        w.advance(100);
        Call out = p.call("1002");
        w.advance(100);
        assertEquals(CallState.CALLING, out.state(), "100 Trying only");
        primary.down(true);
        for (int i = 0; i < 3000 && !(p.registered() && ALTERNATE.equals(p.controller())); i++) w.advance(10);
        assertEquals(ALTERNATE, p.controller());

        subscribe(alternate, "198.18.1.2", p, 1);
        w.advance(50);
        String doc = dialogDocument(atAlternate);
        Request invite = invites.get(0);
        String branch = ((javax.sip.header.ViaHeader) invite.getHeader("Via")).getBranch();
        assertTrue(doc.contains("call-id=\"" + out.callId() + "\"") && doc.contains("<state>trying</state>")
                && doc.contains("direction=\"initiator\"") && !doc.contains("remote-tag=")
                && doc.contains("local-cseq=\"1\"") && doc.contains("invite-branch=\"" + branch + "\""), doc);

        answerTakenOver(alternate, invite, 180);
        w.advance(20);
        assertEquals(CallState.RINGBACK, out.state(), "the alternate's 180 reached the INVITE's transaction");
        subscribe(alternate, "198.18.1.2", p, 2);
        w.advance(50);
        assertTrue(dialogDocument(atAlternate).contains("<state>early</state>") && dialogDocument(atAlternate).contains("hfck=ALTCOOKIE"),
                "an early dialog now, with the alternate's cookie: " + dialogDocument(atAlternate));
        answerTakenOver(alternate, invite, 200);
        w.advance(50);
        assertEquals(CallState.CONNECTED, out.state());
        assertTrue(atAlternate.stream().anyMatch(r -> r.getMethod().equals(Request.ACK)), "the ACK went to the alternate");
    }

    /**
     * The user gives up while the INVITE is trying at a dead controller: the CANCEL follows the INVITE there. The
     * INVITE is still listed as trying; when the alternate takes it over and rings, the phone ends that early dialog
     * with BYE through the alternate.
     */
    @Test void aTryingInviteAbandonedAfterTheFailoverIsEndedWhenTakenOver() throws Exception {
        World w = new World();
        List<Request> invites = new ArrayList<>();
        List<Request> atAlternate = new ArrayList<>();
        VirtualSipNetwork.Port primary = tryingPrimary(w, invites);
        VirtualSipNetwork.Port alternate = controller(w, "198.18.1.2", atAlternate);
        Phone p = w.phone("alice", "198.18.0.1", List.of(PRIMARY, ALTERNATE), 1);
        w.advance(100);
        Call out = p.call("1002");
        w.advance(100);
        primary.down(true);
        for (int i = 0; i < 3000 && !(p.registered() && ALTERNATE.equals(p.controller())); i++) w.advance(10);
        p.hangUp(out);
        w.advance(20);
        assertEquals(CallState.ENDED, out.state());
        subscribe(alternate, "198.18.1.2", p, 3);
        w.advance(50);
        assertTrue(dialogDocument(atAlternate).contains("<state>trying</state>"), "still listed: " + dialogDocument(atAlternate));
        answerTakenOver(alternate, invites.get(0), 180);
        w.advance(50);
        assertEquals(List.of(out.callId()), byes(atAlternate), "BYE in the early dialog, through the alternate");
        answerTakenOver(alternate, invites.get(0), 180); // a copy: nothing more
        w.advance(50);
        assertEquals(1, byes(atAlternate).size());
        w.advance(40_000);
        subscribe(alternate, "198.18.1.2", p, 4);
        w.advance(50);
        assertFalse(dialogDocument(atAlternate).contains("<dialog "), "no longer listed: " + dialogDocument(atAlternate));
    }
}
