package dev.holdfast.controller.sip;

import dev.holdfast.controller.core.CoreServices;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The conference focus (RFC 4579 with the B2BUA in the middle): a phone calls the conference factory URI
 * ({@code sip:conference@...}) and gets a conference of its own, mixed on a gateway ({@link ConferenceBridge}). It
 * adds parties with REFER in that dialog: Refer-To with Replaces naming one of its calls through the controller
 * hands the other party of that call (a phone or a line) to the conference, and the phone's dialog in that call is
 * ended with BYE (RFC 4579 5.5, the focus being the far end of the replaced dialog); Refer-To without Replaces
 * dials a number (a phone or a line) into the conference. NOTIFYs report each REFER as for a transfer. A member
 * leaves with BYE (a line by hanging up); when one member is left, the conference ends: BYE to a phone, busy tone
 * to a line.
 */
final class ConferenceFocus {
    private static final System.Logger LOG = System.getLogger(ConferenceFocus.class.getName());
    /** The user part of the conference factory URI. */
    static final String FACTORY_USER = "conference";

    private final CoreServices svc;
    private final SipCore sip;
    private final B2bua b2bua;
    private final SubscriberDirectory directory;
    private final LocationService location;
    private final LineRouter lines;
    private final SipCounters counters;
    private final Map<String, PhoneMember> phones = new TreeMap<>();
    private final List<Conference> conferences = new ArrayList<>();
    /** Conferences rebuilt after a failover, by call key: their parts (gateway context, dialogs) meet here. */
    private final Map<Long, Conference> migrated = new TreeMap<>();
    /** Keys of rebuilt conferences that ended here: a member's dialog arriving later is ended. */
    private final java.util.Set<Long> endedKeys = new java.util.LinkedHashSet<>();
    private static final int ENDED_KEYS_KEPT = 10_000;
    private long nextId = 1;
    /** How long a rebuilt conference waits for a part that has not arrived (its gateway's context, a member's dialog). */
    private long partMissingMillis = 30_000;

    private static final class Conference {
        final long id;
        ConferenceBridge bridge;
        final String hostNumber;
        final String hostCallId;
        final List<Object> members = new ArrayList<>();
        boolean ended;
        /** Rebuilt from its members' dialogs; its gateway's context has not been audited here yet. */
        boolean waiting;
        /** A rebuilt conference's call key (0: set up here). */
        long key;
        /** Members whose dialog ended while the conference waited for its gateway: their terminations go then. */
        final java.util.Set<String> leftEarly = new java.util.TreeSet<>();
        /** The gateway a conference rebuilt from dialogs waits for (the dialogs' cookies name it). */
        String gatewayName;
        /** The limit on a missing part ({@link #partMissing}); 0 when none runs. */
        long missingTimer;
        /** Members rebuilt from the gateway whose dialogs did not come in time: a dialog arriving later gets BYE. */
        final java.util.Set<String> gaveUp = new java.util.TreeSet<>();

        Conference(long id, ConferenceBridge bridge, String hostNumber, String hostCallId) {
            this.id = id;
            this.bridge = bridge;
            this.hostNumber = hostNumber;
            this.hostCallId = hostCallId;
        }
    }

    /** A phone's dialog with the focus. */
    private static final class PhoneMember {
        final Conference conf;
        final String callId;
        final String number;
        ConferenceBridge.Member media;
        boolean pending;
        /** False while the member, rebuilt from the gateway's cookies, waits for its dialog from the phone. */
        boolean adopted = true;

        PhoneMember(Conference conf, String callId, String number) {
            this.conf = conf;
            this.callId = callId;
            this.number = number;
        }
    }

    /** A line whose call's RTP termination is joined to the conference; its call processing reports here. */
    private final class LineMember implements LineRouter.SipParty {
        final Conference conf;
        final String number;
        final Transfer refer;
        ConferenceBridge.Member media;
        LineRouter.LineCall line;
        boolean joined;
        boolean gone;

        LineMember(Conference conf, String number, Transfer refer) {
            this.conf = conf;
            this.number = number;
            this.refer = refer;
        }

        @Override public void ringing() { if (!joined) b2bua.notifyTransferor(refer, 180, "Ringing"); }

        String label() { return "line:" + number; }

        @Override public void answered(String localSdp) {
            // a line dialled into the conference answered: moved into the context (its RTP pair goes), or, on
            // another gateway, the bridge's termination gets the line's Local SDP
            if (joined || gone) return;
            line.moveInto(conf.bridge, label(), moved -> {
                if (moved != null) {
                    media.leave();
                    media = moved;
                    joinedLine(this);
                    return;
                }
                media.pairedWith(line);
                media.media(localSdp, SdpDirection.SENDRECV, ok -> {
                    if (ok == null) { notJoined(this, 488, "Not Acceptable Here"); return; }
                    joinedLine(this);
                });
            });
        }

        @Override public void failed(int status, String reason) {
            if (!joined) notJoined(this, status, reason);
        }

        @Override public void released() {
            if (gone) return;
            if (!joined) { notJoined(this, 480, "Temporarily Unavailable"); return; }
            gone = true;
            counters.add("conference.left");
            media.leave();
            left(conf, this);
        }
    }

    ConferenceFocus(CoreServices svc, SipCore sip, B2bua b2bua, SubscriberDirectory directory, LocationService location,
                    LineRouter lines, SipCounters counters) {
        this.svc = svc;
        this.sip = sip;
        this.b2bua = b2bua;
        this.directory = directory;
        this.location = location;
        this.lines = lines;
        this.counters = counters;
    }

    /** The limit on how long a rebuilt conference waits for a missing part (provisioning: sip.conferencePartMissingSeconds). */
    void partMissingMillis(long millis) { this.partMissingMillis = millis; }

    boolean owns(String callId) {
        PhoneMember m = callId == null ? null : phones.get(callId);
        return m != null && m.adopted;
    }

    /** An INVITE to the factory URI: a new conference with the caller as its first member. */
    void invite(long handle, SipRequest r, String callerNumber) {
        counters.add("conference.invite");
        if (r.body() == null || r.body().isBlank()) {
            sip.respond(handle, SipReply.of(488, "Not Acceptable Here"));
            return;
        }
        ConferenceBridge bridge = lines.openConference();
        if (bridge == null) {
            counters.add("conference.no-gateway");
            sip.respond(handle, SipReply.of(503, "Service Unavailable"));
            return;
        }
        Conference conf = new Conference(nextId++, bridge, callerNumber, r.callId());
        String toTag = "hfc" + conf.id + "x" + Long.toHexString(svc.random().nextLong() & 0xffffffffL);
        PhoneMember host = new PhoneMember(conf, r.callId(), callerNumber);
        phones.put(r.callId(), host);
        host.pending = true;
        host.media = bridge.add("sip:" + callerNumber, r.callId(), r.body(), local -> {
            host.pending = false;
            if (local == null) {
                phones.remove(r.callId());
                bridge.release();
                sip.respond(handle, SipReply.of(503, "Service Unavailable"));
                return;
            }
            conf.members.add(host);
            conferences.add(conf);
            watch(conf, bridge);
            counters.add("conference.opened");
            LOG.log(System.Logger.Level.DEBUG, () -> "conference " + conf.id + " opened by " + callerNumber);
            // our Contact carries the conference's cookie for this dialog (docs/migration.md, "Conferences")
            sip.respond(handle, new SipReply(200, "OK", toTag, List.of(), true, "application/sdp", local, host.media.dialogCookie()));
        });
    }

    /** REFER in a member's dialog: add a party (Replaces: take over a call; none: dial a number). */
    void refer(long handle, SipRequest r) {
        PhoneMember from = phones.get(r.callId());
        ReferTarget t = ReferTarget.parse(r.referTo());
        if (t == null) {
            b2bua.refuseRefer(handle, 400, r.referTo() == null ? "Bad Request (no Refer-To)" : "Bad Request (Refer-To)", r);
            return;
        }
        if (from.conf.ended || from.pending || from.conf.bridge == null) {
            b2bua.refuseRefer(handle, 491, "Request Pending", r);
            return;
        }
        sip.respond(handle, SipReply.of(202, "Accepted"));
        counters.add("refer.accepted");
        Transfer sub = new Transfer(null, r.callId(), null, null, null);
        b2bua.notifyTransferor(sub, 100, "Trying");
        if (t.attended()) takeOver(from.conf, sub, t);
        else dialOut(from.conf, sub, t);
    }

    /** The other party of the call Replaces names joins; the referrer's dialog in that call ends. */
    private void takeOver(Conference conf, Transfer sub, ReferTarget t) {
        SipCall k = b2bua.consultation(null, t);
        if (k == null) {
            counters.add("conference.replaces-unknown");
            fail(sub, 481, "Call/Transaction Does Not Exist");
            return;
        }
        Transfer.Side side = b2bua.otherSide(k, t.replaces().equals(k.aCallId));
        if (side == null) { fail(sub, 480, "Temporarily Unavailable"); return; }
        if (side instanceof Transfer.Phone p) {
            PhoneMember m = new PhoneMember(conf, p.callId(), p.number());
            m.pending = true;
            m.media = conf.bridge.add("sip:" + p.number(), p.callId(), null, local -> {
                if (local == null) { fail(sub, 503, "Service Unavailable"); return; }
                // the phone answers the bridge's offer in its dialog, which the conference keeps; the re-INVITE (a
                // target refresh) gives the dialog the conference's cookie
                b2bua.sendOwn(new SipOutgoingRequest("INVITE", p.callId(), null, null, null, null, null, "application/sdp", local)
                        .withCookie(m.media.dialogCookie()), resp -> {
                    if (resp.status() < 200) return;
                    if (resp.status() < 300) sip.send(SipOutgoingRequest.inDialog("ACK", p.callId()));
                    if (resp.status() >= 300 || resp.body() == null) {
                        m.media.leave();
                        fail(sub, resp.status() >= 300 ? resp.status() : 488, resp.status() >= 300 ? resp.reason() : "Not Acceptable Here");
                        return;
                    }
                    m.media.media(resp.body(), SdpDirection.of(resp.body()), ok -> {
                        m.pending = false;
                        if (ok == null) { m.media.leave(); fail(sub, 488, "Not Acceptable Here"); return; }
                        b2bua.handedOver(k);
                        sip.send(SipOutgoingRequest.inDialog("BYE", t.replaces()));
                        joinedPhone(m, sub);
                    });
                });
            });
            return;
        }
        Transfer.Line l = (Transfer.Line) side;
        LineMember m = new LineMember(conf, l.number(), sub);
        m.line = l.call();
        // the line itself into the conference's context when it is on the conference's gateway; else an RTP pair
        m.line.moveInto(conf.bridge, "line:" + l.number(), moved -> {
            if (moved != null) {
                m.media = moved;
                b2bua.handedOver(k);
                sip.send(SipOutgoingRequest.inDialog("BYE", t.replaces()));
                joinedLine(m);
                return;
            }
            joinByRtp(conf, sub, t, k, m);
        });
    }

    /** A line on another gateway joins through an RTP termination in the conference and its call's own. */
    private void joinByRtp(Conference conf, Transfer sub, ReferTarget t, SipCall k, LineMember m) {
        m.media = conf.bridge.add(m.label(), null, local -> {
            if (local == null) { fail(sub, 503, "Service Unavailable"); return; }
            // the line's own RTP termination and the bridge's talk to each other
            m.line.media(local, SdpDirection.SENDRECV, lineLocal -> {
                if (lineLocal == null) { m.media.leave(); fail(sub, 488, "Not Acceptable Here"); return; }
                m.media.pairedWith(m.line);
                m.media.media(lineLocal, SdpDirection.SENDRECV, ok -> {
                    if (ok == null) { m.media.leave(); fail(sub, 488, "Not Acceptable Here"); return; }
                    b2bua.handedOver(k);
                    sip.send(SipOutgoingRequest.inDialog("BYE", t.replaces()));
                    joinedLine(m);
                });
            });
        });
    }

    /** A number dialled into the conference: a phone (INVITE with the bridge's offer) or a line. */
    private void dialOut(Conference conf, Transfer sub, ReferTarget t) {
        String number = t.uri().user();
        Subscriber callee = number == null ? null : directory.byNumber(number);
        if (callee == null) {
            if (number == null) { fail(sub, 404, "Not Found"); return; }
            LineMember m = new LineMember(conf, number, sub);
            m.media = conf.bridge.add("line:" + number, null, local -> {
                if (local == null) { fail(sub, 503, "Service Unavailable"); return; }
                LineRouter.LineCall call = lines.offer(number, conf.hostNumber, conf.hostCallId, local, m);
                if (call == null) { m.media.leave(); fail(sub, 404, "Not Found"); return; }
                if (!m.gone) m.line = call;
            });
            return;
        }
        List<Binding> contacts = location.bindings(callee.user(), svc.now());
        if (contacts.isEmpty()) { fail(sub, 480, "Temporarily Unavailable"); return; }
        Binding to = contacts.stream().max(Comparator.comparingLong(Binding::registeredAt)).orElseThrow();
        String callId = "hfc" + conf.id + "x" + Long.toHexString(svc.random().nextLong()) + "@" + sip.domain();
        String fromTag = "hfc" + conf.id + "x" + Long.toHexString(svc.random().nextLong() & 0xffffffffL);
        PhoneMember m = new PhoneMember(conf, callId, number);
        m.pending = true;
        m.media = conf.bridge.add("sip:" + number, callId, null, local -> {
            if (local == null) { fail(sub, 503, "Service Unavailable"); return; }
            phones.put(callId, m); // its BYE may come before the conference is told
            b2bua.sendOwn(new SipOutgoingRequest("INVITE", callId, to.contact(), to.transport(),
                    "sip:" + FACTORY_USER + "@" + sip.domain(), fromTag, "sip:" + number + "@" + sip.domain(), "application/sdp", local)
                    .withCookie(m.media.dialogCookie()), resp -> {
                if (resp.status() < 200) {
                    if (resp.status() == 180 || resp.status() == 183) b2bua.notifyTransferor(sub, 180, "Ringing");
                    return;
                }
                if (resp.status() >= 300) {
                    phones.remove(callId);
                    m.media.leave();
                    fail(sub, resp.status(), resp.reason());
                    return;
                }
                sip.send(SipOutgoingRequest.inDialog("ACK", callId));
                m.media.media(resp.body(), SdpDirection.of(resp.body()), ok -> {
                    m.pending = false;
                    if (ok == null) {
                        phones.remove(callId);
                        m.media.leave();
                        sip.send(SipOutgoingRequest.inDialog("BYE", callId));
                        fail(sub, 488, "Not Acceptable Here");
                        return;
                    }
                    joinedPhone(m, sub);
                });
            });
        });
    }

    private void joinedPhone(PhoneMember m, Transfer sub) {
        phones.put(m.callId, m);
        if (m.conf.ended) {
            sip.send(SipOutgoingRequest.inDialog("BYE", m.callId));
            phones.remove(m.callId);
            return;
        }
        m.conf.members.add(m);
        counters.add("conference.joined");
        b2bua.notifyTransferor(sub, 200, "OK");
    }

    private void joinedLine(LineMember m) {
        m.joined = true;
        if (m.conf.ended) { m.gone = true; m.line.release(); return; }
        m.conf.members.add(m);
        // the line's call now talks to the conference: its SIP side is the conference, its reports come here
        m.line.rebind(FACTORY_USER, "conference-" + m.conf.id, m);
        counters.add("conference.joined");
        b2bua.notifyTransferor(m.refer, 200, "OK");
    }

    private void notJoined(LineMember m, int status, String reason) {
        if (m.gone) return;
        m.gone = true;
        if (m.media != null) m.media.leave();
        fail(m.refer, status, reason);
    }

    private void fail(Transfer sub, int status, String reason) {
        counters.add("conference.refer.failed." + status);
        LOG.log(System.Logger.Level.INFO, () -> "conference REFER in " + sub.referCallId + " failed: " + status + " " + reason);
        b2bua.notifyTransferor(sub, status, reason);
    }

    /** BYE in a member's dialog: it leaves. */
    void bye(long handle, SipRequest r) {
        sip.respond(handle, SipReply.of(200, "OK"));
        dialogEnded(r.callId());
    }

    /** A member's dialog ended (BYE, or the stack gave up on it). */
    void dialogEnded(String callId) {
        PhoneMember m = phones.remove(callId);
        if (m == null) return;
        counters.add("conference.left");
        if (m.media != null) m.media.leave();
        left(m.conf, m);
    }

    /** A re-INVITE in a member's dialog (hold, resume): its termination in the bridge follows. */
    void reinvite(long handle, SipRequest r) {
        PhoneMember m = phones.get(r.callId());
        if (m.pending || m.media == null) { sip.respond(handle, SipReply.of(491, "Request Pending")); return; }
        if (r.body() == null || r.body().isBlank()) { sip.respond(handle, SipReply.of(488, "Not Acceptable Here")); return; }
        SdpDirection d = SdpDirection.of(r.body());
        m.pending = true;
        m.media.media(r.body(), d, local -> {
            m.pending = false;
            if (local == null) { sip.respond(handle, SipReply.of(488, "Not Acceptable Here")); return; }
            sip.respond(handle, new SipReply(200, "OK", null, List.of(), true, "application/sdp", d.answer().applyTo(local),
                    m.media.dialogCookie()));
        });
    }

    /** A member left; with one left, the conference ends. */
    private void left(Conference conf, Object member) {
        conf.members.remove(member);
        if (conf.waiting) {
            // rebuilt from dialogs, its gateway not audited yet: its termination goes when it is
            if (member instanceof PhoneMember p) conf.leftEarly.add(p.callId);
            return;
        }
        endIfAlone(conf);
    }

    private void endIfAlone(Conference conf) {
        if (conf.ended || conf.members.size() > 1) return;
        end(conf, List.of());
    }

    /** The BYE's Reason (RFC 3326) when the conference ends because no gateway can mix it. */
    private static final List<SipHeader> NO_GATEWAY = List.of(new SipHeader("Reason",
            "SIP;cause=503;text=\"no gateway to mix the conference\""));

    /** The conference ends: BYE to each phone (with {@code byeHeaders}), busy tone to each line, the context goes. */
    private void end(Conference conf, List<SipHeader> byeHeaders) {
        conf.ended = true;
        conferences.remove(conf);
        stopMissing(conf);
        if (conf.key != 0) {
            migrated.remove(conf.key);
            endedKeys.add(conf.key);
            if (endedKeys.size() > ENDED_KEYS_KEPT) endedKeys.remove(endedKeys.iterator().next());
        }
        counters.add("conference.ended");
        for (Object o : List.copyOf(conf.members)) {
            if (o instanceof PhoneMember p) {
                phones.remove(p.callId);
                sip.send(byeHeaders.isEmpty() ? SipOutgoingRequest.inDialog("BYE", p.callId)
                        : SipOutgoingRequest.inDialog("BYE", p.callId, null, null, byeHeaders));
            } else if (o instanceof LineMember l && !l.gone) {
                l.gone = true;
                if (l.line != null) l.line.release();
            }
        }
        conf.members.clear();
        if (conf.bridge != null) conf.bridge.release();
    }

    private void rememberEnded(long key) {
        endedKeys.add(key);
        if (endedKeys.size() > ENDED_KEYS_KEPT) endedKeys.remove(endedKeys.iterator().next());
    }

    // ------------------------------------------------------------------------------------------ a bridge that goes

    /** The focus hears when the conference's bridge goes without it: its gateway lost, or handed back. */
    private void watch(Conference conf, ConferenceBridge bridge) {
        bridge.watch(new ConferenceBridge.Watcher() {
            @Override public void lost() { if (conf.bridge == bridge) bridgeLost(conf); }

            @Override public void handedBack() { if (conf.bridge == bridge) conferenceHandedBack(conf); }
        });
    }

    /**
     * After a gateway's loss, how long the focus waits before mixing its conferences again: the loss of every gateway's
     * connection is also what a controller that shuts down sees, and a new context must not be added then (its core
     * stops first, and the timer with it).
     */
    static final long REMIX_AFTER_LOSS_MILLIS = 200;

    /** The gateway mixing the conference is gone (the controller lives): the members are mixed again, or told. */
    private void bridgeLost(Conference conf) {
        if (conf.ended) return;
        counters.add("conference.gateway-lost");
        conf.bridge = null;
        conf.waiting = true; // members who leave meanwhile are only taken off the list
        stopMissing(conf);
        conf.missingTimer = svc.startTimer(REMIX_AFTER_LOSS_MILLIS, () -> {
            conf.missingTimer = 0;
            remix(conf, "its gateway was lost");
        });
    }

    /**
     * The conference's gateway went to the primary with its context (failback {@code immediate}): the primary rebuilds
     * the conference from the gateway's cookies; here it is forgotten, and its phones are sent to the primary, which
     * takes their dialogs as an alternate does after a failover (docs/migration.md, "Failback").
     */
    private void conferenceHandedBack(Conference conf) {
        if (conf.ended) return;
        conf.ended = true;
        conf.bridge = null;
        conferences.remove(conf);
        stopMissing(conf);
        if (conf.key != 0) migrated.remove(conf.key);
        List<String> numbers = new ArrayList<>();
        for (Object o : conf.members) {
            if (o instanceof PhoneMember p) {
                phones.remove(p.callId);
                if (p.adopted) numbers.add(p.number);
            } else if (o instanceof LineMember l) {
                l.gone = true; // its call went with its gateway
            }
        }
        conf.members.clear();
        counters.add("migration.conference.handed-back");
        LOG.log(System.Logger.Level.INFO, () -> "conference " + conf.id + " handed back to the primary with its gateway; phones "
                + numbers + " are sent there");
        sip.handBack(numbers);
    }

    /**
     * The conference lost its mixing (its gateway is gone, or never came back after a failover): the members that are
     * here (phones with a dialog, lines joined by an RTP pair from another gateway) are mixed again in a new context on
     * a gateway in service, each phone re-INVITEd with the new termination's offer (the 200's answer, a target refresh,
     * gives its dialog the new conference's cookie). With no gateway in service, or one member or none left, the
     * conference ends: BYE to the phones, busy tone to the lines. Logged and counted either way.
     */
    private void remix(Conference conf, String why) {
        if (conf.ended) return;
        stopMissing(conf);
        if (conf.key != 0) {
            // the old context, should its gateway return, is subtracted; a late member's dialog gets BYE
            migrated.remove(conf.key);
            rememberEnded(conf.key);
            conf.key = 0;
        }
        conf.waiting = false;
        conf.leftEarly.clear();
        List<Object> here = new ArrayList<>();
        for (Object o : conf.members) {
            if (o instanceof PhoneMember p) {
                if (p.adopted) here.add(p);
                else phones.remove(p.callId); // rebuilt from the gateway, its phone never came: nobody to tell
            } else if (o instanceof LineMember l) {
                // a line moved into the lost context went with its gateway; one joined by an RTP pair is still there
                if (!l.gone && l.line != null && l.line.localSdp() != null) here.add(l);
                else l.gone = true;
            }
        }
        conf.members.clear();
        conf.members.addAll(here);
        ConferenceBridge bridge = here.size() > 1 ? lines.openConference() : null;
        if (bridge == null) {
            counters.add(here.size() > 1 ? "conference.ended.no-gateway" : "conference.ended.alone");
            LOG.log(System.Logger.Level.WARNING, () -> "conference " + conf.id + ": " + why + "; "
                    + (here.size() > 1 ? "no gateway in service to mix its " + here.size() + " members" : here.size() + " member left")
                    + ": it ends");
            end(conf, here.size() > 1 ? NO_GATEWAY : List.of());
            return;
        }
        conf.bridge = bridge;
        watch(conf, bridge);
        if (!conferences.contains(conf)) conferences.add(conf);
        counters.add("conference.remixed");
        LOG.log(System.Logger.Level.WARNING, () -> "conference " + conf.id + ": " + why + "; its " + here.size()
                + " members are mixed again on a new context");
        for (Object o : here) {
            if (o instanceof PhoneMember p) rejoinPhone(conf, p);
            else rejoinLine(conf, (LineMember) o);
        }
    }

    /** A phone into the conference's new context: its dialog is re-INVITEd with the new termination's offer. */
    private void rejoinPhone(Conference conf, PhoneMember p) {
        p.pending = true;
        p.media = conf.bridge.add("sip:" + p.number, p.callId, null, local -> {
            if (local == null) { p.pending = false; dropPhone(conf, p); return; }
            b2bua.sendOwn(new SipOutgoingRequest("INVITE", p.callId, null, null, null, null, null, "application/sdp", local)
                    .withCookie(p.media.dialogCookie()), resp -> {
                if (resp.status() < 200) return;
                if (resp.status() < 300) sip.send(SipOutgoingRequest.inDialog("ACK", p.callId));
                if (resp.status() >= 300 || resp.body() == null) { p.pending = false; dropPhone(conf, p); return; }
                p.media.media(resp.body(), SdpDirection.of(resp.body()), ok -> {
                    p.pending = false;
                    if (ok == null) { dropPhone(conf, p); return; }
                    counters.add("conference.rejoined");
                });
            });
        });
    }

    /** A phone that could not be mixed again leaves with BYE (unless it left already). */
    private void dropPhone(Conference conf, PhoneMember p) {
        if (!phones.remove(p.callId, p)) return;
        counters.add("conference.rejoin-failed");
        LOG.log(System.Logger.Level.INFO, () -> "conference " + conf.id + ": " + p.number + " could not be mixed again: BYE");
        if (p.media != null) p.media.leave();
        sip.send(SipOutgoingRequest.inDialog("BYE", p.callId));
        left(conf, p);
    }

    /** A line joined by an RTP pair from another gateway: its call's RTP termination is paired with a new one. */
    private void rejoinLine(Conference conf, LineMember l) {
        l.media = conf.bridge.add(l.label(), null, local -> {
            if (local == null) { dropLine(conf, l); return; }
            l.line.media(local, SdpDirection.SENDRECV, lineLocal -> {
                if (lineLocal == null) { l.media.leave(); dropLine(conf, l); return; }
                l.media.pairedWith(l.line);
                l.media.media(lineLocal, SdpDirection.SENDRECV, ok -> {
                    if (ok == null) { l.media.leave(); dropLine(conf, l); return; }
                    counters.add("conference.rejoined");
                });
            });
        });
    }

    private void dropLine(Conference conf, LineMember l) {
        if (l.gone) return;
        l.gone = true;
        counters.add("conference.rejoin-failed");
        l.line.release();
        left(conf, l);
    }

    // ------------------------------------------------------------------------------------------ a part that is missing

    private void startMissing(Conference conf) {
        stopMissing(conf);
        conf.missingTimer = svc.startTimer(partMissingMillis, () -> {
            conf.missingTimer = 0;
            partMissing(conf);
        });
    }

    private void stopMissing(Conference conf) {
        svc.cancelTimer(conf.missingTimer);
        conf.missingTimer = 0;
    }

    /**
     * A rebuilt conference still misses a part after the limit: its gateway (it waited, rebuilt from its dialogs):
     * the members are mixed again elsewhere ({@link #remix}); a member's dialog (its phone did not come back): that
     * member leaves (its termination is subtracted) and the others go on.
     */
    private void partMissing(Conference conf) {
        if (conf.ended) return;
        long s = partMissingMillis / 1000;
        if (conf.waiting) {
            counters.add("migration.conference.gateway-missing");
            remix(conf, "its gateway " + conf.gatewayName + " did not come back within " + s + " s");
            return;
        }
        for (Object o : List.copyOf(conf.members)) {
            if (!(o instanceof PhoneMember p) || p.adopted) continue;
            counters.add("migration.conference.member-missing");
            LOG.log(System.Logger.Level.WARNING, () -> "conference " + conf.id + ": the dialog of " + p.number
                    + " did not come within " + s + " s: it leaves");
            phones.remove(p.callId);
            conf.gaveUp.add(p.callId);
            if (p.media != null) p.media.leave();
            conf.members.remove(p);
        }
        endIfAlone(conf);
    }

    // ------------------------------------------------------------------------------------------ migration

    /**
     * A conference rebuilt by call processing from its gateway context's cookies after a failover: its members are
     * those the gateway's verified cookies name (a phone's termination, a line moved in). Phones whose dialogs
     * arrived first are joined; the others' dialogs are waited for ({@link #adopt}). With one member or none, it ends
     * as any conference does.
     */
    void arrived(MigratedConference m) {
        Conference conf = migrated.get(m.key());
        if (conf == null && endedKeys.contains(m.key())) {
            // it ended here (or was mixed again elsewhere) while its gateway was away: what is left of it goes
            counters.add("migration.conference.late-context-released");
            LOG.log(System.Logger.Level.INFO, () -> "conference key " + Long.toHexString(m.key())
                    + " ended here before its gateway came back: its context is subtracted");
            for (MigratedConference.Member x : m.members()) {
                if (x.phone() || x.bindLine() == null) continue;
                LineRouter.LineCall lc = x.bindLine().apply(GONE);
                if (lc != null) lc.release(); // a line moved in hears busy, as at the end of any conference
            }
            m.bridge().release();
            return;
        }
        String hostNumber = null, hostCallId = null;
        for (MigratedConference.Member x : m.members()) {
            if (x.phone() && hostNumber == null) { hostNumber = x.number(); hostCallId = x.callId(); }
        }
        if (conf == null) {
            conf = new Conference(nextId++, m.bridge(), hostNumber == null ? FACTORY_USER : hostNumber, hostCallId);
            conf.key = m.key();
            migrated.put(m.key(), conf);
        }
        conf.bridge = m.bridge();
        conf.waiting = false;
        stopMissing(conf);
        watch(conf, conf.bridge);
        counters.add("migration.conference.rebuilt");
        List<Object> before = new ArrayList<>(conf.members);
        List<Object> members = new ArrayList<>();
        for (MigratedConference.Member x : m.members()) {
            if (x.phone()) {
                PhoneMember p = phones.get(x.callId());
                if (p != null && p.conf == conf) {
                    p.media = x.media(); // its dialog came first
                    members.add(p);
                    continue;
                }
                if (conf.leftEarly.remove(x.callId()) || p != null) {
                    x.media().leave(); // its phone hung up meanwhile (or the dialog is in another conference here)
                    continue;
                }
                p = new PhoneMember(conf, x.callId(), x.number());
                p.media = x.media();
                p.adopted = false;
                phones.put(x.callId(), p);
                members.add(p);
            } else {
                LineMember l = new LineMember(conf, x.number(), null);
                l.media = x.media();
                l.joined = true;
                l.line = x.bindLine() == null ? null : x.bindLine().apply(l);
                if (l.line == null) { x.media().leave(); continue; }
                members.add(l);
            }
        }
        // a phone whose dialog came first but whose part the gateway's cookies do not name (not verified, or gone)
        for (Object o : before) {
            if (members.contains(o) || !(o instanceof PhoneMember p)) continue;
            counters.add("migration.conference.member-not-on-gateway");
            phones.remove(p.callId);
            b2bua.talkPathOnly(p.callId);
        }
        conf.members.clear();
        conf.members.addAll(members);
        conf.leftEarly.clear();
        if (!conferences.contains(conf)) conferences.add(conf);
        // phones whose dialogs have not come yet: waited for up to the limit
        if (members.stream().anyMatch(o -> o instanceof PhoneMember p && !p.adopted)) startMissing(conf);
        Conference c = conf;
        LOG.log(System.Logger.Level.INFO, () -> "conference " + c.id + " (key " + Long.toHexString(m.key()) + ") rebuilt with "
                + c.members.size() + " members");
        endIfAlone(conf);
    }

    /**
     * A member's dialog with the focus, adopted from a phone that failed over (its cookie verified, feature FOCUS):
     * it joins the rebuilt conference with that key, or waits for its gateway's context. False when the dialog is not
     * taken (the conference's gateway is here without it as a member: its part did not verify); it is then
     * talk-path-only.
     */
    boolean adopt(DialogCookie cookie, AdoptedDialog dialog) {
        long key = cookie.callKey();
        if (endedKeys.contains(key)) {
            counters.add("migration.conference.dialog-ended");
            sip.send(SipOutgoingRequest.inDialog("BYE", dialog.callId()));
            return true;
        }
        Conference conf = migrated.get(key);
        PhoneMember p = phones.get(dialog.callId());
        if (conf != null && p != null && p.conf == conf) {
            p.adopted = true;
            counters.add("migration.conference.dialog-adopted");
            if (conf.members.stream().noneMatch(o -> o instanceof PhoneMember q && !q.adopted)) stopMissing(conf);
            return true;
        }
        if (conf != null && p == null && conf.gaveUp.contains(dialog.callId())) {
            // it came after the limit: the conference went on without it
            counters.add("migration.conference.dialog-ended");
            sip.send(SipOutgoingRequest.inDialog("BYE", dialog.callId()));
            return true;
        }
        if (p != null || conf != null && !conf.waiting) return false;
        if (conf == null) {
            if (lines.gatewayAudited(cookie.gateway())) {
                // its gateway came back without the conference's context: the conference is gone
                counters.add("migration.conference.dialog-ended");
                sip.send(SipOutgoingRequest.inDialog("BYE", dialog.callId()));
                return true;
            }
            conf = new Conference(nextId++, null, cookie.self().id(), dialog.callId());
            conf.key = key;
            conf.waiting = true;
            conf.gatewayName = cookie.gateway();
            migrated.put(key, conf);
            startMissing(conf); // its gateway is waited for up to the limit
        }
        p = new PhoneMember(conf, dialog.callId(), cookie.self().id());
        phones.put(dialog.callId(), p);
        conf.members.add(p);
        counters.add("migration.conference.dialog-adopted");
        return true;
    }

    /** The party of a line whose conference ended before its gateway came back: it is released at once. */
    private static final LineRouter.SipParty GONE = new LineRouter.SipParty() {
        @Override public void ringing() {}
        @Override public void answered(String localSdp) {}
        @Override public void failed(int status, String reason) {}
        @Override public void released() {}
    };

    /** Conferences in progress. */
    int conferences() { return conferences.size(); }
}
