package dev.holdfast.controller.call;

import dev.holdfast.controller.cookie.CallCookie;
import dev.holdfast.controller.cookie.CookieCodec;
import dev.holdfast.controller.cookie.CookieKeyRing;
import dev.holdfast.controller.cookie.CookiePart;
import dev.holdfast.controller.cookie.CookieParty;
import dev.holdfast.controller.cookie.CookieVerdict;
import dev.holdfast.controller.core.H248;
import dev.holdfast.controller.core.Outcome;
import dev.holdfast.controller.gateway.Gateway;
import dev.holdfast.controller.gateway.Line;
import dev.holdfast.controller.gateway.LineState;
import dev.holdfast.h248.message.ActionReply;
import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.AuditDescriptor;
import dev.holdfast.h248.message.CommandReply;
import dev.holdfast.h248.message.CommandRequest;
import dev.holdfast.h248.message.ContextId;
import dev.holdfast.h248.message.Descriptor;
import dev.holdfast.h248.message.LocalDescriptor;
import dev.holdfast.h248.message.MediaDescriptor;
import dev.holdfast.h248.message.MediaParm;
import dev.holdfast.h248.message.ParmValue;
import dev.holdfast.h248.message.PropertyParm;
import dev.holdfast.h248.message.RemoteDescriptor;
import dev.holdfast.h248.message.RequestedEvent;
import dev.holdfast.h248.message.StreamDescriptor;
import dev.holdfast.h248.message.StreamParm;
import dev.holdfast.h248.message.TerminationId;
import dev.holdfast.h248.message.TerminationStateDescriptor;
import dev.holdfast.h248.message.TerminationStateParm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Rebuilds calls from the cookies their gateways carry (docs/migration.md, "Failover and reconstruction") and merges
 * the parts that arrive on different gateways at different times.
 * <p>
 * A gateway that registers with its state kept is audited ({@code Context=* {AuditValue=* {Audit{Media}}}}). Each
 * context whose cookies verify is a part of a call: the first part of a call to arrive creates the call, with its
 * parties, roles and feature state from the newest cookie, and — from the FEGI/FECEI of each IGC end — the legs it
 * still expects on gateways that have not arrived; each later part confirms an expected leg (or adds one). A gateway
 * that arrives without an expected context has lost it: its parties leave the call as if they had hung up. A
 * gateway that never arrives leaves its legs expected; when the call ends their contexts are subtracted should the
 * gateway come back. A context whose cookies do not verify is kept talk-path-only: nobody's call, left alone until
 * its lines go on-hook.
 */
final class CallMerge {
    private static final System.Logger LOG = System.getLogger(CallMerge.class.getName());
    private static final int RELEASED_KEYS_KEPT = 100_000;

    private final CallProcessor cp;
    private final CookieKeyRing keys;
    /** Keys of calls released since start: a late part of one is a leftover to subtract, not a new call. */
    private final Map<Long, Boolean> releasedKeys = new LinkedHashMap<>(16, 0.75f, false) {
        @Override protected boolean removeEldestEntry(Map.Entry<Long, Boolean> e) { return size() > RELEASED_KEYS_KEPT; }
    };
    /** Talk-path-only contexts: lines there by gateway and context. */
    private final Map<Line, ContextId> untrusted = new LinkedHashMap<>();
    private final Map<String, Long> counters = new TreeMap<>();

    CallMerge(CallProcessor cp, CookieKeyRing keys) {
        this.cp = cp;
        this.keys = keys;
    }

    Map<String, Long> counters() { return Map.copyOf(counters); }

    /** When the last call was rebuilt from cookies (core clock, ms), 0 for never. */
    private long lastRebuiltAt;

    long lastRebuiltAt() { return lastRebuiltAt; }

    private void count(String name) { counters.merge(name, 1L, Long::sum); }

    void released(Call c) { releasedKeys.put(c.key, Boolean.TRUE); }

    /** A focus conference ended here: a late part of it is a leftover, not a conference to rebuild. */
    void conferenceReleased(long key) { releasedKeys.put(key, Boolean.TRUE); }

    /** The line's gateway left this controller: its talk-path-only context is nobody's business here any more. */
    void forget(Line l) {
        untrusted.remove(l);
        leaving.remove(l);
    }

    /** Lines that left their call before the kill (a newer cookie says so) and hear busy until they hang up. */
    private final Set<Line> leaving = new HashSet<>();

    /** The line left its call before the kill and hears busy tone until it hangs up: not armed as idle meanwhile. */
    boolean leaving(Line l) {
        if (!leaving.contains(l)) return false;
        if (l.state() == LineState.LOCKOUT) return true;
        leaving.remove(l);
        return false;
    }

    /** The line is in a context kept talk-path-only. */
    boolean untrusted(Line l) { return untrusted.containsKey(l); }

    // ------------------------------------------------------------------------------------------ audit

    /** Contexts audited per request: one reply with the media of a few hundred contexts would not fit a TPKT frame. */
    static final int CONTEXTS_PER_AUDIT = 16;
    /**
     * Over UDP a reply must fit one datagram (8 KiB by default): the media of 16 contexts took 9-11 KB in a drill,
     * and a reply too large is never sent, so the audit waited for nothing; a conference's context takes about 1 KB.
     */
    static final int CONTEXTS_PER_AUDIT_UDP = 5;

    /**
     * Audits the contexts of a gateway that kept its state, rebuilds and merges what they carry, then runs
     * {@code then}. First the context ids ({@code Context=* {AuditValue=ROOT}}, H.248.1 7.2.5), then the contexts
     * not held by a call here, {@link #CONTEXTS_PER_AUDIT} per request, each {@code AuditValue=*{Audit{Media}}}.
     * {@code then} gets false when the audit failed (no reply, or refused): what the gateway holds is not known.
     */
    void audit(Gateway gw, java.util.function.Consumer<Boolean> then) {
        unclaimed.remove(gw); // what it held before is audited again
        long started = cp.svc.now();
        AuditTimes times = new AuditTimes();
        boolean[] failed = {false};
        ContextIds sent = contextIds.remove(gw);
        java.util.function.Consumer<Outcome> onIds = o -> {
            times.idsAnswered = Math.max(started, sent != null && sent.answeredAt != 0 ? sent.answeredAt : cp.svc.now());
            if (o.reply() == null || o.reply().error() != null) {
                // no reply, or refused as a whole (504: it went to another controller meanwhile): what it holds is not
                // known, and an empty list here would mean every context expected there is gone
                LOG.log(System.Logger.Level.WARNING, () -> gw.name() + ": context audit failed: "
                        + (o.reply() == null ? o.failure() : "error " + o.reply().error().code() + " " + o.reply().error().text()));
                count("merge.audit_failed");
                finish(gw, started, -1, times, then);
                return;
            }
            Set<ContextId> owned = cp.ownedContexts(gw);
            List<ContextId> contexts = new ArrayList<>();
            for (ActionReply a : o.reply().actions()) {
                if (a.contextId().isSpecific() && !owned.contains(a.contextId())) contexts.add(a.contextId());
            }
            if (contexts.isEmpty()) { finish(gw, started, 0, times, then); return; }
            int per = gw.peer() != null && gw.peer().startsWith("udp") ? CONTEXTS_PER_AUDIT_UDP : CONTEXTS_PER_AUDIT;
            int[] outstanding = {(contexts.size() + per - 1) / per};
            times.requests = outstanding[0];
            times.per = per;
            for (int i = 0; i < contexts.size(); i += per) {
                auditBatch(gw, contexts.subList(i, Math.min(contexts.size(), i + per)), ok -> {
                    if (!ok) failed[0] = true;
                    long now = cp.svc.now();
                    if (times.firstBatch == 0) times.firstBatch = now;
                    times.lastBatch = now;
                    if (--outstanding[0] == 0) finish(gw, started, failed[0] ? -1 : contexts.size(), times, then);
                });
            }
        };
        if (sent != null && sent.registration == gw.registrations()) {
            // asked with its registration: answered by now as a rule (its setup's answers came in the same round trip)
            if (sent.outcome != null) onIds.accept(sent.outcome);
            else sent.waiting = onIds;
        } else {
            cp.association.send(gw, List.of(contextIdsRequest()), onIds);
        }
    }

    /** {@code Context=* {AuditValue=ROOT}}: the ids of every context the gateway holds (H.248.1 7.2.5). */
    private static ActionRequest contextIdsRequest() {
        return new ActionRequest(ContextId.ALL, List.of(), List.of(),
                List.of(new CommandRequest(H248.auditValue("ROOT"), true, false)));
    }

    /** A context-id audit sent with a gateway's registration, for the merge's audit once the gateway is in service. */
    private static final class ContextIds {
        final int registration;
        Outcome outcome;
        long answeredAt;
        /** The merge's audit, begun before the answer came. */
        java.util.function.Consumer<Outcome> waiting;

        ContextIds(int registration) { this.registration = registration; }
    }

    /** By gateway: the context-id audit its latest registration sent, until the merge's audit takes it. */
    private final Map<Gateway, ContextIds> contextIds = new HashMap<>();

    /**
     * A gateway that kept its state registered: its context ids are asked now, in the message that carries the
     * registration's own setup requests, so that when it is in service the contexts' audit can begin at once; it
     * was one more round trip to the gateway after it (five in all before a failed-over gateway's calls were
     * rebuilt, now two). What the ids name is read when the audit begins ({@link #audit}), against the calls here
     * then. A newer registration's ids replace these.
     */
    void registering(Gateway gw) {
        ContextIds ids = new ContextIds(gw.registrations());
        contextIds.put(gw, ids);
        cp.association.send(gw, List.of(contextIdsRequest()), o -> {
            ids.outcome = o;
            ids.answeredAt = cp.svc.now();
            java.util.function.Consumer<Outcome> w = ids.waiting;
            ids.waiting = null;
            if (w != null) w.accept(o);
        });
    }

    /**
     * Audits one batch of contexts and merges what they hold; {@code done} gets false when the gateway did not
     * answer. A context can be gone by the time its audit arrives (a call we released subtracted it): the gateway
     * answers it with an error, which ends the transaction (H.248.1 8.2.2), so the contexts after it are asked again.
     */
    private void auditBatch(Gateway gw, List<ContextId> contexts, java.util.function.Consumer<Boolean> done) {
        List<ActionRequest> batch = new ArrayList<>();
        for (ContextId ctx : contexts) {
            batch.add(new ActionRequest(ctx, List.of(), List.of(),
                    List.of(new CommandRequest(H248.auditValue("*", AuditDescriptor.Item.MEDIA), true, false))));
        }
        cp.association.send(gw, batch, ob -> {
            if (ob.reply() == null || ob.reply().error() != null) {
                LOG.log(System.Logger.Level.WARNING, () -> gw.name() + ": context audit failed: "
                        + (ob.reply() == null ? ob.failure() : "error " + ob.reply().error().code() + " " + ob.reply().error().text()));
                count("merge.audit_failed");
                done.accept(false);
                return;
            }
            apply(gw, ob);
            Set<ContextId> answered = new java.util.HashSet<>();
            for (ActionReply a : ob.reply().actions()) answered.add(a.contextId());
            List<ContextId> rest = new ArrayList<>();
            for (ContextId ctx : contexts) if (!answered.contains(ctx)) rest.add(ctx);
            if (!answered.isEmpty() && !rest.isEmpty() && gw.state().reachable()) {
                count("merge.audit_retried");
                auditBatch(gw, rest, done);
            } else {
                done.accept(true);
            }
        });
    }

    /**
     * When the parts of one gateway's audit were answered (core clock, ms; 0: not yet): the summary line gives them
     * as ms from the audit's start, so that a failover's timeline says which round trip the time went to.
     */
    private static final class AuditTimes {
        long idsAnswered, firstBatch, lastBatch;
        int requests, per;

        String since(long started) {
            if (idsAnswered == 0) return "";
            if (requests == 0) return "; context ids answered after " + (idsAnswered - started) + " ms";
            return "; context ids answered after " + (idsAnswered - started) + " ms, then " + requests + " requests of "
                    + per + " contexts at once, answered " + (firstBatch - started) + "-" + (lastBatch - started) + " ms";
        }
    }

    /** @param contexts how many were audited; -1: the audit failed (what the gateway holds is not known) */
    private void finish(Gateway gw, long started, int contexts, AuditTimes times, java.util.function.Consumer<Boolean> then) {
        try {
            List<Gateway> settle = new ArrayList<>(farAlreadyHere);
            farAlreadyHere.clear();
            List<Gateway> all = new ArrayList<>(settle);
            if (contexts >= 0) all.add(gw);
            // the calls expecting legs there, found in one pass over the calls for all of them (it was one pass per
            // gateway: gateways x calls at every audit's end, a large share of the alternate's CPU while it rebuilt
            // thousands of calls from 100 gateways: JFR)
            Map<Gateway, List<Call>> expecting = expectingOn(all);
            for (Gateway g : settle) {
                // a line-less context with bad cookies audited there before this gateway's parts named it
                Map<ContextId, List<Audited>> waiting = unclaimed.get(g);
                if (waiting != null) waiting.entrySet().removeIf(e -> claimedByFarEnd(g, e.getKey(), e.getValue()));
                missingContexts(g, expecting.getOrDefault(g, List.of()));
            }
            if (contexts >= 0) missingContexts(gw, expecting.getOrDefault(gw, List.of()));
            if (contexts >= 0 && !mixed.isEmpty()) hostsChecked(gw);
            long took = cp.svc.now() - started;
            long rebuilt = counters.getOrDefault("merge.calls_rebuilt", 0L);
            long registered = gw.registeringSince();
            LOG.log(System.Logger.Level.INFO, () -> gw.name() + ": " + contexts + " contexts audited and merged in " + took
                    + " ms (" + rebuilt + " calls rebuilt from cookies so far; audit began " + (started - registered)
                    + " ms after its ServiceChange" + times.since(started) + ")");
        } finally {
            then.accept(contexts >= 0);
        }
    }

    /** A gateway came back without its state (cold restart): every leg expected there is gone. */
    void arrivedWithoutState(Gateway gw) { missingContexts(gw, expectingOn(List.of(gw)).getOrDefault(gw, List.of())); }

    /** One termination as the audit returned it. */
    private record Audited(String termination, String cookie, String local, String remote) {}

    /** Line-less contexts with bad cookies no call named yet, by gateway: a far end arriving later may claim them. */
    private final Map<Gateway, Map<ContextId, List<Audited>>> unclaimed = new LinkedHashMap<>();

    /** Far gateways already here (and audited) that a rebuilt call expected a leg on: settled after this audit. */
    private final Set<Gateway> farAlreadyHere = new LinkedHashSet<>();

    private void apply(Gateway gw, Outcome o) {
        for (ActionReply a : o.reply().actions()) {
            ContextId ctx = a.contextId();
            if (!ctx.isSpecific()) continue;
            List<Audited> terms = new ArrayList<>();
            for (CommandReply r : a.replies()) {
                if (!(r instanceof CommandReply.Audit au) || au.terminationIds().isEmpty()) continue;
                String t = au.terminationIds().get(0).value();
                if (t.equals("*") || t.equals("$")) continue;
                terms.add(audited(t, au.terminationAudit()));
            }
            if (!terms.isEmpty()) context(gw, ctx, terms);
        }
    }

    private static Audited audited(String t, List<Descriptor> ds) {
        String cookie = null, local = null, remote = null;
        for (Descriptor d : ds) {
            if (!(d instanceof MediaDescriptor m)) continue;
            for (MediaParm p : m.parms()) {
                if (p instanceof TerminationStateDescriptor ts) {
                    for (TerminationStateParm x : ts.parms()) {
                        if (x instanceof PropertyParm pp && pp.name().equalsIgnoreCase(CookieStamper.PROPERTY)
                                && pp.value() instanceof ParmValue.Single s) cookie = ParmValue.unquote(s.value());
                    }
                } else if (p instanceof StreamDescriptor sd) {
                    for (StreamParm sp : sd.parms()) {
                        if (sp instanceof LocalDescriptor l) local = l.sdp();
                        if (sp instanceof RemoteDescriptor r) remote = r.sdp();
                    }
                } else if (p instanceof LocalDescriptor l) {
                    local = l.sdp();
                } else if (p instanceof RemoteDescriptor r) {
                    remote = r.sdp();
                }
            }
        }
        return new Audited(t, cookie, local, remote);
    }

    /** One context of an arriving gateway: the parts of calls it holds, or a talk-path-only context. */
    private void context(Gateway gw, ContextId ctx, List<Audited> terms) {
        Map<Long, List<Map.Entry<Audited, CallCookie>>> byKey = new LinkedHashMap<>();
        List<Audited> rejected = new ArrayList<>();
        for (Audited t : terms) {
            if (t.cookie == null) {
                count("cookie.missing");
                rejected.add(t);
                continue;
            }
            CookieVerdict v = CookieCodec.verify(t.cookie, keys, cp.svc.now());
            if (v instanceof CookieVerdict.Accepted ok) {
                count("cookie.accepted");
                byKey.computeIfAbsent(ok.cookie().callKey(), k -> new ArrayList<>()).add(Map.entry(t, ok.cookie()));
            } else if (v instanceof CookieVerdict.Rejected no) {
                count("cookie.rejected." + no.reason().name().toLowerCase(java.util.Locale.ROOT));
                LOG.log(System.Logger.Level.WARNING, () -> gw.name() + " context " + ctx + " termination "
                        + t.termination + ": cookie rejected (" + no.reason() + ": " + no.detail() + "): kept talk-path-only");
                rejected.add(t);
            }
        }
        // a focus conference's parts (docs/migration.md, "Conferences"): the conference is the focus's to rebuild,
        // once the calls of the lines moved into its context are rebuilt from their own cookies below
        List<Map.Entry<String[], CallCookie>> conference = new ArrayList<>();
        for (java.util.Iterator<Map.Entry<Long, List<Map.Entry<Audited, CallCookie>>>> it = byKey.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, List<Map.Entry<Audited, CallCookie>>> e = it.next();
            if (e.getValue().get(0).getValue().feature() != Call.Feature.FOCUS) continue;
            it.remove();
            if (releasedKeys.containsKey(e.getKey())) {
                count("merge.leftover_conference_parts");
                continue;
            }
            for (Map.Entry<Audited, CallCookie> p : e.getValue()) {
                Audited t = p.getKey();
                conference.add(Map.entry(new String[] {t.termination, t.local, t.remote}, p.getValue()));
            }
        }
        Call owner = null;
        for (Map.Entry<Long, List<Map.Entry<Audited, CallCookie>>> e : byKey.entrySet()) {
            long key = e.getKey();
            if (releasedKeys.containsKey(key) && !conference.isEmpty()) {
                count("merge.leftover_contexts"); // its line is in a conference's context: the conference decides
                continue;
            }
            if (releasedKeys.containsKey(key)) {
                // a part of a call that ended while this gateway was away: a leftover
                count("merge.leftover_contexts");
                LOG.log(System.Logger.Level.INFO, () -> gw.name() + " context " + ctx + ": leftover of released call key " + Long.toHexString(key));
                cp.subtractContext(gw, ctx);
                return;
            }
            Call c = cp.callByKey(key);
            if (c != null && !c.migrated) continue; // ours all along
            List<Map.Entry<Audited, CallCookie>> parts = e.getValue();
            CallCookie newest = parts.get(0).getValue();
            for (Map.Entry<Audited, CallCookie> p : parts) if (p.getValue().generation() > newest.generation()) newest = p.getValue();
            if (c == null) {
                c = create(newest);
                if (c == null && !conference.isEmpty()) continue;
                if (c == null) { untrustedContext(gw, ctx, terms); return; }
            } else if (newest.generation() > c.generation && c.generation == c.mergedGeneration) {
                if (notCarriedOut(c, newest, gw, null)) {
                    // kept as its host's gateway has it; every part is written again, above the generation not taken
                    count("merge.newer_part_not_on_host");
                    c.generation = newest.generation() + 1;
                    c.mergedGeneration = c.generation;
                } else {
                    newer(c, newest, newest.generation());
                }
            } else if (newest.generation() > c.generation) {
                // the call changed here since it was rebuilt: its cookies are this controller's now (the stamper
                // writes them over this part's)
                count("merge.newer_part_after_change");
            }
            for (Map.Entry<Audited, CallCookie> p : parts) if (p.getValue().generation() != c.generation) mixed.add(c);
            confirm(c, gw, ctx, parts, terms);
            owner = c;
        }
        if (!conference.isEmpty()) {
            // bad cookies in a conference's context: a line stays talk-path-only as anywhere, an RTP termination keeps
            // mixing as nobody's member and goes with the conference
            List<Audited> lines = new ArrayList<>();
            List<String> others = new ArrayList<>();
            for (Audited t : rejected) {
                if (gw.line(t.termination) != null) lines.add(t); else others.add(t.termination);
            }
            if (!lines.isEmpty()) untrustedContext(gw, ctx, lines);
            if (!others.isEmpty()) count("merge.conference_untrusted_terminations");
            count("merge.conferences_rebuilt");
            cp.conferenceArrived(gw, ctx, conference, others);
            return;
        }
        if (byKey.isEmpty() && !rejected.isEmpty()) {
            if (!claimedByFarEnd(gw, ctx, rejected)) {
                untrustedContext(gw, ctx, rejected);
                boolean lineless = rejected.stream().allMatch(t -> gw.line(t.termination) == null);
                if (lineless) unclaimed.computeIfAbsent(gw, g -> new LinkedHashMap<>()).put(ctx, rejected);
            }
        }
        else if (owner != null && !rejected.isEmpty()) unverifiedInCallContext(owner, gw, ctx, rejected);
    }

    // ------------------------------------------------------------------------------------------ rebuild

    /**
     * A phone's dialog arrived before the gateway its media goes to: the call is rebuilt from the dialog's cookie,
     * with the gateway's context (the phone's RTP termination and the lines there) expected where the cookie says;
     * the gateway's own parts confirm it when it arrives. Null when the call cannot be rebuilt here (a party busy
     * in another call, a gateway not provisioned, or a call that ended meanwhile).
     */
    /** A phone's dialog whose call is not here: did the call end here (released, or its gateway came back without it)? */
    boolean endedBeforeDialog(dev.holdfast.controller.sip.DialogCookie d) {
        if (releasedKeys.containsKey(d.callKey())) return true;
        Gateway gw = d.gateway() == null ? null : cp.association.gateway(d.gateway());
        return gw != null && cp.arrived(gw); // its gateway was audited here without the call: it is gone
    }

    Call fromDialog(dev.holdfast.controller.sip.DialogCookie d) {
        if (releasedKeys.containsKey(d.callKey()) || d.gateway() == null) return null;
        Gateway gw = cp.association.gateway(d.gateway());
        if (gw == null || d.termination() == null || cp.arrived(gw)) return null; // arrived without it: the call is gone
        List<CookieParty> parties = new ArrayList<>();
        for (var p : d.parties()) {
            CookieParty.Kind kind = CookieParty.Kind.valueOf(p.kind());
            parties.add(new CookieParty(kind, kind == CookieParty.Kind.PHONE ? null : p.gateway(), p.id(), p.role(), null,
                    kind == CookieParty.Kind.PHONE ? p.callId() : null));
        }
        CallCookie n = new CallCookie(d.callKey(), d.generation(), d.stateSince(), d.state(), d.feature(), null, parties,
                new CookiePart.PhoneDialog(d.partyIndex(), d.gateway(), d.context(), d.termination()));
        Call c = create(n);
        if (c == null || c.sip == null) return c;
        Call.Leg leg = new Call.Leg(gw);
        leg.context = d.context() == null ? null : ContextId.of(d.context());
        expect(c, leg);
        c.legs.add(leg);
        for (Line l : c.parties.keySet()) if (l.gateway() == gw) leg.terminations.add(l.termination());
        Call.IgcEnd e = new Call.IgcEnd(leg);
        e.rtp = d.termination();
        leg.terminations.add(e.rtp);
        c.sip.rtp = e;
        c.igcs.add(e);
        if (c.caller == null) c.igcB = e; else c.igcA = e;
        count("merge.calls_from_dialogs");
        return c;
    }

    /** A call as its newest cookie describes it; its legs come as their contexts are confirmed. */
    private Call create(CallCookie n) {
        Map<CookieParty, Line> lines = partyLines(n, null);
        if (lines == null) return null;
        Line caller = null, callee = null;
        if (!featured(n)) {
            for (Map.Entry<CookieParty, Line> e : lines.entrySet()) {
                if (e.getKey().role() == CallStructure.Role.CALLER) caller = e.getValue();
                if (e.getKey().role() == CallStructure.Role.CALLEE) callee = e.getValue();
            }
        }
        Call c = cp.newMigratedCall(n.callKey(), caller, callee);
        c.migrated = true;
        c.rebuiltAt = cp.svc.now();
        describe(c, n, lines);
        cp.register(c);
        if (!c.featured) cp.restoreNoAnswer(c);
        else cp.restoreConsultNoAnswer(c);
        count("merge.calls_rebuilt");
        lastRebuiltAt = cp.svc.now();
        // one line per call only at DEBUG: at 10,000 calls the console handler's flush per line was most of the time
        // spent rebuilding a call (JFR, drill of 1,000 calls); the gateway's summary line says how many
        LOG.log(System.Logger.Level.DEBUG, () -> c + ": rebuilt from cookies (key " + Long.toHexString(c.key) + ")");
        return c;
    }

    /** A call uses features when its cookie says so, or when a party has a role a basic call does not have. */
    private static boolean featured(CallCookie n) {
        if (n.feature() != Call.Feature.NONE) return true;
        for (CookieParty p : n.parties()) {
            if (p.role() != CallStructure.Role.CALLER && p.role() != CallStructure.Role.CALLEE) return true;
        }
        return false;
    }

    /**
     * The lines of the cookie's parties (phones and parties not provisioned here left out), or null when one of them
     * is in a call other than {@code self}.
     */
    private Map<CookieParty, Line> partyLines(CallCookie n, Call self) {
        Map<CookieParty, Line> lines = new LinkedHashMap<>();
        for (CookieParty p : n.parties()) {
            if (p.kind() == CookieParty.Kind.PHONE) continue;
            Gateway g = cp.association.gateway(p.gateway());
            Line l = g == null ? null : g.line(p.termination());
            if (l == null) {
                LOG.log(System.Logger.Level.WARNING, () -> "call key " + Long.toHexString(n.callKey()) + ": party "
                        + p.gateway() + "/" + p.termination() + " is not provisioned here");
                count("merge.unknown_party");
                continue;
            }
            Call other = cp.callOf(l);
            if (other != null && other != self) {
                LOG.log(System.Logger.Level.WARNING, () -> "call key " + Long.toHexString(n.callKey()) + ": " + l
                        + " is already in " + other);
                count("merge.party_in_other_call");
                return null;
            }
            lines.put(p, l);
        }
        return lines;
    }

    /**
     * The call-level content of cookie {@code n} (state, feature, parties and their roles) given to the call: at
     * its creation, and again when a part with a newer generation arrives. Where each party is (legs, IGC ends)
     * is not in it: that comes from the parts themselves.
     */
    private void describe(Call c, CallCookie n, Map<CookieParty, Line> lines) {
        c.featured = c.featured || featured(n);
        c.feature(n.feature());
        c.state(n.state());
        c.consultState = n.consultState();
        c.generation = n.generation();
        c.mergedGeneration = n.generation();
        c.mergedFrom = n;
        c.stateSince = n.stateSince();
        // what the cookies say is what this call's cookies last said: unless the rebuilt call differs from it, its
        // generation stays and no part is written again (a drill of 1,000 calls: every part of every rebuilt call
        // was rewritten with generation + 1, up to 15 KB of cookie Modifies per request to a gateway, too large for
        // a datagram: never sent, and the gateway was declared lost)
        c.cookieContent = new CallCookies.Content(n.state(), n.feature(), n.consultState(), n.parties());
        for (CookieParty p : n.parties()) {
            if (p.kind() == CookieParty.Kind.PHONE) {
                if (c.sip != null) continue; // known already (and perhaps adopted by the SIP side): kept
                Call.SipParty s = p.role() == CallStructure.Role.CALLER
                        ? new Call.SipParty(p.termination(), p.extra(), null) : new Call.SipParty(p.termination());
                if (s.callId == null) s.callId = p.extra();
                s.gone = true; // until the SIP side adopts the phone's dialog
                c.sip = s;
                continue;
            }
            Line l = lines.get(p);
            if (l == null) continue;
            c.parties.put(l, p.role());
            if (p.roleBeforeHold() != null) {
                if (c.rolesBeforeHold == null) c.rolesBeforeHold = new LinkedHashMap<>();
                c.rolesBeforeHold.put(l, p.roleBeforeHold());
            }
            switch (p.role()) {
                case HOST -> c.host = l;
                case HELD -> c.held = l;
                case CONSULTED -> c.consulted = l;
                case CONFEREE -> c.conferees.add(l);
                // a transfer during ringing: the held party calls the consulted one (CallFeatures.transfer)
                case CALLER -> { if (c.feature == Call.Feature.TRANSFER_RINGING) c.held = l; }
                case CALLEE -> { if (c.feature == Call.Feature.TRANSFER_RINGING) c.consulted = l; }
                default -> { }
            }
            if (l.trunk() && p.role() == CallStructure.Role.CALLEE && p.extra() != null) c.outpulse = p.extra();
            boolean ringing = c.state == CallState.SETUP && p.role() == CallStructure.Role.CALLEE
                    || l == c.consulted && c.consultState != CallState.CONNECTED;
            l.offHook(l.trunk() || !ringing);
            l.state(LineState.IN_CALL);
        }
        if (c.feature == Call.Feature.TRANSFER_RINGING) {
            // the cookie's SETUP stands for RINGING (CallCookies): the call and its consultation ring
            c.state(CallState.RINGING);
            c.consultState = CallState.RINGING;
        }
        if (c.rolesBeforeHold != null) {
            // a party's role before hold is only written for parties that had one; the map holds all of them
            for (Line l : c.parties.keySet()) c.rolesBeforeHold.putIfAbsent(l, c.parties.get(l));
        }
    }

    /**
     * A part whose cookie is newer than the one the call was built from (the primary died between writing one
     * gateway's cookies and another's, or an older cookie's retransmission overtook a newer one): the call takes the
     * newer call-level content (state, feature, parties and roles), as if that part had arrived first. Where the
     * parties are stays what the parts audited so far say; the feature's places on the host's gateway are derived
     * again once this part is confirmed. Refused (the call keeps its content) when a party it adds is in another
     * call here.
     */
    private void newer(Call c, CallCookie n, int generation) {
        Map<CookieParty, Line> lines = partyLines(n, c);
        if (lines == null) {
            count("merge.newer_part_refused");
            return;
        }
        if (generation == n.generation()) count("merge.newer_part");
        CallState was = c.state;
        Set<Line> before = new LinkedHashSet<>(c.parties.keySet());
        c.parties.clear();
        c.conferees.clear();
        c.rolesBeforeHold = null;
        c.host = null;
        c.held = null;
        c.consulted = null;
        c.heldLeg = null;
        c.heldTerm = null;
        c.consultLeg = null;
        c.consultTerm = null;
        c.outpulse = null;
        describe(c, n, lines);
        c.generation = generation;
        c.mergedGeneration = generation;
        if (!featured(n)) {
            for (Map.Entry<CookieParty, Line> e : lines.entrySet()) {
                if (e.getKey().role() == CallStructure.Role.CALLER) c.caller = e.getValue();
                if (e.getKey().role() == CallStructure.Role.CALLEE) c.callee = e.getValue();
            }
        }
        for (Line l : before) {
            if (c.parties.containsKey(l)) continue;
            // no longer a party as the newer part says (dropped, or transferred away): its termination, should an
            // audited context hold it, stays in the leg and leaves with the call
            cp.callOf.remove(l, c);
        }
        for (Line l : c.parties.keySet()) cp.callOf.put(l, c);
        if (c.state == CallState.CONNECTED && was != CallState.CONNECTED) {
            cp.svc.cancelTimer(c.noAnswerTimer);
            c.noAnswerTimer = 0;
            if (c.cdr.answeredAt == 0) c.cdr.answeredAt = c.stateSince > 0 ? c.stateSince : cp.svc.now();
        }
        boolean consultRinging = c.consulted != null && (c.feature == Call.Feature.TRANSFER_RINGING
                || c.consultState != null && c.consultState != CallState.CONNECTED);
        if (!consultRinging && c.consultTimer != 0) {
            cp.svc.cancelTimer(c.consultTimer);
            c.consultTimer = 0;
        }
        if (!c.featured) cp.restoreNoAnswer(c);
        else cp.restoreConsultNoAnswer(c);
        LOG.log(System.Logger.Level.INFO, () -> c + ": cookie of generation " + n.generation() + " taken");
    }

    /** Calls whose parts carry different generations: their content is checked when a host's gateway is audited. */
    private final Set<Call> mixed = new LinkedHashSet<>();

    /**
     * Whether cookie {@code n}'s feature state was announced to other gateways but never carried out on its host's
     * gateway. Features are carried out there, their cookies in the same transaction (CookieStamper); the other
     * gateways get cookie-only Modifies in parallel, which can arrive when the host's transaction was lost (UDP) and
     * the primary died before it was sent again. Known once the host's gateway has been audited ({@code audited},
     * or arrived): the newest of the call's parts there is the generation before {@code n}, and {@code n} differs
     * from it by a change made on the host's gateway alone ({@link #hostOnly}). {@code from}: the gateway
     * {@code n} came from (its parts are not counted yet).
     */
    private boolean notCarriedOut(Call c, CallCookie n, Gateway from, Gateway audited) {
        Gateway hg = hostGateway(n);
        if (hg == null || hg == from || !(hg == audited || cp.arrived(hg))) return false;
        CallCookie on = newestOn(c, hg);
        return on != null && hostOnly(on, n);
    }

    /**
     * Whether {@code to} follows {@code from} by a change carried out on the host's gateway alone (no command to
     * another gateway): a hold, a flash during a consultation or a conference and back, the conference itself. Any
     * other change may have been carried out in part on other gateways (a consulted party's answer: its own
     * gateway connected it, the host's did not hear of it), and the newer content stays.
     */
    private static boolean hostOnly(CallCookie from, CallCookie to) {
        if (to.generation() != from.generation() + 1 || !java.util.Objects.equals(from.consultState(), to.consultState())
                || from.state() != to.state() || from.parties().size() != to.parties().size()) return false;
        for (int i = 0; i < from.parties().size(); i++) {
            CookieParty a = from.parties().get(i), b = to.parties().get(i);
            if (a.kind() != b.kind() || !java.util.Objects.equals(a.gateway(), b.gateway())
                    || !a.termination().equals(b.termination())) return false;
        }
        Call.Feature a = from.feature(), b = to.feature();
        return a == Call.Feature.NONE && b == Call.Feature.HOLD
                || a == Call.Feature.CONSULT && b == Call.Feature.CONSULT_RECALL
                || a == Call.Feature.CONSULT_RECALL && (b == Call.Feature.CONSULT || b == Call.Feature.CONFERENCE)
                || a == Call.Feature.CONFERENCE && b == Call.Feature.CONFERENCE_RECALL
                || a == Call.Feature.CONFERENCE_RECALL && b == Call.Feature.CONFERENCE;
    }

    /** The gateway of the cookie's host (a line or trunk), or null. */
    private Gateway hostGateway(CallCookie n) {
        for (CookieParty p : n.parties()) {
            if (p.role() == CallStructure.Role.HOST && p.kind() != CookieParty.Kind.PHONE) return cp.association.gateway(p.gateway());
        }
        return null;
    }

    /** The newest cookie among the call's parts on {@code gw}, or null. */
    private static CallCookie newestOn(Call c, Gateway gw) {
        CallCookie best = null;
        for (Map.Entry<Object, CallCookie> e : c.stamped.entrySet()) {
            Gateway g = e.getKey() instanceof Line l ? l.gateway() : e.getKey() instanceof Call.IgcEnd ie ? ie.leg.gateway : null;
            if (g == gw && (best == null || e.getValue().generation() > best.generation())) best = e.getValue();
        }
        return best;
    }

    /**
     * After {@code gw}'s audit: a call whose content came from a cookie its host's gateway (this one) never carried
     * out goes back to the newest content that gateway has, with a generation above every part's, so that all its
     * parts are written again with it.
     */
    private void hostsChecked(Gateway gw) {
        for (Call c : List.copyOf(mixed)) {
            if (cp.call(c.id()) != c || c.generation != c.mergedGeneration || c.mergedFrom == null) {
                mixed.remove(c);
                continue;
            }
            if (notCarriedOut(c, c.mergedFrom, null, gw)) {
                CallCookie back = newestOn(c, hostGateway(c.mergedFrom));
                Map<CookieParty, Line> lines = partyLines(back, c);
                if (lines != null) {
                    count("merge.newer_part_not_on_host");
                    int top = c.generation;
                    for (CallCookie k : c.stamped.values()) top = Math.max(top, k.generation());
                    newer(c, back, top + 1);
                    staleLines(c);
                    restoreFeatureLegs(c);
                    if (!expecting(c)) cp.touch(c);
                }
            }
            if (!expecting(c)) mixed.remove(c);
        }
    }

    /** The parts found in one context confirm (or add) the call's leg there, its IGC ends and their far ends. */
    private void confirm(Call c, Gateway gw, ContextId ctx, List<Map.Entry<Audited, CallCookie>> parts,
                         List<Audited> audited) {
        Call.Leg leg = null;
        for (Call.Leg l : c.legs) if (l.gateway == gw && ctx.equals(l.context)) leg = l;
        if (leg == null) {
            leg = new Call.Leg(gw);
            leg.context = ctx;
            c.legs.add(leg);
        }
        leg.expected = false;
        if (c.migrated) c.rebuiltAt = cp.svc.now();
        lines(c, leg, audited);
        for (Map.Entry<Audited, CallCookie> p : parts) {
            Audited t = p.getKey();
            CookiePart part = p.getValue().part();
            if (part instanceof CookiePart.Party) {
                Line l = gw.line(t.termination);
                leg.terminations.add(l != null ? l.termination() : t.termination);
                // the cookie this part carries: the stamper writes it again only if the call would say otherwise
                // (and, for a line a newer cookie no longer lists, it says the line left: staleLines)
                if (l != null) c.stamped.put(l, p.getValue());
            } else if (part instanceof CookiePart.IgcEnd ie) {
                Call.IgcEnd e = endAt(c, leg, t.termination);
                e.local = t.local;
                e.remote = t.remote;
                if (e.far == null) linkFar(c, e, ie, p.getValue());
                c.stamped.put(e, p.getValue());
            } else if (part instanceof CookiePart.PhoneRtp) {
                Call.IgcEnd e = endAt(c, leg, t.termination);
                e.local = t.local;
                e.remote = t.remote;
                c.stamped.put(e, p.getValue());
                if (c.sip != null) {
                    c.sip.rtp = e;
                    if (c.caller == null) c.igcB = e; else c.igcA = e;
                    if (!c.igcs.contains(e)) c.igcs.add(e);
                }
            } else {
                leg.terminations.add(t.termination);
            }
        }
        staleLines(c);
        restoreFeatureLegs(c);
        finishIgcs(c);
        if (!expecting(c) && stalePart(c)) cp.touch(c); // a part older than the call: its cookie is written anew
        if (c.state == CallState.SETUP && !expecting(c)) cp.ringingRestored(c);
        // the cookie says SETUP for a consultation that rang (nothing to tell them apart on the wire); with every
        // part here it rings, so that the consulted party's answer connects it rather than waiting for a reply
        if (c.featured && c.consultState == CallState.SETUP && !expecting(c)) c.consultState = CallState.RINGING;
    }

    /**
     * The lines of a leg are those its context's audit shows. A far end's cookie placed the party it leads to in the
     * context it named; that cookie may be older than the context (the party was moved since into another context on
     * its gateway, as the host into a consultation's): the line is where the audit finds it, and in one context only
     * (a release that named it in a context since gone had that context's error end the transaction, and left the
     * contexts after it in place).
     */
    private static void lines(Call c, Call.Leg leg, List<Audited> audited) {
        Gateway gw = leg.gateway;
        Set<String> here = new HashSet<>();
        for (Audited t : audited) {
            Line l = gw.line(t.termination);
            if (l != null) here.add(l.termination());
        }
        leg.terminations.removeIf(t -> gw.line(t) != null && !here.contains(t));
        for (Call.Leg other : c.legs) {
            if (other != leg && other.gateway == gw && other.expected) other.terminations.removeAll(here);
        }
    }

    /**
     * Lines in the call's audited contexts, with the call's cookie of an older generation, that the call's newer
     * cookie no longer lists (dropped from a conference, or hung up, and the primary died before their gateway heard
     * of it): they leave now, as they would have, with the RTP terminations that only led to them, and hear busy
     * tone until they hang up (on-hook already, the gateway says so at once: strict=state, and the line is idle).
     */
    private void staleLines(Call c) {
        for (Call.Leg leg : List.copyOf(c.legs)) {
            if (leg.expected || leg.context == null || !leg.context.isSpecific() || !c.legs.contains(leg)) continue;
            for (String t : List.copyOf(leg.terminations)) {
                Line l = leg.gateway.line(t);
                if (l == null || c.parties.containsKey(l) || cp.callOf(l) != null) continue;
                CallCookie had = c.stamped.get(l);
                if (had == null || had.generation() >= c.generation) continue;
                count("merge.stale_party_left");
                LOG.log(System.Logger.Level.INFO, () -> c + ": " + l + " is no longer in the call (generation "
                        + had.generation() + " < " + c.generation + "): it leaves its context");
                c.stamped.remove(l);
                CallFeatures.Batch b = new CallFeatures.Batch();
                b.optional(leg.gateway, leg.context, H248.subtract(t, false));
                leg.terminations.remove(t);
                CallFeatures.prune(c, leg, b);
                l.state(LineState.LOCKOUT);
                leaving.add(l);
                b.add(l.gateway(), ContextId.NULL, H248.modify(l.termination(), H248.signals(CallProcessor.BUSY),
                        H248.events(cp.svc.requestId(), RequestedEvent.of(CallProcessor.ON_HOOK, PropertyParm.of("strict", "state")))));
                for (Map.Entry<Gateway, List<ActionRequest>> e : b.actions().entrySet()) {
                    cp.send(c, e.getKey(), e.getValue(), o -> {
                        if (!o.ok()) LOG.log(System.Logger.Level.INFO, () -> c + ": " + l + " leaving: " + o);
                    });
                }
            }
        }
    }

    /**
     * IGCs whose set-up the primary did not finish: an end added with its own SDP only (its far end's, sent in a
     * Modify once the far end was added, was lost with the primary) gets its far end's SDP now, once both ends'
     * gateways are here. Without it the parties would never hear each other (a consultation answered after the
     * migration, say).
     */
    private void finishIgcs(Call c) {
        for (Call.IgcEnd e : List.copyOf(c.igcs)) {
            finishIgc(c, e);
            if (e.far != null) finishIgc(c, e.far);
        }
    }

    private void finishIgc(Call c, Call.IgcEnd e) {
        Call.IgcEnd f = e.far;
        // only an end its gateway's audit described (its local SDP known) is known to lack the far end's SDP
        if (f == null || e.rtp == null || e.local == null || e.remote != null || f.local == null || e.leg.expected
                || f.leg.expected || e.leg.context == null || !e.leg.context.isSpecific()) return;
        e.remote = f.local;
        count("merge.igc_finished");
        LOG.log(System.Logger.Level.INFO, () -> c + ": " + e.leg.gateway.name() + " " + e.rtp + " gets its far end's SDP");
        cp.send(c, e.leg.gateway, List.of(H248.action(e.leg.context, H248.modify(e.rtp, H248.stream(H248.remote(f.local))))),
                o -> { if (!o.ok()) LOG.log(System.Logger.Level.INFO, () -> c + ": far SDP for " + e.rtp + " refused: " + o); });
    }

    /**
     * A part of the call carries a cookie of another generation than the call's: older (a newer part gave the call
     * its content), or from before the failover while the call has changed here since.
     */
    private static boolean stalePart(Call c) {
        for (CallCookie k : c.stamped.values()) if (k.generation() != c.generation) return true;
        return false;
    }

    /** The IGC end that is termination {@code t} of this leg: known already (expected from its far end), or new. */
    private static Call.IgcEnd endAt(Call c, Call.Leg leg, String t) {
        for (Call.IgcEnd e : ends(c)) {
            if (e.leg.gateway == leg.gateway && t.equalsIgnoreCase(e.rtp)) {
                if (e.leg != leg) {
                    // expected in a context the far end named, found in this one (it moved): the audit wins
                    e.leg.terminations.remove(e.rtp);
                    e.leg = leg;
                }
                leg.terminations.add(e.rtp);
                return e;
            }
        }
        Call.IgcEnd e = new Call.IgcEnd(leg);
        e.rtp = t;
        leg.terminations.add(t);
        return e;
    }

    private static List<Call.IgcEnd> ends(Call c) {
        List<Call.IgcEnd> out = new ArrayList<>();
        for (Call.IgcEnd e : c.igcs) {
            out.add(e);
            if (e.far != null) out.add(e.far);
        }
        return out;
    }

    /** Links an IGC end to its far end by FEGI/FECEI: the far end as already known, or expected there. */
    private void linkFar(Call c, Call.IgcEnd e, CookiePart.IgcEnd ie, CallCookie own) {
        Gateway fg = cp.association.gateway(ie.farGateway());
        if (fg == null) {
            LOG.log(System.Logger.Level.WARNING, () -> c + ": IGC end " + e.rtp + " leads to unknown gateway " + ie.farGateway());
            count("merge.unknown_far_gateway");
            c.igcs.add(e);
            return;
        }
        Call.IgcEnd far = null;
        for (Call.IgcEnd x : ends(c)) {
            if (x == e || x.leg.gateway != fg) continue;
            if (ie.farTermination() != null ? ie.farTermination().equalsIgnoreCase(x.rtp)
                    : ie.farContext() != null && x.leg.context != null && x.leg.context.value() == ie.farContext() && x.far == null) {
                far = x;
                break;
            }
        }
        if (far != null) {
            if (far.far != null && far.far != e) {
                LOG.log(System.Logger.Level.WARNING, () -> c + ": IGC end " + e.rtp + " and " + ie + " disagree");
                count("merge.igc_mismatch");
            }
            c.igcs.remove(far);
            c.addIgc(far, e);
            return;
        }
        // the far gateway has not arrived: its leg is expected where FEGI/FECEI say
        Call.Leg fl = null;
        if (ie.farContext() != null) {
            for (Call.Leg l : c.legs) if (l.gateway == fg && l.context != null && l.context.value() == ie.farContext()) fl = l;
        }
        if (fl != null && !fl.expected && ie.farTermination() != null && !holds(fl, ie.farTermination())) {
            // that context was audited without it: the far end is gone (the primary subtracted it, and died before
            // this gateway heard of it): an end without a far end, it leaves with the call or with its branch
            LOG.log(System.Logger.Level.INFO, () -> c + ": IGC end " + e.rtp + " leads to " + ie.farGateway() + " "
                    + ie.farTermination() + ", no longer there");
            count("merge.far_end_gone");
            c.igcs.add(e);
            return;
        }
        if (fl == null) {
            if (cp.arrived(fg)) farAlreadyHere.add(fg);
            fl = new Call.Leg(fg);
            fl.context = ie.farContext() == null ? null : ContextId.of(ie.farContext());
            expect(c, fl);
            c.legs.add(fl);
        }
        Call.IgcEnd f = new Call.IgcEnd(fl);
        f.rtp = ie.farTermination();
        if (f.rtp != null) fl.terminations.add(f.rtp);
        String[] sdp = fl.unverifiedSdp == null || f.rtp == null ? null : fl.unverifiedSdp.get(f.rtp);
        if (sdp != null) { f.local = sdp[0]; f.remote = sdp[1]; } // audited there, its own cookie missing
        if (ie.party() >= 0) {
            // the party it leads to is in that leg (its own part will confirm it), unless an audit found its line
            // elsewhere already: this part's cookie may be older than the party's move
            Line l = partyLine(own, ie.party(), fg);
            if (l != null && !audited(c, l)) fl.terminations.add(l.termination());
        }
        c.addIgc(e, f);
    }

    /** The line of party {@code index} of this cookie (the index is into its own parties), if it is on {@code gw}. */
    private static Line partyLine(CallCookie own, int index, Gateway gw) {
        if (index >= own.parties().size()) return null;
        CookieParty p = own.parties().get(index);
        if (p.kind() == CookieParty.Kind.PHONE || !gw.name().equals(p.gateway())) return null;
        return gw.line(p.termination());
    }

    /** The line is in a leg of the call that an audit confirmed. */
    private static boolean audited(Call c, Line l) {
        for (Call.Leg leg : c.legs) {
            if (!leg.expected && leg.gateway == l.gateway() && leg.terminations.contains(l.termination())) return true;
        }
        return false;
    }

    private static boolean holds(Call.Leg leg, String termination) {
        for (String t : leg.terminations) if (t.equalsIgnoreCase(termination)) return true;
        return false;
    }

    private static boolean expecting(Call c) {
        for (Call.Leg l : c.legs) if (l.expected) return true;
        return false;
    }

    /**
     * The basic call's IGC ends, and where the held and the consulted party are on the host's gateway: their own
     * termination there, or the IGC end that leads to them.
     */
    private static void restoreFeatureLegs(Call c) {
        if (!c.featured && c.caller != null && c.callee != null && c.caller.gateway() != c.callee.gateway()) {
            for (Call.IgcEnd e : ends(c)) {
                if (e.leg.gateway == c.caller.gateway() && e.far != null && e.far.leg.gateway == c.callee.gateway()) {
                    c.igcA = e;
                    c.igcB = e.far;
                }
            }
        }
        if (c.host == null) {
            if (c.feature == Call.Feature.TRANSFER_RINGING && c.held != null && c.consulted != null) transferLegs(c);
            return;
        }
        Call.Leg hostLeg = c.legWith(c.host.gateway(), c.host.termination());
        if (c.consulted == null && (c.feature == Call.Feature.CONFERENCE || c.feature == Call.Feature.CONFERENCE_RECALL)
                && !c.conferees.isEmpty()) {
            // a conference keeps the party added last as the consulted one (the conference code made it a conferee)
            c.consulted = c.conferees.get(c.conferees.size() - 1);
        }
        switch (c.feature) {
            case CONSULT, CONSULT_RECALL, CONFERENCE, CONFERENCE_RECALL -> { if (hostLeg != null) c.consultLeg = hostLeg; }
            default -> { }
        }
        if (c.held != null) {
            Map.Entry<Call.Leg, String> at = representing(c, c.held);
            if (at != null) { c.heldLeg = at.getKey(); c.heldTerm = at.getValue(); }
        }
        if (c.consulted != null) {
            Map.Entry<Call.Leg, String> at = representing(c, c.consulted);
            if (at != null) { c.consultTerm = at.getValue(); if (c.consultLeg == null) c.consultLeg = at.getKey(); }
        }
    }

    /**
     * A transfer during ringing joined the held party to the consultation in the (former) host's context: that leg
     * is the one that reaches both parties, and the consulted party is there as its line or the IGC end toward it.
     */
    private static void transferLegs(Call c) {
        for (Call.Leg l : c.legs) {
            String held = in(c, l, c.held), consulted = in(c, l, c.consulted);
            if (held != null && consulted != null) {
                c.consultLeg = l;
                c.consultTerm = consulted;
                return;
            }
        }
    }

    /** How {@code party} is in leg {@code l}: its line's termination, or the IGC end whose far leg holds it; or null. */
    private static String in(Call c, Call.Leg l, Line party) {
        if (party.gateway() == l.gateway && l.terminations.contains(party.termination())) return party.termination();
        for (Call.IgcEnd e : ends(c)) {
            if (e.leg == l && e.far != null && e.rtp != null && e.far.leg.gateway == party.gateway()
                    && e.far.leg.terminations.contains(party.termination())) return e.rtp;
        }
        return null;
    }

    /** Where a party is on the host's gateway: its line's termination, or the IGC end whose far leg holds it. */
    private static Map.Entry<Call.Leg, String> representing(Call c, Line party) {
        Gateway hg = c.host.gateway();
        for (Call.Leg l : c.legs) {
            if (l.gateway != hg) continue;
            if (party.gateway() == hg && l.terminations.contains(party.termination())) return Map.entry(l, party.termination());
        }
        for (Call.IgcEnd e : ends(c)) {
            if (e.leg.gateway == hg && e.far != null && e.rtp != null && e.far.leg.gateway == party.gateway()
                    && e.far.leg.terminations.contains(party.termination())) return Map.entry(e.leg, e.rtp);
        }
        return null;
    }

    // ------------------------------------------------------------------------------------------ what did not come

    /**
     * The calls that were given a leg expected on each gateway (rebuilt from a cookie naming it), kept so that the end
     * of each audit looks only at those: a pass over every call at every audit's end was gateways x calls, the largest
     * share of the alternate's core while it rebuilt 10,000 calls from 100 gateways (JFR). A superset: a call that no
     * longer expects a leg there (confirmed, gone, released) leaves it when next looked at.
     */
    private final Map<Gateway, Set<Call>> expectedOn = new HashMap<>();

    /** {@code leg} of {@code c} is expected: its gateway has not arrived to confirm it. */
    private void expect(Call c, Call.Leg leg) {
        leg.expected = true;
        expectedOn.computeIfAbsent(leg.gateway, k -> new LinkedHashSet<>()).add(c);
    }

    /** The migrated calls (in call order) with a leg expected on each of {@code gateways}. */
    private Map<Gateway, List<Call>> expectingOn(List<Gateway> gateways) {
        Map<Gateway, List<Call>> out = new HashMap<>();
        for (Gateway g : gateways) {
            Set<Call> known = expectedOn.get(g);
            if (known == null || out.containsKey(g)) continue;
            List<Call> list = new ArrayList<>();
            for (java.util.Iterator<Call> it = known.iterator(); it.hasNext(); ) {
                Call c = it.next();
                if (c.migrated && cp.call(c.id()) == c && expects(c, g)) list.add(c);
                else it.remove();
            }
            if (known.isEmpty()) expectedOn.remove(g);
            if (list.isEmpty()) continue;
            list.sort(java.util.Comparator.comparingLong(Call::id)); // call order, as the calls are kept
            out.put(g, list);
        }
        return out;
    }

    private static boolean expects(Call c, Gateway g) {
        for (Call.Leg l : c.legs) if (l.expected && l.gateway == g) return true;
        return false;
    }

    /**
     * After a gateway's audit: each leg a migrated call still expects there is gone, and so are its parties.
     * {@code candidates}: the calls that expected a leg there when the audit ended (from {@link #expectingOn}).
     */
    private void missingContexts(Gateway gw, List<Call> candidates) {
        for (Call c : candidates) {
            if (!c.migrated || cp.call(c.id()) != c) continue; // released meanwhile (by a gateway settled before)
            List<Call.Leg> gone = new ArrayList<>();
            for (Call.Leg l : c.legs) if (l.gateway == gw && l.expected) gone.add(l);
            if (gone.isEmpty()) continue;
            count("merge.contexts_lost");
            LOG.log(System.Logger.Level.WARNING, () -> c + ": " + gw.name() + " came back without " + gone);
            Set<Line> left = new LinkedHashSet<>();
            for (Call.Leg l : gone) {
                for (String t : l.terminations) {
                    Line line = gw.line(t);
                    if (line != null && c.parties.containsKey(line)) left.add(line);
                }
                c.legs.remove(l);
                for (Call.IgcEnd e : ends(c)) {
                    if (e.leg == l && e.far != null) {
                        c.removeIgc(e);
                        e.far.far = null;
                        c.igcs.add(e.far); // an end without a far end: subtracted with the call
                    }
                }
            }
            // a party whose context is gone hung up, as far as the call is concerned
            for (Line l : left) {
                l.offHook(false);
                cp.partyLost(c, l);
            }
        }
    }

    /**
     * Terminations whose cookie did not verify (or that had none) in a context the verified parts of a call hold:
     * their content is not used, but they are in the call's context, so they leave it with the call (else a release
     * would subtract the others and leave them there, and a line's on-hook would find it still in the context).
     */
    private void unverifiedInCallContext(Call c, Gateway gw, ContextId ctx, List<Audited> terms) {
        for (Call.Leg leg : c.legs) {
            if (leg.gateway != gw || !ctx.equals(leg.context)) continue;
            for (Audited t : terms) {
                Line l = gw.line(t.termination);
                String id = l != null ? l.termination() : t.termination;
                if (!leg.terminations.contains(id)) leg.terminations.add(id);
                count("merge.unverified_in_call_context");
                if (l != null) continue;
                // its SDP is the gateway's own word, not the cookie's: an IGC end known from its far end uses it
                if (leg.unverifiedSdp == null) leg.unverifiedSdp = new HashMap<>();
                leg.unverifiedSdp.put(id, new String[] {t.local, t.remote});
                Call.IgcEnd e = c.igcEnd(leg, id);
                if (e != null && e.local == null) { e.local = t.local; e.remote = t.remote; }
            }
        }
        finishIgcs(c);
    }

    /**
     * A context with no line whose cookies do not verify (an RTP termination's cookie forged or cut), which a
     * verified part of a migrated call names as its far end (FEGI/FECEI): the call takes it as its expected leg
     * there, unverified, so that it is subtracted with the call (with no line in it there is no party to trust or
     * distrust; left alone, nothing would ever remove it). A context with a line stays talk-path-only.
     */
    private boolean claimedByFarEnd(Gateway gw, ContextId ctx, List<Audited> terms) {
        for (Audited t : terms) if (gw.line(t.termination) != null) return false;
        for (Call c : cp.calls()) {
            if (!c.migrated) continue;
            for (Call.Leg leg : c.legs) {
                if (leg.gateway != gw || !leg.expected || !ctx.equals(leg.context)) continue;
                leg.expected = false;
                for (Audited t : terms) if (!leg.terminations.contains(t.termination)) leg.terminations.add(t.termination);
                count("merge.unverified_named_context");
                LOG.log(System.Logger.Level.WARNING, () -> c + ": " + gw.name() + " context " + ctx + " " + terms.size()
                        + " termination(s) with bad cookies, named by the call's far end: kept in the call, unverified");
                return true;
            }
        }
        return false;
    }

    /** A context whose cookies do not verify: left alone, its lines released when they go on-hook. */
    private void untrustedContext(Gateway gw, ContextId ctx, List<Audited> terms) {
        count("merge.untrusted_contexts");
        for (Audited t : terms) {
            Line l = gw.line(t.termination);
            if (l == null || cp.callOf(l) != null) continue;
            untrusted.put(l, ctx);
            l.state(LineState.LOCKOUT);
            l.offHook(true);
        }
    }

    /** A line of a talk-path-only context went on-hook: out of the context, idle again (the context goes when empty). */
    void untrustedOnHook(Line l) {
        ContextId ctx = untrusted.remove(l);
        if (ctx == null) return;
        boolean last = true;
        for (Map.Entry<Line, ContextId> e : untrusted.entrySet()) {
            if (e.getKey().gateway() == l.gateway() && e.getValue().equals(ctx)) last = false;
        }
        cp.leaveUntrusted(l, ctx, last);
    }
}
