package dev.holdfast.controller.sip;

import dev.holdfast.controller.provisioning.SipSettings;

import java.util.ArrayList;
import java.util.List;

/**
 * The registrar (RFC 3261 10.3): authenticates REGISTER with digest, then adds, refreshes and removes the contacts
 * of the address-of-record in the {@link LocationService}. Unknown users and wrong passwords get the same 403, so a
 * caller cannot learn which user names exist.
 */
final class Registrar {
    /** Contacts one address-of-record may hold. */
    static final int MAX_CONTACTS = 10;

    private final SipSettings settings;
    private final DigestAuthenticator auth;
    private final SubscriberDirectory directory;
    private final LocationService location;
    private final SipCounters counters;
    /** Told of each contact bound anew (not a refresh of the same registration): a phone that may come from another controller. */
    private java.util.function.BiConsumer<String, Binding> newBindings = (user, b) -> {};

    Registrar(SipSettings settings, DigestAuthenticator auth, SubscriberDirectory directory, LocationService location,
              SipCounters counters) {
        this.settings = settings;
        this.auth = auth;
        this.directory = directory;
        this.location = location;
        this.counters = counters;
    }

    void onNewBinding(java.util.function.BiConsumer<String, Binding> listener) { this.newBindings = listener; }

    SipReply register(String source, SipRequest r, long now) {
        SipUri aor = SipUri.parse(r.toUri());
        if (aor == null || aor.user() == null) {
            counters.add("register.bad");
            return SipReply.of(400, "To is not a sip URI with a user");
        }
        DigestCredentials c = DigestCredentials.parse(r.authorization());
        if (c == null) {
            counters.add("register.challenged");
            return SipReply.of(401, "Unauthorized", new SipHeader("WWW-Authenticate", auth.challenge(now, false, aor.user(), source)));
        }
        Subscriber sub = directory.byUser(c.username());
        DigestAuthenticator.Verdict v = auth.verify("REGISTER", r.requestUri(), c, sub, source, now);
        if (v == DigestAuthenticator.Verdict.URI_MISMATCH) {
            counters.add("register.uri-mismatch", "REGISTER from " + source + " for " + r.requestUri()
                    + " answers a digest for " + c.get("uri"));
            return SipReply.of(400, "Digest uri does not match the Request-URI");
        }
        if (v == DigestAuthenticator.Verdict.STALE || v == DigestAuthenticator.Verdict.REPLAYED) {
            counters.add(v == DigestAuthenticator.Verdict.STALE ? "register.stale" : "register.replayed");
            return SipReply.of(401, "Unauthorized", new SipHeader("WWW-Authenticate", auth.challenge(now, true, aor.user(), source)));
        }
        if (v == DigestAuthenticator.Verdict.UNKNOWN_NONCE) {
            // not a nonce of ours (another controller's key, forged, another user's or address's): challenge afresh
            counters.add("register.unknown-nonce");
            return SipReply.of(401, "Unauthorized", new SipHeader("WWW-Authenticate", auth.challenge(now, false, aor.user(), source)));
        }
        if (v != DigestAuthenticator.Verdict.OK || !sub.user().equals(aor.user())) {
            counters.add("register.forbidden");
            return SipReply.of(403, "Forbidden");
        }
        String user = sub.user();
        String transport = r.transport();
        List<SipContact> contacts = r.contacts();
        if (contacts.stream().anyMatch(SipContact::wildcard)) {
            if (contacts.size() != 1 || r.expires() == null || r.expires() != 0) {
                counters.add("register.bad");
                return SipReply.of(400, "Contact * needs Expires: 0 and no other contact");
            }
            for (Binding b : location.bindings(user, now)) {
                if (b.callId().equals(r.callId()) && b.cseq() >= r.cseq()) return outOfOrder();
            }
            location.removeAll(user);
            counters.add("register.unregistered-all");
            return ok(user, now, source, 0);
        }
        // validate every contact before changing anything: a REGISTER is applied whole or not at all
        List<Long> lifetimes = new ArrayList<>();
        for (SipContact contact : contacts) {
            if (SipUri.parse(contact.uri()) == null) {
                counters.add("register.bad");
                return SipReply.of(400, "Contact is not a sip URI");
            }
            long expires = contact.expires() != null ? contact.expires()
                    : r.expires() != null ? r.expires() : settings.defaultExpires();
            if (expires > 0 && expires < settings.minExpires()) {
                counters.add("register.too-brief");
                return SipReply.of(423, "Interval Too Brief", new SipHeader("Min-Expires", String.valueOf(settings.minExpires())));
            }
            lifetimes.add(Math.min(expires, settings.maxExpires()));
            Binding old = location.binding(user, contact.uri());
            if (old != null && old.callId().equals(r.callId()) && old.cseq() >= r.cseq()) return outOfOrder();
        }
        int live = location.bindings(user, now).size();
        for (SipContact contact : contacts) if (location.binding(user, contact.uri()) == null) live++;
        if (live > MAX_CONTACTS) {
            counters.add("register.too-many-contacts");
            return SipReply.of(403, "Too many contacts");
        }
        for (int i = 0; i < contacts.size(); i++) {
            String uri = contacts.get(i).uri();
            long expires = lifetimes.get(i);
            if (expires == 0) {
                location.remove(user, uri);
                counters.add("register.unregistered");
            } else {
                SipUri u = SipUri.parse(uri);
                String t = u.transport() != null ? u.transport() : transport;
                Binding old = location.binding(user, uri);
                Binding b = new Binding(uri, source, t, now + expires * 1000, r.callId(), r.cseq(),
                        old != null ? old.registeredAt() : now);
                location.put(user, b);
                counters.add(old != null ? "register.refreshed" : "register.bound");
                // a registration this controller never saw (a new Call-ID): the phone may bring dialogs from elsewhere;
                // we ask only phones that say they serve the dialog event package (Allow-Events, RFC 6665 7.2.2)
                if ((old == null || !old.callId().equals(r.callId())) && r.allowsEvent("dialog")) newBindings.accept(user, b);
            }
        }
        counters.add("register.ok");
        return ok(user, now, source, lifetimes.stream().mapToLong(Long::longValue).max().orElse(0));
    }

    private SipReply outOfOrder() {
        counters.add("register.out-of-order");
        return SipReply.of(500, "Out of order REGISTER");
    }

    /**
     * 200 listing every live contact with the seconds it has left, and the nonce the phone should answer its next
     * REGISTER with (here or, after a failover, at the alternate): valid for the registration's interval
     * ({@code grantedSeconds}, when longer than the nonce lifetime), so a phone answers its refresh, or its first
     * REGISTER at the alternate, in one round trip however long it registered for.
     */
    private SipReply ok(String user, long now, String source, long grantedSeconds) {
        List<SipHeader> headers = new ArrayList<>();
        for (Binding b : location.bindings(user, now)) {
            headers.add(new SipHeader("Contact", "<" + b.contact() + ">;expires=" + Math.max(1, (b.expiresAt() - now) / 1000)));
        }
        headers.add(new SipHeader("Authentication-Info", auth.nextNonce(now, user, source, grantedSeconds)));
        return new SipReply(200, "OK", null, headers, false, null, null);
    }
}
