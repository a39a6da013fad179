package dev.holdfast.controller.sim;

import dev.holdfast.endpointsim.phone.Call;
import dev.holdfast.endpointsim.phone.CallState;
import dev.holdfast.endpointsim.phone.Phone;
import dev.holdfast.endpointsim.phone.PhoneConfig;
import dev.holdfast.gatewaysim.core.MediaGatewayCore;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One seeded run of call migration with SIP phones (issue 5): the whole system of {@link SimWorld} (two controllers,
 * gateways, the H.248 wire, media) plus endpoint-sim {@link Phone}s on the same virtual clock, talking real SIP text
 * to the controllers' {@link SimSipPort}s. Phones register with the primary (digest), place phone-to-phone and
 * phone-to-line calls; the primary dies; the phones' keepalives fail, they register with the alternate and report
 * their dialogs (dialog-event NOTIFY); the alternate rebuilds the calls with the gateways. Then: every phone call
 * connected at the kill is connected at the alternate with its talk path up, a hang-up ends both sides, nothing is
 * left. The hash covers the H.248 wire and every SIP message sent, for the determinism check.
 *
 * <p>Each seed draws its faults ({@link #run}): on the H.248 side lost messages, delays, late connection closes and
 * gateways slow to reach the alternate, as {@link MigrationSimulation} draws them; on the SIP side lost UDP datagrams
 * (2 or 5 % in four seeds of ten), which the network's RFC 3261 transactions and the user agents' 2xx/ACK
 * retransmission recover as a real stack would. {@link #runWithoutFaults} runs a seed on a lossless network.
 */
final class PhoneMigrationSimulation {
    /** {@code sipLost}: SIP datagrams the seed's faults lost (each recovered by a transaction or dialog sending again). */
    record Result(long seed, List<String> violations, long trace, String summary, long sipLost) {
        boolean ok() { return violations.isEmpty(); }
    }

    /** A call planned: the phone that placed it, its Call, and the other end (a phone, or a gateway line). */
    private record Placed(String what, Phone caller, Call call, Phone calleePhone, SimGatewayNode calleeGateway, String calleeLine) {}

    private final long seed;
    private final SplittableRandom random;
    private final SimWorld w;
    private final List<Phone> phones = new ArrayList<>();
    private final List<Placed> placed = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private final List<String> plan = new ArrayList<>();
    private long sipHash = 17;
    private long sipMessages;
    private long sipLost;
    /** -Dsim.sipTrace=true: every SIP message's first line, CSeq, Call-ID and Via, in the failed seeds' report. */
    private static final boolean TRACE_SIP = Boolean.getBoolean("sim.sipTrace");
    private final List<String> sipTrace = new ArrayList<>();

    private static String header(String text, String name) {
        int at = text.indexOf("\n" + name + ":");
        if (at < 0) return "-";
        int end = text.indexOf('\r', at + 1);
        return text.substring(at + name.length() + 2, end < 0 ? text.length() : end).trim();
    }
    /** This seed's faults on the H.248 side, and the probability that one SIP datagram is lost. */
    private final SimFaults faults;
    private final double sipLoss;
    /** Seeded fault: a party of a connected call hangs up in the first second after the kill (no controller to tell). */
    private final boolean outageHangUp;
    private final SplittableRandom outageDraw;
    /** Seeded fault: 0, or the gateway (1-based) that dies with the primary and never comes back. */
    private final int deadGateway;
    /** The call hung up during the outage, and by whom ("caller", "callee"). */
    private Placed hungUpInOutage;
    private String outageSide;
    private boolean killed;
    /** The callee phone's side of each phone-to-phone call, once answered. */
    private final java.util.Map<Placed, Call> calleeCalls = new java.util.HashMap<>();
    private final java.util.Set<Placed> ringing = new java.util.LinkedHashSet<>();
    /**
     * How long one SIP exchange may take here: at 5 % loss a message and its next copies can all be lost (T1, 2 T1,
     * 4 T1, then every T2), so it is the fifth copy's time, not a round trip.
     */
    private static final Duration SIP_EXCHANGE = Duration.ofSeconds(12);
    /**
     * Calls left ringing whose caller never heard it: the 180 (which carries the controller's tag and the dialog's
     * cookie) was lost, and a provisional response is not sent again (RFC 3261 without 100rel). The caller lists its
     * INVITE as {@code trying}; the alternate takes it over when a call rebuilt from signed cookies (the line's
     * gateway's, or the callee phone's early dialog's) names it, and sends the 180 itself: after the failover the
     * caller hears ring-back like any other (docs/migration.md, "A ringing call whose 180 was lost").
     */
    private final java.util.Set<Placed> unannounced = new java.util.LinkedHashSet<>();
    /** Seeded fault: one dialog cookie in a phone's dialog NOTIFY to the alternate is altered on the way. */
    private final boolean tamperCookie;
    /** The Call-ID of the dialog whose cookie was altered, once it was. */
    private String tamperedCallId;

    private PhoneMigrationSimulation(long seed, boolean withFaults) {
        this.seed = seed;
        this.random = new SplittableRandom(seed ^ 0xF0FEL);
        // the H.248 side's faults as MigrationSimulation draws them (no dead gateway, no H.248 cookie altered: those
        // are MigrationSimulation's), and lost SIP datagrams; from their own generator, so that a seed's calls, kill
        // time and cookie fault are the same with and without them
        SplittableRandom draw = new SplittableRandom(seed ^ 0xFA17L);
        this.faults = !withFaults ? new SimFaults(0.0, 1, 1, false, 0, false, false)
                : new SimFaults(draw.nextInt(10) < 3 ? 0.02 : 0.0, 1 + draw.nextInt(20), 1 + draw.nextInt(300), draw.nextInt(10) < 4, 0, false, false);
        // (its dead gateway is drawn below: SimFaults.deadGateway stays 0, the world does not act on it)
        this.sipLoss = withFaults && draw.nextInt(10) < 4 ? (draw.nextBoolean() ? 0.02 : 0.05) : 0.0;
        this.outageHangUp = withFaults && draw.nextInt(10) < 3;
        this.deadGateway = withFaults && draw.nextInt(100) < 15 ? 1 + draw.nextInt(2) : 0;
        this.outageDraw = draw.split();
        this.w = new SimWorld(seed, 2, 4, faults);
        this.tamperCookie = random.nextInt(4) == 0;
        if (tamperCookie) w.alternate.sip.onArrival = this::tamper;
        // every SIP message sent, in order, goes into the hash; over UDP one in 1/sipLoss is lost (TCP loses none)
        SplittableRandom loss = draw.split();
        w.sip.dropWhen(text -> {
            sipHash = sipHash * 31 + text.hashCode();
            sipMessages++;
            boolean lost = sipLoss > 0 && text.contains("SIP/2.0/UDP") && loss.nextDouble() < sipLoss;
            if (lost) sipLost++;
            if (TRACE_SIP) sipTrace.add(w.nowMillis() + " ms " + (lost ? "LOST " : "") + text.substring(0, text.indexOf('\r'))
                    + " | " + header(text, "CSeq") + " | " + header(text, "Call-ID") + " | " + header(text, "Via"));
            return lost;
        });
    }

    /** One seed with its drawn faults: H.248 loss and delays, slow arrivals at the alternate, lost SIP datagrams. */
    static Result run(long seed) { return run(seed, true); }

    /** One seed on a lossless network with the shortest delays (its calls, kill and cookie fault as {@link #run}'s). */
    static Result runWithoutFaults(long seed) { return run(seed, false); }

    private static Result run(long seed, boolean withFaults) {
        PhoneMigrationSimulation s = new PhoneMigrationSimulation(seed, withFaults);
        try {
            s.runPhases();
        } catch (Exception e) {
            java.io.StringWriter sw = new java.io.StringWriter();
            e.printStackTrace(new java.io.PrintWriter(sw));
            s.violations.add("the simulation threw: " + sw);
        }
        if (TRACE_SIP && !s.violations.isEmpty()) s.violations.add("SIP trace:\n    " + String.join("\n    ", s.sipTrace));
        return new Result(seed, List.copyOf(s.violations), s.w.wire.trace() * 31 + s.sipHash, s.summary(), s.sipLost);
    }

    private String summary() {
        List<String> calls = new ArrayList<>();
        for (Placed p : placed) calls.add(p.what + " " + p.call.state());
        return "seed " + seed + ": " + phones.size() + " phones, calls " + calls + ", " + plan + (killed ? ", primary killed" : "") + (tamperedCallId == null ? "" : ", cookie of dialog " + tamperedCallId + " altered")
                + ", " + faults + ", SIP loss " + sipLoss + ": " + sipLost + " lost, " + w.sip.retransmitted() + " sent again by transactions, "
                + (w.primary.sip.oksAgain + w.alternate.sip.oksAgain) + " controllers' 2xx again"
                + ", SIP messages " + sipMessages + ", alternate SIP port unsupported " + w.alternate.sip.unsupported
                + " send-failed " + w.alternate.sip.sendFailed + ", alternate SIP counters " + w.alternate.core.sip().counters().snapshot()
                + ", virtual time " + w.nowMillis() + " ms";
    }

    private void violation(String v) { violations.add(v); }

    /** Alters one character of the first dialog cookie ({@code hfck}) a NOTIFY brings: its MAC no longer verifies. */
    private void tamper(javax.sip.message.Request r) {
        if (tamperedCallId != null || !"NOTIFY".equals(r.getMethod()) || r.getRawContent() == null) return;
        String body = new String(r.getRawContent(), java.nio.charset.StandardCharsets.UTF_8);
        int at = body.indexOf("hfck=");
        if (at < 0) return;
        int i = at + 5 + 3;
        char c = body.charAt(i);
        String altered = body.substring(0, i) + (c == 'A' ? 'B' : 'A') + body.substring(i + 1);
        try {
            r.setContent(altered, (javax.sip.header.ContentTypeHeader) r.getHeader("Content-Type"));
        } catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("call-id=\"([^\"]+)\"").matcher(body);
        tamperedCallId = m.find() ? m.group(1) : "?";
    }

    private Phone phone(int i) throws Exception {
        InetAddress a = InetAddress.getByName("198.18.0." + i);
        PhoneConfig cfg = PhoneConfig.of("p" + i, "pw-p" + i, List.of(SimWorld.PRIMARY_SIP, SimWorld.ALTERNATE_SIP))
                .withMediaAddress(a)
                // the gateways' probe rate: at the phones' full rate their 300 ms silence limit is shorter than a gateway's interval
                .withProbe(dev.holdfast.sim.rtp.ProbeConfig.atRate(2))
                .withRegistration(Duration.ofMinutes(10), Duration.ofSeconds(2 + random.nextInt(4)), Duration.ofSeconds(2));
        Phone p = new Phone(cfg, w.time, w.sip.open(new InetSocketAddress(a, 5060)), w.media, new SplittableRandom(seed * 977 + i));
        phones.add(p);
        return p;
    }

    private void runPhases() throws Exception {
        w.start();
        int count = 4 + 2 * random.nextInt(2);
        for (int i = 1; i <= count; i++) {
            Phone p = phone(i);
            w.time.schedule(p::start, Duration.ofMillis(random.nextInt(2000)));
        }
        if (!w.runUntil(() -> w.allArmedAt(w.primary) && phones.stream().allMatch(p -> p.registered()
                && SimWorld.PRIMARY_SIP.equals(p.controller())), Duration.ofSeconds(30))) {
            violation("gateways in service and phones registered at the primary: not within 30 s; phones " + registrations());
            return;
        }
        // phone-to-phone calls between pairs, then phone-to-line calls for the rest
        List<Phone> free = new ArrayList<>(phones);
        java.util.Collections.shuffle(free, new java.util.Random(random.nextLong()));
        int pairs = 1 + random.nextInt(free.size() / 2 - 1);
        for (int i = 0; i < pairs; i++) {
            Phone a = free.remove(0), b = free.remove(0);
            Call c = a.call(SimWorld.phoneNumber(phones.indexOf(b) + 1));
            placed.add(new Placed(a.user() + "->" + b.user(), a, c, b, null, null));
        }
        int line = 1;
        while (!free.isEmpty()) {
            Phone a = free.remove(0);
            int g = 1 + random.nextInt(w.gateways.size());
            String term = "A" + line++;
            Call c = a.call(SimWorld.number(g, Integer.parseInt(term.substring(1))));
            placed.add(new Placed(a.user() + "->gw" + g + "/" + term, a, c, null, w.gw(g), term));
        }
        w.run(Duration.ofMillis(300));
        // about a quarter of the calls still ring at the kill (early dialogs the alternate takes over)
        for (Placed p : placed) if (random.nextInt(4) == 0) ringing.add(p);
        for (Placed p : placed) {
            if (p.calleePhone != null) {
                // (a lost INVITE goes again T1 later, and again: a few seconds at most)
                w.runUntil(() -> incoming(p.calleePhone, p.call) != null, SIP_EXCHANGE);
                Call in = incoming(p.calleePhone, p.call);
                if (in == null) { violation(p.what + ": the callee phone has no ringing call"); return; }
                calleeCalls.put(p, in);
                if (!ringing.contains(p)) p.calleePhone.answer(in);
            } else {
                if (!w.runUntil(() -> p.calleeGateway.core.signals(p.calleeLine).contains("al/ri"), SIP_EXCHANGE)) {
                    violation(p.what + ": the line does not ring");
                    return;
                }
                if (!ringing.contains(p)) p.calleeGateway.core.answer(p.calleeLine);
            }
        }
        for (Placed p : ringing) plan.add(p.what + " ringing at the kill");
        if (!w.runUntil(() -> placed.stream().allMatch(p -> ringing.contains(p) ? p.call.state() == CallState.RINGBACK
                || p.call.state() == CallState.CALLING && calleeRings(p) : talking(p)), Duration.ofSeconds(10))) {
            for (Placed p : placed) if (!ringing.contains(p) && !talking(p)) violation(p.what + ": no talk path through the primary: " + p.call.state());
            for (Placed p : ringing) if (p.call.state() != CallState.RINGBACK) violation(p.what + ": no ring-back through the primary: " + p.call.state());
            return;
        }
        // some callers put their call on hold before the kill (a re-INVITE through the primary)
        List<Placed> held = new ArrayList<>();
        for (Placed p : placed) {
            if (!ringing.contains(p) && random.nextInt(3) == 0) {
                p.caller.hold(p.call, false);
                held.add(p);
                plan.add(p.what + " held");
            }
        }
        if (!held.isEmpty() && !w.runUntil(() -> held.stream().allMatch(p -> p.call.onHold() && !p.call.talkPathUp()
                && p.call.mediaDirection() != dev.holdfast.endpointsim.phone.MediaDirection.SENDRECV), SIP_EXCHANGE)) {
            for (Placed p : held) violation(p.what + ": not held through the primary: " + p.call.mediaDirection() + " " + p.call.probeStats());
            return;
        }
        w.run(Duration.ofMillis(1500 + random.nextInt(3000)));

        // the kill (a 180 lost between callee and primary came again with the primary's INVITE: only what is
        // still missing now was lost between the primary and the caller)
        for (Placed p : ringing) {
            if (p.call.state() == CallState.CALLING) {
                unannounced.add(p);
                plan.add(p.what + " ringing, its 180 lost");
            }
        }
        killed = true;
        w.primary.kill(() -> 0);
        if (deadGateway > 0) {
            plan.add("gw" + deadGateway + " dies with the primary");
            w.time.schedule(w.gw(deadGateway)::kill, Duration.ofMillis(outageDraw.nextInt(1000)));
        }
        if (outageHangUp) hangUpDuringTheOutage(held);
        boolean moved = w.runUntil(() -> w.allAliveAt(w.alternate) && phones.stream().allMatch(p -> p.registered()
                && SimWorld.ALTERNATE_SIP.equals(p.controller())), Duration.ofSeconds(60));
        if (!moved) violation("gateways and phones not all at the alternate 60 s after the kill: phones " + registrations());
        w.run(Duration.ofSeconds(3));
        // (a refused cookie on either side leaves that side a talk path only: nobody relays its hang-up)
        if (hungUpInOutage != null && !tampered(hungUpInOutage)) checkEndedAfterTheOutage(hungUpInOutage);
        held.remove(hungUpInOutage);
        for (Placed p : placed) {
            // a dialog whose cookie was refused is kept as a talk path only (docs "Adoption"): not a rebuilt call
            if (tampered(p) || p == hungUpInOutage) continue;
            if (onDeadGateway(p)) {
                // the phone's side is kept (its dialog adopted) waiting for a line that never comes back; or, when the
                // gateway reached the alternate before it died (it dies up to a second after the primary), the
                // alternate knows the call's line is gone and ends the phone's side with a BYE
                CallState expected = ringing.contains(p) ? CallState.RINGBACK : CallState.CONNECTED;
                if (p.call.state() == CallState.ENDED) plan.add(p.what + " ended by the alternate (its gateway died): " + p.call.endReason());
                // its 180 lost: nothing signed vouches for its INVITE unless the gateway reached the alternate first
                else if (unannounced.contains(p) && p.call.state() == CallState.CALLING) plan.add(p.what + " still trying (its gateway died)");
                else if (p.call.state() != expected) violation(p.what + ": its line's gateway never returns; the phone's call is " + p.call.state() + " (" + p.call.endReason() + "), not " + expected);
                continue;
            }
            if (ringing.contains(p)) {
                if (p.call.state() != CallState.RINGBACK) violation(p.what + ": ringing at the kill, caller's call " + p.call.state() + " (" + p.call.endReason() + ") after the failover");
                if (!calleeRings(p)) violation(p.what + ": the callee no longer rings after the failover");
                continue;
            }
            boolean onHold = held.contains(p);
            if (!onHold && p.call.probeStats().lost() != 0) violation(p.what + ": the caller's probe lost packets across the failover: " + p.call.probeStats());
            if (p.call.state() != CallState.CONNECTED) violation(p.what + ": caller's call " + p.call.state() + " (" + p.call.endReason() + ") after the failover");
            else if (onHold && p.call.talkPathUp()) violation(p.what + ": held at the kill, but talking after the failover");
            else if (!onHold && !talking(p)) violation(p.what + ": no talk path after the failover: " + pathDetail(p));
        }
        // held calls are resumed through the alternate (a re-INVITE in the dialog it adopted)
        // calls ringing at the kill: answered, or abandoned by the caller
        for (Placed p : ringing) {
            if (tampered(p)) continue;
            if (onDeadGateway(p)) {
                // nobody will answer: the caller gives up, and the alternate ends the phone's side of it
                if (p.call.state() == CallState.ENDED) continue;
                plan.add(p.what + " abandoned (its line's gateway is dead)");
                p.caller.hangUp(p.call);
                if (!w.runUntil(() -> p.call.state() == CallState.ENDED, SIP_EXCHANGE)) violation(p.what + ": abandoned, still " + p.call.state());
                continue;
            }
            if (random.nextBoolean()) {
                plan.add(p.what + " answered after the failover");
                if (p.calleePhone != null) p.calleePhone.answer(calleeCalls.get(p));
                else p.calleeGateway.core.answer(p.calleeLine);
                if (!w.runUntil(() -> talking(p), SIP_EXCHANGE)) violation(p.what + ": answered after the failover, no talk path: " + pathDetail(p));
            } else {
                plan.add(p.what + " abandoned after the failover");
                p.caller.hangUp(p.call);
                if (!w.runUntil(() -> p.call.state() == CallState.ENDED && (p.calleePhone != null ? calleeCalls.get(p).state() == CallState.ENDED
                        : !p.calleeGateway.core.signals(p.calleeLine).contains("al/ri")), SIP_EXCHANGE)) {
                    violation(p.what + ": abandoned after the failover, but still " + p.call.state() + " / "
                            + (p.calleePhone != null ? calleeCalls.get(p).state() : p.calleeGateway.core.signals(p.calleeLine)));
                }
            }
        }
        held.removeIf(p -> tampered(p) || onDeadGateway(p));
        for (Placed p : held) p.caller.resume(p.call);
        if (!held.isEmpty() && !w.runUntil(() -> held.stream().allMatch(this::talking), SIP_EXCHANGE)) {
            for (Placed p : held) if (!talking(p)) violation(p.what + ": no talk path when resumed after the failover: " + pathDetail(p));
        }

        // hang-up: a random side of each call (both sides of the one whose cookie was refused: nobody relays its BYE)
        for (Placed p : placed) {
            if (p.call.state() == CallState.ENDED && (p.calleePhone == null || calleeCalls.get(p) == null
                    || calleeCalls.get(p).state() == CallState.ENDED)) continue;
            if (onDeadGateway(p)) {
                p.caller.hangUp(p.call); // the only side left
            } else if (tampered(p)) {
                p.caller.hangUp(p.call);
                if (p.calleePhone != null) p.calleePhone.hangUp(calleeCalls.get(p));
                else p.calleeGateway.core.onHook(p.calleeLine);
            } else if (random.nextBoolean() || (p.calleePhone == null && p.calleeGateway == null)) p.caller.hangUp(p.call);
            else if (p.calleePhone != null) {
                Call in = incoming(p.calleePhone, p.call);
                if (in != null) p.calleePhone.hangUp(in);
            } else {
                p.calleeGateway.core.onHook(p.calleeLine);
            }
            w.run(Duration.ofMillis(random.nextInt(200)));
        }
        w.run(Duration.ofSeconds(3));
        // a line whose far end left still hears something: it goes on-hook
        for (SimGatewayNode g : w.gateways) for (String t : g.config.lines()) if (g.core.isOffHook(t)) g.core.onHook(t);
        w.run(Duration.ofSeconds(3));
        // a line left ringing with nobody calling (its caller's early dialog refused) stops at the latest at the
        // no-answer time (seed 32: "What it found" in docs/migration.md)
        long waitFrom = w.time.nanoTime();
        w.runUntil(() -> w.alternate.core.calls().calls().isEmpty(), Duration.ofSeconds(SimWorld.NO_ANSWER_SECONDS + 5));
        long waited = (w.time.nanoTime() - waitFrom) / 1_000_000_000L;
        if (waited > 0) plan.add("calls at the alternate ended " + waited + " s after the hang-up");
        w.run(Duration.ofSeconds(2));
        checkClean();
    }

    /** A random side of a random connected call hangs up at a random time in the first second after the kill. */
    private void hangUpDuringTheOutage(List<Placed> held) {
        List<Placed> connected = new ArrayList<>();
        for (Placed p : placed) if (!ringing.contains(p) && !onDeadGateway(p) && p.call.state() == CallState.CONNECTED) connected.add(p);
        if (connected.isEmpty()) return;
        Placed p = connected.get(outageDraw.nextInt(connected.size()));
        boolean caller = outageDraw.nextBoolean();
        hungUpInOutage = p;
        outageSide = caller ? "caller" : "callee";
        plan.add(p.what + (held.contains(p) ? " (held)" : "") + ": the " + outageSide + " hangs up during the outage");
        w.time.schedule(() -> {
            if (caller) p.caller.hangUp(p.call);
            else if (p.calleePhone != null) p.calleePhone.hangUp(calleeCalls.get(p));
            else p.calleeGateway.core.onHook(p.calleeLine);
        }, Duration.ofMillis(outageDraw.nextInt(1000)));
    }

    /**
     * The hang-up reached the other side through the alternate: a phone's BYE held back until its dialogs were
     * fetched, or the gateway's on-hook reported after its failover; both phones' calls ended, the line out of any
     * context.
     */
    private void checkEndedAfterTheOutage(Placed p) {
        boolean ended = w.runUntil(() -> p.call.state() == CallState.ENDED
                && (p.calleePhone != null ? calleeCalls.get(p).state() == CallState.ENDED : p.calleeGateway.core.contextOf(p.calleeLine) == null),
                Duration.ofSeconds(10));
        if (!ended) {
            violation(p.what + ": the " + outageSide + " hung up during the outage, but after the failover the caller's call is "
                    + p.call.state() + ", the callee " + (p.calleePhone != null ? calleeCalls.get(p).state()
                    : p.calleeGateway.name + "/" + p.calleeLine + " in context " + p.calleeGateway.core.contextOf(p.calleeLine)));
        }
    }

    private boolean onDeadGateway(Placed p) { return deadGateway > 0 && p.calleeGateway == w.gw(deadGateway); }

    private boolean calleeRings(Placed p) {
        if (p.calleePhone == null) return p.calleeGateway.core.signals(p.calleeLine).contains("al/ri");
        Call in = calleeCalls.get(p);
        return in != null && in.state() == CallState.RINGING;
    }

    private boolean tampered(Placed p) {
        if (tamperedCallId == null) return false;
        Call in = calleeCalls.get(p);
        return tamperedCallId.equals(p.call.callId()) || in != null && tamperedCallId.equals(in.callId());
    }

    private static Call incoming(Phone callee, Call outgoing) {
        for (Call c : callee.calls()) if (!c.outgoing() && c.state() != CallState.ENDED) return c;
        return null;
    }

    private boolean talking(Placed p) {
        if (p.call.state() != CallState.CONNECTED || !p.call.talkPathUp()) return false;
        if (p.calleePhone != null) {
            Call in = incoming(p.calleePhone, p.call);
            return in != null && in.state() == CallState.CONNECTED && in.talkPathUp();
        }
        return p.calleeGateway.core.talkPathUp(p.calleeLine);
    }

    private String pathDetail(Placed p) {
        String far = p.calleePhone != null ? "callee phone " + incoming(p.calleePhone, p.call)
                : p.calleeGateway.name + "/" + p.calleeLine + " talk path " + p.calleeGateway.core.talkPathUp(p.calleeLine)
                  + " context " + p.calleeGateway.core.contextOf(p.calleeLine);
        return "caller phone talk path " + p.call.talkPathUp() + " " + p.call.probeStats() + ", " + far
                + "; alternate's calls " + dev.holdfast.controller.CallStructures.byParties(w.alternate.core.calls().calls()).keySet();
    }

    private String registrations() {
        StringBuilder b = new StringBuilder();
        for (Phone p : phones) b.append(p.user()).append(p.registered() ? "@" + p.controller() : " unregistered").append(' ');
        return b.toString();
    }

    private void checkClean() {
        for (Placed p : placed) {
            if (p.call.state() != CallState.ENDED) violation(p.what + ": caller's call still " + p.call.state() + " after the hang-up");
            if (p.calleePhone != null) {
                for (Call c : p.calleePhone.calls()) {
                    if (c.state() != CallState.ENDED) violation(p.what + ": callee's call still " + c.state() + " after the hang-up");
                }
            }
        }
        if (!w.alternate.core.calls().calls().isEmpty()) violation("calls left at the alternate: " + w.alternate.core.calls().calls());
        for (SimGatewayNode g : w.gateways) {
            if (!g.alive()) continue; // died with its contexts
            MediaGatewayCore c = g.core;
            if (!c.contextIds().isEmpty()) violation(g.name + " has contexts left: " + c.contextIds());
            List<String> rtp = new ArrayList<>(c.terminationIds());
            rtp.removeAll(g.config.lines());
            rtp.removeAll(g.config.trunks().keySet());
            if (!rtp.isEmpty()) violation(g.name + " has RTP terminations left: " + rtp);
        }
        // every phone has one dialog in a call connected at the kill: each is reported, adopted with its own cookie
        var sip = w.alternate.core.sip().counters();
        int dialogs = 0;
        for (Placed p : placed) dialogs += (p.calleePhone != null ? 1 : 0) + 1;
        // a caller whose 180 was lost reported its INVITE as trying: taken over without a cookie of its own (its
        // call's signed cookies vouch for it), unless its line's gateway died (then perhaps nothing vouches for it);
        // one whose 180 came in just after the kill reported an early dialog instead
        // (nor when the callee's dialog, which would vouch for it, had its cookie altered)
        long tryingAdopted = sip.get("migration.trying.adopted");
        int unvouched = 0, tamperedUnannounced = 0;
        for (Placed p : unannounced) {
            if (onDeadGateway(p) || tampered(p)) unvouched++;
            if (tampered(p)) tamperedUnannounced++;
        }
        if (tryingAdopted > unannounced.size()) violation(tryingAdopted + " trying INVITEs taken over; " + unannounced.size() + " callers' 180 lost");
        if (sip.get("migration.trying.unmatched") > unvouched) {
            violation(sip.get("migration.trying.unmatched") + " trying INVITEs nothing vouched for; " + unvouched
                    + " to a line on the dead gateway or with the callee's cookie altered");
        }
        int refused = tamperCookie ? 1 : 0;
        if (tamperCookie && tamperedCallId == null) violation("no dialog cookie came in a NOTIFY to alter");
        // (the B2BUA counts a dialog adopted only with its cookie accepted; a refused one is a talk path only)
        // a dialog of the call hung up during the outage is not adopted when the alternate already knows that the call
        // ended (the hanging-up phone reports it so, or the gateway reported the on-hook first): each is counted
        long ended = sip.get("migration.dialog.call-ended");
        int outageDialogs = hungUpInOutage == null ? 0 : hungUpInOutage.calleePhone != null ? 2 : 1;
        int deadDialogs = 0;
        for (Placed p : placed) if (onDeadGateway(p)) deadDialogs++;
        if (ended > outageDialogs + deadDialogs) violation(ended + " dialogs reported for calls already ended; " + outageDialogs
                + " in the call hung up during the outage, " + deadDialogs + " with a line on the dead gateway");
        // (a phone's dialog with a line on the dead gateway may be refused instead: the alternate knows the line is gone)
        long found = sip.get("migration.dialogs.adopted") + ended;
        if (found > dialogs - refused || found < dialogs - refused - deadDialogs - tamperedUnannounced) violation("the alternate adopted " + sip.get("migration.dialogs.adopted") + " dialogs and found " + ended + " of ended calls; " + dialogs + " were established at the kill, " + refused + " with its cookie altered");
        // a refused confirmed dialog is a talk path only, whose BYE is answered; a refused early one just stops ringing
        int talkPathOnly = 0;
        for (Placed p : placed) if (tampered(p) && !ringing.contains(p)) talkPathOnly++;
        if (sip.get("migration.talk-path-only.bye") != talkPathOnly) violation("BYEs in talk-path-only dialogs: " + sip.get("migration.talk-path-only.bye") + ", expected " + talkPathOnly);
        // (a dead gateway's caller whose 180 was lost may have reported nothing the alternate accepted)
        long accepted = sip.get("migration.cookie.accepted");
        if (accepted > dialogs - refused - tryingAdopted || accepted < dialogs - refused - tryingAdopted - unvouched) {
            violation("the alternate accepted " + accepted + " dialog cookies for " + dialogs + " dialogs, " + refused
                    + " altered, " + tryingAdopted + " trying INVITEs taken over without one");
        }
        if (sip.get("migration.cookie.rejected") != refused) violation("the alternate rejected " + sip.get("migration.cookie.rejected") + " cookies; " + refused + " was altered");
        for (SimControllerNode n : List.of(w.primary, w.alternate)) {
            if (n.sip.unsupported != 0 || n.sip.sendFailed != 0) {
                violation(n.name + "'s SIP port: " + n.sip.unsupported + " commands it cannot carry out, " + n.sip.sendFailed + " messages not sent");
            }
            if (n == w.alternate && n.sip.unacknowledged != 0) violation(n.name + ": " + n.sip.unacknowledged + " of its 2xx to INVITEs never acknowledged");
        }
        if (w.alternate.core.failures() != 0) violation("the alternate's core threw " + w.alternate.core.failures() + " times");
        if (w.primary.core.failures() != 0) violation("the primary's core threw " + w.primary.core.failures() + " times");
    }
}
