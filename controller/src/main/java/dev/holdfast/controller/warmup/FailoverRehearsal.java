package dev.holdfast.controller.warmup;

import dev.holdfast.controller.ControllerCore;
import dev.holdfast.controller.call.Call;
import dev.holdfast.controller.call.CallState;
import dev.holdfast.controller.call.CallStructure.Role;
import dev.holdfast.controller.cookie.CallCookie;
import dev.holdfast.controller.cookie.CookieCodec;
import dev.holdfast.controller.cookie.CookieKey;
import dev.holdfast.controller.cookie.CookiePart;
import dev.holdfast.controller.cookie.CookieParty;
import dev.holdfast.controller.core.Command;
import dev.holdfast.controller.core.Event;
import dev.holdfast.controller.provisioning.Provisioning;
import dev.holdfast.h248.message.Transaction;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One rehearsal of an alternate controller's rebuild, on a scratch {@link ControllerCore} of its own (synthetic
 * provisioning, scratch cookie key, its own ids, counters and clock) fed the events the edges would give it: the
 * gateways' ServiceChange Failover and their replies to its audits (contexts carrying real signed cookies), the phones'
 * REGISTERs and their dialog-info NOTIFYs, then the hang-ups that release every call. The core is dropped afterwards;
 * nothing is sent anywhere. What it leaves is compiled code: the same classes run the live failover.
 *
 * <p>The calls: on each gateway basic calls between two of its lines; between each gateway and the next one calls
 * over an inter-gateway connection (IGC) with the caller on either side, so that the merge by FEGI/FECEI runs with
 * either end arriving first; a phone calling a line and a line calling a phone, with the phone registering before its
 * gateway arrives for some and after for others. Gateways arrive in ascending order in even rounds, descending in
 * odd ones.
 */
final class FailoverRehearsal {
    /** What one rehearsal did. {@code problems} is empty when the scratch core rebuilt and released what it should. */
    record Result(int callsExpected, int callsRebuilt, int callsLeft, long dialogsAdopted, List<String> problems) {
        boolean ok() { return problems.isEmpty(); }
    }

    /** Lines per gateway the scratch provisioning has (a rehearsal uses A1-A22). */
    static final int LINES = 24;

    private final ScratchSetup setup;
    private final ControllerCore core;
    private final CookieKey key;
    private final List<ScriptedGateway> gateways = new ArrayList<>();
    private final Map<String, ScriptedGateway> byPeer = new HashMap<>();
    private final List<ScriptedPhone> phones = new ArrayList<>();
    private final Map<String, ScriptedPhone> phoneByCallId = new HashMap<>();
    /** Requests of the phones not answered yet, by the handle their event carries. */
    private final Map<Long, ScriptedPhone> phoneByHandle = new HashMap<>();
    private final ArrayDeque<Event> queue = new ArrayDeque<>();
    private final SipEdgeMessages sipEdge = new SipEdgeMessages();
    private final List<String> problems = new ArrayList<>();
    /** Lines of each call, for the hang-ups: gateway and termination. */
    private final List<String[]> hangUps = new ArrayList<>();
    private long now;
    private long nextTransaction = 1;
    private long nextHandle = 1;
    private long nextKey;
    private int expected;

    FailoverRehearsal(ScratchSetup setup, long seed) {
        this.setup = setup;
        this.core = new ControllerCore(setup.provisioning(), seed);
        // as a controller with the admin API or a cluster has them: the notices run after every event
        core.enableNotices();
        this.key = setup.provisioning().cookieKeyRing().orElseThrow().current();
        this.now = setup.clockStart();
        this.nextKey = seed << 20;
        for (int g = 1; g <= setup.gateways(); g++) {
            ScriptedGateway gw = new ScriptedGateway(ScratchSetup.gatewayName(g), ScratchSetup.gatewayAddress(g));
            gateways.add(gw);
            byPeer.put(gw.peer, gw);
        }
    }

    /** The scratch core (tests look at it). */
    ControllerCore core() { return core; }

    /** Runs the whole rehearsal: calls kept on the gateways and phones, arrivals, rebuild, release. */
    Result run(int round) { return run(round, core -> { }); }

    /** As {@link #run(int)}; {@code rebuilt} looks at the scratch core once every call is rebuilt, before the release. */
    Result run(int round, java.util.function.Consumer<ControllerCore> rebuilt) {
        populate();
        int phonesFirst = phones.size() / 2;
        for (int i = 0; i < phonesFirst; i++) register(phones.get(i));
        List<ScriptedGateway> order = new ArrayList<>(gateways);
        if (round % 2 == 1) java.util.Collections.reverse(order);
        for (ScriptedGateway gw : order) {
            submit(new Event.RequestReceived(tick(), gw.peer, 1, gw.mid, nextHandle++, gw.failover(nextTransaction++, now)));
            drain();
        }
        for (int i = phonesFirst; i < phones.size(); i++) register(phones.get(i));
        int calls = core.calls().calls().size();
        if (calls != expected) problem(calls + " calls rebuilt, " + expected + " expected");
        // every call's structure and the counts, as the admin API gives them (GET /api/calls, /api/status) after a
        // failover: admins and drills read them while the calls are rebuilt
        for (Call c : core.calls().calls()) {
            if (c.structure().parties().isEmpty()) problem(c + " has no parties");
        }
        if (dev.holdfast.controller.admin.AdminServer.callsAndCountsJson(core, now).length == 0) problem("no calls JSON");
        rebuilt.accept(core);
        long adopted = core.sip().counters().get("migration.dialogs.adopted");
        if (adopted != phones.size()) problem(adopted + " phone dialogs adopted, " + phones.size() + " expected");
        for (String[] line : hangUps) {
            ScriptedGateway gw = gateway(line[0]);
            submit(new Event.RequestReceived(tick(), gw.peer, 1, gw.mid, nextHandle++,
                    gw.notify(nextTransaction++, line[1], 1, "al/on")));
            drain();
        }
        int left = core.calls().calls().size();
        if (left != 0) problem(left + " calls left after every party hung up");
        for (ScriptedGateway gw : gateways) {
            if (gw.contexts() != 0) problem(gw.name + " keeps " + gw.contexts() + " contexts after the release");
        }
        if (core.failures() != 0) problem(core.failures() + " events failed in the core");
        return new Result(expected, calls, left, adopted, List.copyOf(problems));
    }

    // ------------------------------------------------------------------------------------------ the calls kept

    private void populate() {
        int g = gateways.size();
        for (int i = 0; i < g; i++) {
            ScriptedGateway a = gateways.get(i);
            ScriptedGateway b = gateways.get((i + 1) % g);
            // basic calls inside the gateway: A1-A8
            for (int line = 1; line <= 8; line += 2) intraCall(a, "A" + line, "A" + (line + 1));
            // IGC calls to the next gateway, the caller on either side: here A9-A11 and A18-A20, there A12-A17
            for (int k = 0; k < 3; k++) {
                igcCall(a, "A" + (9 + k), b, "A" + (12 + k));
                igcCall(b, "A" + (15 + k), a, "A" + (18 + k));
            }
            // phones: one calls a line here, another is called by one
            phoneCall(a, "A21", 2 * i + 1, true);
            phoneCall(a, "A22", 2 * i + 2, false);
        }
    }

    private long newKey() { return nextKey++; }

    private String cookie(long key, List<CookieParty> parties, CookiePart part) {
        // generation 2: set up, then answered; a minute ago
        return CookieCodec.encode(new CallCookie(key, 2, now - 60_000, CallState.CONNECTED, Call.Feature.NONE, null,
                parties, part), this.key);
    }

    private void intraCall(ScriptedGateway gw, String caller, String callee) {
        long k = newKey();
        List<CookieParty> parties = List.of(CookieParty.line(gw.name, caller, Role.CALLER), CookieParty.line(gw.name, callee, Role.CALLEE));
        gw.newContext(List.of(
                new ScriptedGateway.Termination(caller, cookie(k, parties, new CookiePart.Party(0)), null, null),
                new ScriptedGateway.Termination(callee, cookie(k, parties, new CookiePart.Party(1)), null, null)));
        hangUps.add(new String[] {gw.name, caller});
        hangUps.add(new String[] {gw.name, callee});
        expected++;
    }

    private void igcCall(ScriptedGateway a, String caller, ScriptedGateway b, String callee) {
        long k = newKey();
        List<CookieParty> parties = List.of(CookieParty.line(a.name, caller, Role.CALLER), CookieParty.line(b.name, callee, Role.CALLEE));
        String ra = a.newRtpId(), rb = b.newRtpId();
        long ca = a.newContext(new ArrayList<>());
        long cb = b.newContext(new ArrayList<>());
        String sdpA = sdp(a, ra), sdpB = sdp(b, rb);
        a.add(ca, new ScriptedGateway.Termination(caller, cookie(k, parties, new CookiePart.Party(0)), null, null));
        a.add(ca, new ScriptedGateway.Termination(ra, cookie(k, parties, new CookiePart.IgcEnd(b.name, cb, rb, 1)), sdpA, sdpB));
        b.add(cb, new ScriptedGateway.Termination(callee, cookie(k, parties, new CookiePart.Party(1)), null, null));
        b.add(cb, new ScriptedGateway.Termination(rb, cookie(k, parties, new CookiePart.IgcEnd(a.name, ca, ra, 0)), sdpB, sdpA));
        hangUps.add(new String[] {a.name, caller});
        hangUps.add(new String[] {b.name, callee});
        expected++;
    }

    /** A phone and a line in a call: the phone calls ({@code phoneCalls}) or is called. */
    private void phoneCall(ScriptedGateway gw, String line, int phone, boolean phoneCalls) {
        long k = newKey();
        String user = ScratchSetup.phoneUser(phone);
        String callId = "wu" + k + "@" + ScratchSetup.phoneAddress(phone);
        CookieParty p = CookieParty.phone(ScratchSetup.phoneNumber(phone), callId, phoneCalls ? Role.CALLER : Role.CALLEE);
        CookieParty l = CookieParty.line(gw.name, line, phoneCalls ? Role.CALLEE : Role.CALLER);
        List<CookieParty> parties = phoneCalls ? List.of(p, l) : List.of(l, p);
        int pi = phoneCalls ? 0 : 1, li = 1 - pi;
        String rtp = gw.newRtpId();
        long ctx = gw.newContext(new ArrayList<>());
        gw.add(ctx, new ScriptedGateway.Termination(line, cookie(k, parties, new CookiePart.Party(li)), null, null));
        gw.add(ctx, new ScriptedGateway.Termination(rtp, cookie(k, parties, new CookiePart.PhoneRtp(pi)), sdp(gw, rtp),
                ScriptedPhone.sdp(phone)));
        String dialogCookie = cookie(k, parties, new CookiePart.PhoneDialog(pi, gw.name, ctx, rtp));
        ScriptedPhone ph = new ScriptedPhone(sipEdge, phone, callId, phoneCalls, dialogCookie, line);
        phones.add(ph);
        phoneByCallId.put(callId, ph);
        hangUps.add(new String[] {gw.name, line});
        expected++;
    }

    private static String sdp(ScriptedGateway gw, String rtp) {
        String ip = gw.mid instanceof dev.holdfast.h248.message.MId.IpAddress a ? a.address() : "192.0.2.99";
        int port = 20000 + 2 * Math.abs(rtp.hashCode() % 10000);
        return "\nv=0\no=- " + port + " 1 IN IP4 " + ip + "\ns=-\nc=IN IP4 " + ip + "\nt=0 0\nm=audio " + port + " RTP/AVP 0\n";
    }

    // ------------------------------------------------------------------------------------------ the phones

    private void register(ScriptedPhone ph) {
        ph.startRegistration();
        dev.holdfast.controller.sip.SipRequest r;
        while ((r = ph.nextRequest()) != null) {
            sipRequest(ph, r);
            drain();
        }
        if (!ph.adopted()) problem(ph.user() + ": its dialog was not asked for (" + ph.state() + ")");
    }

    private void sipRequest(ScriptedPhone ph, dev.holdfast.controller.sip.SipRequest r) {
        long handle = nextHandle++;
        phoneByHandle.put(handle, ph);
        submit(new Event.SipRequestReceived(tick(), ph.source(), handle, r));
    }

    // ------------------------------------------------------------------------------------------ the core's edge

    private long tick() { return ++now; }

    private void submit(Event e) { queue.add(e); }

    /** Handles queued events (and those their commands cause) until there are none. */
    private void drain() {
        Event e;
        while ((e = queue.poll()) != null) {
            for (Command c : core.handle(e)) command(c);
            core.drainNotices();
        }
    }

    private void command(Command c) {
        if (c instanceof Command.SendRequest s) {
            ScriptedGateway gw = byPeer.get(s.peer());
            if (gw == null) { problem("request to unknown peer " + s.peer()); return; }
            Transaction.Reply reply = gw.exchange(setup.controllerMid(), nextTransaction++, s.actions());
            if (reply == null) {
                problem("a request to " + gw.name + " or its reply did not survive the codec");
                submit(new Event.RequestFailed(tick(), s.token(), "not-sent"));
            } else {
                submit(new Event.ReplyReceived(tick(), s.token(), reply));
            }
        } else if (c instanceof Command.SendErrorReply r) {
            problem("error reply " + r.error().code() + " " + r.error().text());
        } else if (c instanceof Command.SendReply r) {
            // the reply to a ServiceChange or a Notify, as the gateway would read it
            if (ScriptedGateway.wire(dev.holdfast.h248.message.Message.of(1, setup.controllerMid(),
                    Transaction.Reply.of(1, r.actions()))) == null) problem("a reply did not survive the codec");
        } else if (c instanceof Command.SipRespond r) {
            ScriptedPhone ph = phoneByHandle.remove(r.handle());
            if (ph != null && !ph.response(r.reply())) problem("the SIP edge could not write the " + r.reply().status() + " to " + ph.user());
        } else if (c instanceof Command.SipSend s) {
            ScriptedPhone ph = phoneFor(s.request());
            if (ph == null) { problem("SIP request to no phone: " + s.request().method() + " " + s.request().requestUri()); return; }
            if (!ph.sendable(s.request())) problem("the SIP edge could not write the " + s.request().method() + " to " + ph.user());
            var response = ph.request(s.request());
            if (response != null && s.token() != 0) submit(new Event.SipResponseReceived(tick(), s.token(), response));
            dev.holdfast.controller.sip.SipRequest notify = ph.pendingNotify();
            if (notify != null) sipRequest(ph, notify);
        }
        // timers are never fired: the rehearsal ends before any would
    }

    private ScriptedPhone phoneFor(dev.holdfast.controller.sip.SipOutgoingRequest q) {
        ScriptedPhone ph = q.callId() == null ? null : phoneByCallId.get(q.callId());
        if (ph != null) return ph;
        for (ScriptedPhone p : phones) if (p.owns(q)) return p;
        return null;
    }

    private ScriptedGateway gateway(String name) {
        for (ScriptedGateway g : gateways) if (g.name.equals(name)) return g;
        throw new IllegalArgumentException(name);
    }

    private void problem(String p) {
        if (problems.size() < 20) problems.add(p);
    }
}
