package dev.holdfast.controller.sip;

import dev.holdfast.controller.core.Command;
import dev.holdfast.controller.core.CoreServices;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Takes over the dialogs of phones that register here after their controller died (call-preserving migration,
 * docs/migration.md "Phones"). A contact bound anew gets a one-shot SUBSCRIBE to the phone's dialog event package
 * (RFC 4235, {@code Expires: 0}: a fetch, RFC 6665 4.4.3); the phone's NOTIFY lists its dialogs, each with our
 * predecessor's Contact as remote target, whose {@code hfck} parameter is the dialog's call cookie. Each confirmed
 * dialog is adopted in the edge (so that its BYE and re-INVITE reach us and we can send in it); its cookie is verified
 * and the dialog handed to the B2BUA, which rebuilds the call. A dialog whose cookie does not verify stays
 * talk-path-only (logged, counted). Deterministic: core thread, ordered maps.
 */
final class DialogAdoption {
    private static final System.Logger LOG = System.getLogger(DialogAdoption.class.getName());
    static final String COOKIE_PARAM = "hfck";

    private final CoreServices svc;
    private final SipCore sip;
    private final B2bua b2bua;
    private final SipCounters counters;
    private final SubscriberDirectory directory;
    private PhoneDialogCookies cookies = PhoneDialogCookies.OFF;
    private final List<Map.Entry<String, Binding>> pending = new ArrayList<>();
    private final Map<Long, Subscription> byToken = new TreeMap<>();
    private final Map<String, Subscription> byCallId = new TreeMap<>();
    private long nextSubscription = 1;

    /** {@code contact}: the phone's registered contact, where the SUBSCRIBE went. */
    private record Subscription(String user, String callId, String transport, long token, String contact) {}

    /**
     * A phone's own INVITE still {@code trying} at the controller it failed over from (no response with a To-tag
     * reached it: the 180 with our tag and cookie was lost), waiting for a call here that vouches for it.
     */
    private record Trying(Subscription from, DialogInfoDocument.Dialog dialog, long timer) {}

    /** Trying reports not matched yet, by Call-ID. */
    private final Map<String, Trying> trying = new TreeMap<>();
    /**
     * How long a trying report waits for the call that vouches for it (its gateway's audit, or the callee phone's
     * dialog): 64*T1, the span of the INVITE's timer B. A gateway later than that finds its line's call ringing with
     * nobody calling, which its no-answer timer ends.
     */
    static final long TRYING_WAIT_MILLIS = 32_000;

    DialogAdoption(CoreServices svc, SipCore sip, B2bua b2bua, SubscriberDirectory directory, SipCounters counters) {
        this.directory = directory;
        this.svc = svc;
        this.sip = sip;
        this.b2bua = b2bua;
        this.counters = counters;
    }

    void cookies(PhoneDialogCookies c) { this.cookies = c; }

    /** The registrar bound a contact anew: ask it for its dialogs once the REGISTER is answered ({@link #flush}). */
    void newBinding(String user, Binding b) { pending.add(Map.entry(user, b)); }

    void flush() {
        if (pending.isEmpty()) return;
        List<Map.Entry<String, Binding>> now = new ArrayList<>(pending);
        pending.clear();
        // a controller without a cookie key cannot verify anything: it does not ask
        if (cookies == PhoneDialogCookies.OFF) return;
        for (Map.Entry<String, Binding> e : now) subscribe(e.getKey(), e.getValue());
    }

    private void subscribe(String user, Binding b) {
        long n = nextSubscription++;
        String callId = "hfsub" + n + "x" + Long.toHexString(svc.random().nextLong()) + "@" + sip.domain();
        String tag = "hfs" + n + "x" + Long.toHexString(svc.random().nextLong() & 0xffffffffL);
        long token = sip.send(new SipOutgoingRequest("SUBSCRIBE", callId, b.contact(), b.transport(),
                "sip:holdfast@" + sip.domain(), tag, "sip:" + user + "@" + sip.domain(), null, null, null,
                List.of(new SipHeader("Event", "dialog"), new SipHeader("Accept", "application/dialog-info+xml"),
                        new SipHeader("Expires", "0"))));
        Subscription s = new Subscription(user, callId, b.transport(), token, b.contact());
        byToken.put(token, s);
        byCallId.put(callId, s);
        counters.add("migration.subscribe.sent");
    }

    /** A response to one of our SUBSCRIBEs; false when the token is not ours. */
    boolean response(long token, SipResponse r) {
        Subscription s = byToken.get(token);
        if (s == null) return false;
        if (r.status() < 200) return true;
        byToken.remove(token);
        if (r.status() >= 300) {
            // a phone without the dialog package (489, 405...) or one that refused us: nothing to adopt from it
            counters.add("migration.subscribe.refused." + r.status());
            byCallId.remove(s.callId());
        }
        return true;
    }

    boolean failed(long token) {
        Subscription s = byToken.remove(token);
        if (s == null) return false;
        counters.add("migration.subscribe.failed");
        byCallId.remove(s.callId());
        return true;
    }

    /** A NOTIFY: the phone's dialogs (a fetch has exactly one; any later one is for no subscription: 481). */
    void notify(long handle, SipRequest r) {
        Subscription s = byCallId.remove(r.callId());
        if (s == null) {
            counters.add("migration.notify.unknown");
            sip.respond(handle, SipReply.of(481, "Subscription Does Not Exist"));
            return;
        }
        if (r.body() == null) {
            sip.respond(handle, SipReply.of(200, "OK"));
            return;
        }
        List<DialogInfoDocument.Dialog> dialogs;
        try {
            dialogs = DialogInfoDocument.parse(r.body());
        } catch (IllegalArgumentException e) {
            counters.add("migration.notify.malformed");
            LOG.log(System.Logger.Level.WARNING, "dialog NOTIFY from " + s.user() + ": " + e.getMessage());
            sip.respond(handle, SipReply.of(200, "OK"));
            return;
        }
        counters.add("migration.notify.received");
        for (DialogInfoDocument.Dialog d : dialogs) dialog(s, d);
        // this phone's dialogs may be what another phone's trying INVITE waited for (the callee of a call whose 180
        // to the caller was lost)
        retryTrying();
        // answered once its dialogs are adopted: the edge adopts at once on the core thread but sends the 200 from
        // another, and a phone sends the BYEs it held back during the failover as soon as it has the 200; answered
        // first, such a BYE could beat the adoption and get the stack's own 481, leaving the other leg up for good
        // (bin/demo --kill-primary-after: a caller that hung up during the failover, its callee never released)
        sip.respond(handle, SipReply.of(200, "OK"));
    }

    private void dialog(Subscription s, DialogInfoDocument.Dialog d) {
        if ("trying".equals(d.state())) {
            trying(s, d);
            return;
        }
        if (d.callId() == null || d.localTag() == null || d.remoteTag() == null || d.localTarget() == null
                || d.remoteTarget() == null) {
            counters.add("migration.dialog.incomplete");
            return;
        }
        boolean early = "early".equals(d.state());
        // the phone's own INVITE, ringing: answerable here only with the branch of its Via
        boolean callerEarly = early && "initiator".equals(d.direction());
        if (callerEarly && d.inviteBranch() == null || !early && !"confirmed".equals(d.state())) {
            counters.add("migration.dialog.not-confirmed");
            return;
        }
        if (b2bua.knows(d.callId())) {
            counters.add("migration.dialog.known"); // ours already (the phone registered anew with us)
            return;
        }
        if (early && (callerEarly ? d.localCSeq() : d.remoteCSeq()) <= 0) {
            counters.add("migration.dialog.incomplete"); // no CSeq of the INVITE: its answer could not be recognised
            return;
        }
        String cookie = param(d.remoteTarget(), COOKIE_PARAM);
        List<String> ourRoutes = new ArrayList<>(d.routeSet());
        java.util.Collections.reverse(ourRoutes);
        AdoptedDialog a = new AdoptedDialog(s.user(), d.callId(), d.remoteTag(), d.localTag(), d.remoteIdentity(),
                d.localIdentity(), d.localTarget(), s.transport(), d.remoteCSeq(), d.localCSeq(), ourRoutes, cookie);
        // adopted in the edge whatever the cookie says: a dialog we do not trust still gets its BYE answered (an
        // early one is adopted by the B2BUA, which takes the phone's answer to its INVITE with it)
        if (!early) svc.emit(new Command.SipAdoptDialog(a));
        PhoneDialogCookies.Verdict v = cookies.verify(cookie);
        if (v instanceof PhoneDialogCookies.Accepted ok && !d.callId().equals(ok.cookie().self().callId())) {
            v = new PhoneDialogCookies.Rejected("misplaced", "the cookie is for dialog " + ok.cookie().self().callId());
        } else if (v instanceof PhoneDialogCookies.Accepted ok && !ok.cookie().self().id().equals(number(s.user()))) {
            // a cookie of another phone's dialog: it names that phone's number, not this one's
            v = new PhoneDialogCookies.Rejected("misplaced", "the cookie is for number " + ok.cookie().self().id());
        }
        if (v instanceof PhoneDialogCookies.Rejected no) {
            counters.add("migration.cookie.rejected");
            counters.add("migration.cookie.rejected." + no.reason());
            LOG.log(System.Logger.Level.WARNING, () -> (early ? "early dialog " : "dialog ") + d.callId() + " of " + s.user()
                    + ": cookie refused (" + no.reason() + ": " + no.detail() + ")" + (early ? "; it stops ringing" : "; talk path only"));
            if (callerEarly) b2bua.refuseEarlyInvite(a, d.inviteBranch());
            else if (early) b2bua.releaseEarly(a, 0);
            else b2bua.talkPathOnly(d.callId());
            return;
        }
        counters.add("migration.cookie.accepted");
        if (callerEarly) b2bua.adoptEarlyInvite(((PhoneDialogCookies.Accepted) v).cookie(), a, d.inviteBranch());
        else if (early) b2bua.adoptEarly(((PhoneDialogCookies.Accepted) v).cookie(), a);
        else b2bua.adopt(((PhoneDialogCookies.Accepted) v).cookie(), a);
    }

    /**
     * A phone's own INVITE that is still trying (docs/migration.md, "A ringing call whose 180 was lost"): the phone
     * has no tag and no cookie of ours, so nothing it says is signed. The report is only a request to answer that
     * INVITE; what is trusted comes from a call rebuilt here from signed cookies that names this phone's number as
     * the caller and this Call-ID as its dialog (a gateway's cookie, or the callee phone's). Such a call is joined
     * with the INVITE at once or when it is rebuilt ({@link #retryTrying}); a report that no call vouches for within
     * {@link #TRYING_WAIT_MILLIS} is ignored (logged, counted).
     */
    private void trying(Subscription s, DialogInfoDocument.Dialog d) {
        if (d.callId() == null || d.localTag() == null || d.localIdentity() == null || d.remoteIdentity() == null
                || d.inviteBranch() == null || d.localCSeq() <= 0 || !"initiator".equals(d.direction())) {
            counters.add("migration.dialog.incomplete"); // nothing we could answer its INVITE with
            return;
        }
        if (b2bua.knows(d.callId())) {
            counters.add("migration.dialog.known");
            return;
        }
        counters.add("migration.trying.reported");
        Trying old = trying.remove(d.callId());
        if (old != null) svc.cancelTimer(old.timer());
        String callId = d.callId();
        long[] timer = new long[1];
        timer[0] = svc.startTimer(TRYING_WAIT_MILLIS, () -> {
            Trying waiting = trying.get(callId);
            if (waiting == null || waiting.timer() != timer[0]) return;
            trying.remove(callId);
            counters.add("migration.trying.unmatched");
            LOG.log(System.Logger.Level.WARNING, () -> "trying INVITE " + callId + " of " + waiting.from().user()
                    + ": no call here names it (no signed cookie vouches for it); ignored");
        });
        Trying t = new Trying(s, d, timer[0]);
        trying.put(callId, t);
        if (match(t)) {
            trying.remove(callId);
            svc.cancelTimer(timer[0]);
        }
    }

    /** Calls were rebuilt or joined here: the trying INVITEs waiting for one are looked at again. */
    void retryTrying() {
        if (trying.isEmpty()) return;
        for (Trying t : new ArrayList<>(trying.values())) {
            String callId = t.dialog().callId();
            if (b2bua.knows(callId)) {
                counters.add("migration.dialog.known");
            } else if (!match(t)) {
                continue;
            }
            trying.remove(callId);
            svc.cancelTimer(t.timer());
        }
    }

    /**
     * Takes the trying INVITE over when a call here vouches for it: the cookie its dialog would have carried (made
     * here from that call) becomes the dialog's, with a tag of ours (the phone never saw the dead controller's), and
     * the INVITE is adopted as a ringing one whose 180 goes now. False when no call names it yet.
     */
    private boolean match(Trying t) {
        DialogInfoDocument.Dialog d = t.dialog();
        String number = number(t.from().user());
        String text = b2bua.tryingCookie(d.callId(), number);
        if (text == null) return false;
        if (!(cookies.verify(text) instanceof PhoneDialogCookies.Accepted ok) || !d.callId().equals(ok.cookie().self().callId())
                || !number.equals(ok.cookie().self().id())) {
            counters.add("migration.trying.unmatched"); // our own cookie, just made: only a misconfigured key ring
            LOG.log(System.Logger.Level.WARNING, () -> "trying INVITE " + d.callId() + ": the cookie made for it does not verify");
            return true;
        }
        String ourTag = "hft" + Long.toHexString(svc.random().nextLong() & 0xffffffffffffL);
        // our responses go to the contact the phone registered (and we fetched its dialogs from), not to a target
        // the unsigned report names: a report cannot aim them at anybody else
        AdoptedDialog a = new AdoptedDialog(t.from().user(), d.callId(), ourTag, d.localTag(), d.remoteIdentity(),
                d.localIdentity(), t.from().contact(), t.from().transport(), -1, d.localCSeq(), List.of(), text);
        counters.add("migration.trying.adopted");
        LOG.log(System.Logger.Level.INFO, () -> "trying INVITE " + d.callId() + " of " + t.from().user()
                + ": vouched for by call key " + Long.toHexString(ok.cookie().callKey()) + "; taken over");
        b2bua.adoptEarlyInvite(ok.cookie(), a, d.inviteBranch(), true);
        return true;
    }

    private String number(String user) {
        Subscriber sub = directory.byUser(user);
        return sub == null ? user : sub.number();
    }

    /** The value of URI parameter {@code name} (before any {@code ?headers}), or null. */
    static String param(String uri, String name) {
        int q = uri.indexOf('?');
        String u = q < 0 ? uri : uri.substring(0, q);
        if (u.startsWith("<") && u.endsWith(">")) u = u.substring(1, u.length() - 1);
        String[] parts = u.split(";");
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq > 0 && parts[i].substring(0, eq).strip().equalsIgnoreCase(name)) return parts[i].substring(eq + 1).strip();
        }
        return null;
    }
}
