package dev.holdfast.controller.sip;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Phones this controller sends to the other controller of the pair: the members of a focus conference handed back to
 * the primary with its gateway (failback {@code immediate}, docs/migration.md "Failback"). Their registrations here are
 * dropped, and their keepalive OPTIONS and REGISTER refreshes (the registration's Call-ID) are answered
 * {@code 503 Service Unavailable} without Retry-After: unavailable to them, try the next server (RFC 3263 4.3), which
 * for a phone with the pair on its list is the primary. A 503 with Retry-After (the flood guard's) says the opposite:
 * come back here later. A REGISTER with a new Call-ID (the phone came back after another failover) is served again.
 */
final class PhoneHandback {
    private static final System.Logger LOG = System.getLogger(PhoneHandback.class.getName());
    /** By subscriber user: the Call-IDs of the registrations it had here when it was sent away. */
    private final Map<String, Set<String>> sent = new TreeMap<>();
    /** The users of {@link #sent}, for the SIP edge's threads (which answer other keepalives themselves). */
    private final Set<String> away = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final SubscriberDirectory directory;
    private final LocationService location;
    private final SipCounters counters;

    PhoneHandback(SubscriberDirectory directory, LocationService location, SipCounters counters) {
        this.directory = directory;
        this.location = location;
        this.counters = counters;
    }

    /** The phones with directory numbers {@code numbers} are to go to the other controller. */
    void send(List<String> numbers, long now) {
        for (String n : numbers) {
            Subscriber s = directory.byNumber(n);
            if (s == null) continue;
            Set<String> ids = sent.computeIfAbsent(s.user(), u -> new TreeSet<>());
            away.add(s.user());
            for (Binding b : location.bindings(s.user(), now)) ids.add(b.callId());
            location.removeAll(s.user());
            counters.add("handback.phones");
            LOG.log(System.Logger.Level.INFO, () -> s.user() + ": sent to the other controller (503 to its keepalive)");
        }
    }

    /** Whether {@code user} is being sent away; any thread. */
    boolean away(String user) { return away.contains(user); }

    /**
     * The answer for a request from a phone that was sent away, or null to serve it: its OPTIONS, its REGISTER in a
     * registration it had here. Any other REGISTER takes the phone back.
     */
    SipReply refusal(SipRequest r) {
        if (sent.isEmpty()) return null;
        SipUri from = r.fromUri() == null ? null : SipUri.parse(r.fromUri());
        String user = from == null ? null : from.user();
        Set<String> ids = user == null ? null : sent.get(user);
        if (ids == null) return null;
        if ("REGISTER".equals(r.method()) && !ids.contains(r.callId())) {
            sent.remove(user);
            away.remove(user);
            return null;
        }
        if (!"OPTIONS".equals(r.method()) && !"REGISTER".equals(r.method())) return null;
        counters.add("handback.refused." + r.method());
        return SipReply.of(503, "Service Unavailable", new SipHeader("Warning", "399 holdfast \"handed back to the primary controller\""));
    }
}
