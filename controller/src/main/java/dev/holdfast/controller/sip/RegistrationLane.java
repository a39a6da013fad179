package dev.holdfast.controller.sip;

import dev.holdfast.controller.core.Event;

import javax.sip.message.Request;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;

/**
 * Decides which REGISTERs the core takes ahead of the work already queued (as it takes gateways' ServiceChanges).
 *
 * <p>After a failover the alternate's core has thousands of audit replies queued while it rebuilds calls; in a
 * 10,000-call drill a phone's REGISTER waited up to 1.7 s behind them (0 ms in the SIP stack, 0 ms in the core), and
 * with a challenge that is two waits, so phones registered seconds after they had detected the loss.
 *
 * <p>Only a <em>new binding</em> goes first: a REGISTER whose Call-ID has no binding here yet (a phone arriving: at
 * start, or failing over to us, which starts a fresh registration), including its answer to the challenge. A
 * refresh keeps its place: taking those ahead made conference tests flaky (a member's re-registration overtook the
 * events of its calls). A removal (expires 0, {@code *}) and a query keep their place too, and so does a new binding
 * while an earlier REGISTER of the same address-of-record still waits in the queue: an un-REGISTER handled after
 * the new binding would remove it (RFC 3261 10.3: a binding with another Call-ID and expires 0 is removed).
 *
 * <p>Thread use: {@link #takes} and {@link #handled} on the stack's thread, the wrapped event and {@link #answered}
 * on the core thread.
 */
final class RegistrationLane {
    /** Beyond this many bound Call-IDs the set starts again (a refresh then counts as new once: harmless). */
    static final int MAX_BOUND = 200_000;

    /** Call-IDs of registrations that hold a binding here (answered 2xx, not a removal). */
    private final Set<String> bound = ConcurrentHashMap.newKeySet();
    /** REGISTERs waiting in the core's ordinary queue, by address-of-record. */
    private final Map<String, Integer> waiting = new ConcurrentHashMap<>();

    /** Whether {@code r} (a REGISTER) goes ahead of the queued work. */
    boolean takes(SipRequest r) {
        if (bound.contains(r.callId()) || !binds(r)) return false;
        return !waiting.containsKey(r.toUri());
    }

    /** Wraps the event of a REGISTER in the ordinary queue so that its address-of-record counts as waiting. */
    LongFunction<Event> handled(SipRequest r, LongFunction<Event> event) {
        String aor = r.toUri();
        waiting.merge(aor, 1, Integer::sum);
        return now -> {
            waiting.computeIfPresent(aor, (k, n) -> n > 1 ? n - 1 : null);
            return event.apply(now);
        };
    }

    /** The final answer to a REGISTER: a 2xx binds its Call-ID (or unbinds it, for a removal). */
    void answered(Request register, String callId, int status) {
        if (status < 200 || status >= 300) return;
        if (removes(register)) {
            bound.remove(callId);
        } else {
            if (bound.size() >= MAX_BOUND) bound.clear();
            bound.add(callId);
        }
    }

    /** At least one contact that stays bound (a contact's expires, else the request's, else the registrar's default). */
    static boolean binds(SipRequest r) {
        for (SipContact c : r.contacts()) {
            if ("*".equals(c.uri())) return false;
            Integer e = c.expires() != null ? c.expires() : r.expires();
            if (e == null || e > 0) return true;
        }
        return false;
    }

    private static boolean removes(Request register) {
        try {
            return !binds(SipMessageMapping.toCore(register, "udp"));
        } catch (RuntimeException e) {
            return false;
        }
    }
}
