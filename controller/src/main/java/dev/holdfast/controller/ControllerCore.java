package dev.holdfast.controller;

import dev.holdfast.controller.call.CallProcessor;
import dev.holdfast.controller.core.Command;
import dev.holdfast.controller.core.Core;
import dev.holdfast.controller.core.CoreServices;
import dev.holdfast.controller.core.Event;
import dev.holdfast.controller.core.Outcome;
import dev.holdfast.controller.gateway.Gateway;
import dev.holdfast.controller.gateway.GatewayAssociation;
import dev.holdfast.controller.gateway.Line;
import dev.holdfast.controller.provisioning.Provisioning;
import dev.holdfast.controller.sip.SipCore;
import dev.holdfast.h248.message.ActionReply;
import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.CommandReply;
import dev.holdfast.h248.message.CommandRequest;
import dev.holdfast.h248.message.ErrorDescriptor;
import dev.holdfast.h248.message.ObservedEventsDescriptor.ObservedEvent;
import dev.holdfast.h248.message.TerminationId;

import java.util.ArrayList;
import java.util.List;

/**
 * The controller's deterministic core: gateway association and call processing behind one
 * {@link #handle(Event)}. Single-threaded; all it knows comes in as events, all it does goes out as commands.
 */
public final class ControllerCore implements Core {
    private static final System.Logger LOG = System.getLogger(ControllerCore.class.getName());

    private final CoreServices svc;
    private final GatewayAssociation association;
    private final CallProcessor calls;
    private final SipCore sip;
    private final dev.holdfast.controller.call.CallRegister register;
    private final dev.holdfast.controller.cdr.CdrRecorder cdrs;
    private long events;
    private long failures;
    /** Null until someone asks for notices ({@link #enableNotices}). */
    private NoticeWatch watch;
    private List<dev.holdfast.controller.core.Notice> notices = List.of();
    private final LiveProvisioning live;
    /** The outcome of the last {@code provision} admin event (read right after it by the controller). */
    private dev.holdfast.controller.provisioning.ChangeOutcome lastChange;
    private dev.holdfast.controller.core.Notice changeNotice;

    public ControllerCore(Provisioning provisioning, long seed) {
        this.svc = new CoreServices(seed);
        this.association = new GatewayAssociation(svc, provisioning);
        this.calls = new CallProcessor(svc, association, provisioning);
        this.register = dev.holdfast.controller.call.CallRegister.take();
        association.listener(calls);
        calls.cookies(provisioning.cookieKeyRing().orElse(null));
        this.sip = new SipCore(svc, provisioning, sipDomain(provisioning), nonceKey(seed));
        sip.lines(calls);
        sip.migratedDialogs(calls);
        // the call cookies of phone dialogs: stamped into our Contact and verified with the same key ring
        provisioning.cookieKeyRing().ifPresent(ring -> sip.cookies(new dev.holdfast.controller.sip.CodecDialogCookies(ring, svc::now)));
        calls.phones(sip);
        this.cdrs = new dev.holdfast.controller.cdr.CdrRecorder(provisioning.controllerName(), seed, svc::now);
        calls.cdrs(cdrs);
        sip.cdrs(cdrs);
        this.live = new LiveProvisioning(provisioning, association, calls, sip);
    }

    private static String sipDomain(Provisioning p) {
        return p.sip() != null && p.sip().address() != null ? p.sip().address() : p.controller().address();
    }

    /** The digest nonce key, from the seed (not the core's generator, whose sequence the call side owns). */
    private static byte[] nonceKey(long seed) {
        byte[] key = new byte[32];
        new java.util.SplittableRandom(seed ^ 0x5349504e4f4e4345L).nextBytes(key);
        return key;
    }

    /** A core as an event log's header describes it, for replay. */
    public static ControllerCore fromLogHeader(dev.holdfast.controller.core.EventCodec.Header header) {
        try {
            return new ControllerCore(dev.holdfast.controller.provisioning.ProvisioningLoader.fromJson(header.provisioning()),
                    header.seed());
        } catch (dev.holdfast.controller.provisioning.ProvisioningException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    public GatewayAssociation association() { return association; }

    public CallProcessor calls() { return calls; }

    public CoreServices services() { return svc; }

    public SipCore sip() { return sip; }

    public long eventsHandled() { return events; }

    /** Call detail records: made by call processing and the B2BUA, handed out as {@code cdr} notices. */
    public dev.holdfast.controller.cdr.CdrRecorder cdrs() { return cdrs; }
    /** The provisioning as it is now: the one it started with and every change accepted since. */
    public Provisioning provisioning() { return live.current(); }

    /** The outcome of the last {@code provision} admin event, or null before the first. */
    public dev.holdfast.controller.provisioning.ChangeOutcome lastProvisioningOutcome() { return lastChange; }

    /** Provisioning changes accepted and refused since start. */
    public long provisioningChangesAccepted() { return live.accepted(); }

    public long provisioningChangesRefused() { return live.refused(); }

    /**
     * From now on, each event's {@link dev.holdfast.controller.core.Notice notices} are kept for
     * {@link #drainNotices()} (the admin API's live stream and metrics). Call on the core's thread. Commands do not
     * change: notices only describe what the core did.
     */
    public void enableNotices() {
        if (watch == null) watch = new NoticeWatch(calls, register, association, sip, svc.now());
    }

    @Override public List<dev.holdfast.controller.core.Notice> drainNotices() {
        List<dev.holdfast.controller.core.Notice> n = notices;
        notices = List.of();
        return n;
    }

    /** Events whose handling threw (a bug); they are logged and skipped. */
    public long failures() { return failures; }

    @Override public List<Command> handle(Event event) {
        events++;
        changeNotice = null;
        svc.begin(event.time());
        try {
            if (event instanceof Event.RequestReceived r) onRequest(r);
            else if (event instanceof Event.ReplyReceived r) svc.outcome(r.token(), Outcome.replied(r.reply()));
            else if (event instanceof Event.RequestFailed f) svc.outcome(f.token(), Outcome.failed(f.reason()));
            else if (event instanceof Event.TimerFired t) svc.timerFired(t.timer());
            else if (event instanceof Event.PeerLost p) association.peerLost(p.peer());
            else if (event instanceof Event.Admin a) admin(a);
            else if (event instanceof Event.SipRequestReceived r) sip.request(r);
            else if (event instanceof Event.SipResponseReceived r) sip.response(r);
            else if (event instanceof Event.SipRequestFailed f) sip.failed(f);
            else if (event instanceof Event.SipDialogEnded d) sip.dialogEnded(d);
        } catch (RuntimeException e) {
            // a bug must cost at most this event, not the controller; what was decided before it still goes out
            failures++;
            LOG.log(System.Logger.Level.ERROR, "core failed on " + event.getClass().getSimpleName(), e);
        }
        try {
            calls.afterEvent();
        } catch (RuntimeException e) {
            failures++;
            LOG.log(System.Logger.Level.ERROR, "cookie stamping failed after " + event.getClass().getSimpleName(), e);
        }
        if (watch != null) {
            try {
                notices = watch.after(event.time());
                if (changeNotice != null) {
                    List<dev.holdfast.controller.core.Notice> n = new ArrayList<>(notices);
                    n.add(changeNotice);
                    notices = List.copyOf(n);
                }
            } catch (RuntimeException e) {
                failures++;
                LOG.log(System.Logger.Level.ERROR, "notices failed after " + event.getClass().getSimpleName(), e);
            }
        }
        List<dev.holdfast.controller.cdr.CallRecord> ended = cdrs.drain();
        if (watch != null && !ended.isEmpty()) {
            // after the event's other notices: a call's record follows its call-released
            List<dev.holdfast.controller.core.Notice> all = new ArrayList<>(notices);
            for (dev.holdfast.controller.cdr.CallRecord r : ended) {
                all.add(new dev.holdfast.controller.core.Notice(event.time(), "cdr", java.util.Map.of("cdr", r)));
            }
            notices = all;
        }
        return svc.drain();
    }

    /** {@code provision <json>}: a provisioning change (docs/admin-api.md, "Provisioning"). */
    private void provision(Event.Admin a) {
        lastChange = null;
        dev.holdfast.controller.provisioning.ProvisioningChange change;
        try {
            if (a.args().size() != 1) throw new IllegalArgumentException("provision takes one JSON argument");
            change = dev.holdfast.controller.provisioning.ProvisioningChange.fromJson(
                    new com.fasterxml.jackson.databind.ObjectMapper().readTree(a.args().get(0)));
        } catch (java.io.IOException | IllegalArgumentException e) {
            lastChange = dev.holdfast.controller.provisioning.ChangeOutcome.badRequest(null, "not a change: " + e.getMessage());
            return;
        }
        lastChange = live.apply(change);
        if (lastChange.accepted() && watch != null) {
            java.util.Map<String, Object> f = new java.util.LinkedHashMap<>();
            f.put("op", change.op());
            f.put("target", change.target());
            changeNotice = new dev.holdfast.controller.core.Notice(a.time(), "provisioning-changed", f);
        }
    }

    private void onRequest(Event.RequestReceived r) {
        Gateway gw = association.identify(r);
        if (gw == null) return;
        association.heard(gw);
        List<Runnable> after = new ArrayList<>();
        List<ActionReply> replies = new ArrayList<>();
        for (ActionRequest action : r.request().actions()) {
            List<CommandReply> out = new ArrayList<>();
            ErrorDescriptor error = null;
            for (CommandRequest cr : action.commands()) {
                if (cr.command() instanceof dev.holdfast.h248.message.Command.ServiceChange sc) {
                    out.add(association.serviceChange(gw, r, sc, after));
                } else if (cr.command() instanceof dev.holdfast.h248.message.Command.Notify n) {
                    out.add(notify(gw, n, after));
                } else {
                    error = ErrorDescriptor.of(ErrorDescriptor.NOT_IMPLEMENTED,
                            "a controller does not execute " + cr.command().getClass().getSimpleName());
                    break;
                }
            }
            replies.add(new ActionReply(action.contextId(), List.of(), out, error));
        }
        svc.reply(r.handle(), replies);
        for (Runnable a : after) a.run();
    }

    private CommandReply notify(Gateway gw, dev.holdfast.h248.message.Command.Notify n, List<Runnable> after) {
        TerminationId tid = n.terminationIds().isEmpty() ? TerminationId.ROOT : n.terminationIds().get(0);
        if (tid.isRoot()) {
            // it/ito: the gateway heard nothing from us for mit; the reply is the heartbeat
            return new CommandReply.Notify(n.terminationIds(), null);
        }
        Line line = gw.line(tid.value());
        if (line == null) {
            return new CommandReply.Notify(n.terminationIds(),
                    ErrorDescriptor.of(ErrorDescriptor.UNKNOWN_TERMINATION_ID, "no provisioned termination " + tid));
        }
        if (n.observedEvents() != null) {
            for (ObservedEvent e : n.observedEvents().events()) after.add(() -> calls.lineEvent(line, e));
            if (watch != null) after.add(() -> watch.touched(calls.callOf(line)));
        }
        return new CommandReply.Notify(n.terminationIds(), null);
    }

    private void admin(Event.Admin a) {
        switch (a.verb()) {
            case "release-call" -> {
                for (String id : a.args()) {
                    try {
                        if (!calls.releaseByOperator(Long.parseLong(id))) LOG.log(System.Logger.Level.INFO, "no call " + id);
                    } catch (NumberFormatException e) {
                        LOG.log(System.Logger.Level.INFO, "not a call id: " + id);
                    }
                }
            }
            case "peer" -> association.peer(a.args().contains("up"));
            case "provision" -> provision(a);
            default -> LOG.log(System.Logger.Level.INFO, "unknown admin command " + a.verb());
        }
    }

}
