package dev.holdfast.controller.e2e;

import dev.holdfast.controller.Controller;
import dev.holdfast.endpointsim.PhoneRuntime;
import dev.holdfast.endpointsim.phone.Phone;
import dev.holdfast.endpointsim.phone.PhoneConfig;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import static dev.holdfast.controller.e2e.E2eNetwork.eventually;
import static dev.holdfast.controller.e2e.E2eSteps.WAIT;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Endpoint-sim phones for migration tests on an {@link E2eNetwork} with an alternate: one SIP stack for all (as the
 * load generator runs them), each phone with the primary then the alternate on its list, keepalives quick enough to
 * notice the primary's death in about a second, answering calls at once. Shared setup, so the tests do not each copy it.
 */
final class MigratingPhones implements AutoCloseable {
    private PhoneRuntime runtime;

    static InetSocketAddress sip(Controller c) { return new InetSocketAddress("127.0.0.1", c.sip().port()); }

    /** A registered phone {@code user} (password {@code s}+user) over UDP. */
    Phone phone(E2eNetwork n, String user) throws Exception { return phone(n, user, Duration.ofMillis(600)); }

    /** As {@link #phone(E2eNetwork, String)} with another keepalive interval (a phone that notices a death later). */
    Phone phone(E2eNetwork n, String user, Duration keepalive) throws Exception {
        if (runtime == null) runtime = PhoneRuntime.start(java.net.InetAddress.getLoopbackAddress(), 0, 7, 1);
        Phone p = runtime.phone(PhoneConfig.of(user, "s" + user, List.of(sip(n.controller), sip(n.alternate))).withTransport("udp")
                .withRegistration(Duration.ofHours(1), keepalive, Duration.ofMillis(2000)).withAutoAnswer(Duration.ZERO));
        assertTrue(eventually(p::registered, WAIT), user + " registers: " + p.registrationError());
        return p;
    }

    /** The phone is registered with controller {@code c}. */
    static boolean at(Phone p, Controller c) { return p.registered() && sip(c).equals(p.controller()); }

    /** A SIP-side counter of controller {@code c}; -1 while it cannot be read. */
    static long sipCounter(Controller c, String name) {
        try {
            return c.inspect(core -> core.sip().counters().get(name));
        } catch (Exception e) {
            return -1;
        }
    }

    /** A call-side migration counter of controller {@code c} (cookies, merge); 0 when absent. */
    static long migrationCounter(Controller c, String name) {
        try {
            return c.inspect(core -> core.calls().migrationCounters().getOrDefault(name, 0L));
        } catch (Exception e) {
            return -1;
        }
    }

    @Override public void close() { if (runtime != null) runtime.close(); }
}
