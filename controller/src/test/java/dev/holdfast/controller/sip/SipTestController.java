package dev.holdfast.controller.sip;

import dev.holdfast.controller.Controller;
import dev.holdfast.controller.provisioning.Provisioning;
import dev.holdfast.controller.provisioning.ProvisioningLoader;
import dev.holdfast.h248.transport.EndpointOptions;

import java.util.List;

/**
 * A real controller listening for SIP on a free port of 127.0.0.1, with subscribers 1001 (password {@code secret1},
 * number 1001), 1002 ({@code secret2}, 1002), alice (given by HA1 of {@code wonderland}, number 2001), bob
 * ({@code builder}, 2002). {@code sipExtra} adds settings to the {@code sip:} mapping (minExpires is 1 unless it
 * says otherwise).
 */
final class SipTestController {
    private SipTestController() {}

    static Controller start(String sipExtra, int noAnswerSeconds) throws Exception {
        return start(sipExtra, noAnswerSeconds, null, null);
    }

    /** With an event log and a command log (for replay). */
    static Controller start(String sipExtra, int noAnswerSeconds, java.nio.file.Path events, java.nio.file.Path commands)
            throws Exception {
        return start(sipExtra, noAnswerSeconds, events, commands, "");
    }

    /** With {@code more} (top-level YAML, e.g. a {@code cookies:} section) added to the provisioning. */
    static Controller start(String sipExtra, int noAnswerSeconds, java.nio.file.Path events, java.nio.file.Path commands,
                            String more) throws Exception {
        return start(sipExtra, noAnswerSeconds, events, commands, more, 1);
    }

    /** ... with the core's {@code seed} (two controllers of a pair differ in it, as two started processes do). */
    static Controller start(String sipExtra, int noAnswerSeconds, java.nio.file.Path events, java.nio.file.Path commands,
                            String more, long seed) throws Exception {
        String ha1 = DigestAuthenticator.hash("MD5", "alice:holdfast:wonderland");
        Provisioning p = ProvisioningLoader.parse("""
                controller: { address: 127.0.0.1, port: 0, transports: [udp] }
                timers: { noAnswerSeconds: %d }
                sip: { port: 0 %s }
                subscribers:
                  - { user: "1001", password: secret1, number: "1001" }
                  - { user: "1002", password: secret2, number: "1002" }
                  - { user: alice, ha1: %s, number: "2001" }
                  - { user: bob, password: builder, number: "2002" }
                %s
                """.formatted(noAnswerSeconds, (sipExtra.contains("minExpires") ? "" : ", minExpires: 1")
                        + (sipExtra.isEmpty() ? "" : ", " + sipExtra), ha1, more),
                ProvisioningLoader.Format.YAML, "sip-test.yaml");
        return Controller.start(p, events, commands, seed, EndpointOptions.DEFAULTS);
    }

    static String target(Controller c) { return "127.0.0.1:" + c.sip().port(); }

    static List<Binding> bindings(Controller c, String user) throws Exception {
        return c.inspect(core -> core.sip().location().bindings(user, System.currentTimeMillis()));
    }

    /** Waits up to {@code limit} for {@code ok}; fails with {@code what} and what {@code found} says then. */
    static void await(String what, java.time.Duration limit, java.util.function.BooleanSupplier ok,
                      java.util.function.Supplier<?> found) {
        long end = System.nanoTime() + limit.toNanos();
        while (!ok.getAsBoolean()) {
            if (System.nanoTime() > end) org.junit.jupiter.api.Assertions.fail(what + " not within " + limit.toMillis() + " ms: " + found.get());
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                org.junit.jupiter.api.Assertions.fail("interrupted");
            }
        }
    }

    static long counter(Controller c, String name) throws Exception {
        return c.inspect(core -> core.sip().counters().get(name));
    }
}
