package dev.holdfast.endpointsim;

import dev.holdfast.endpointsim.phone.Phone;
import dev.holdfast.endpointsim.phone.PhoneConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A phone's ordered list of controllers: when the one it uses stops answering, it registers with the next. */
class ControllerFailoverTest {
    private static final Duration T = Duration.ofSeconds(6);
    private PhoneRuntime rt;
    private TestRegistrar primary;
    private TestRegistrar alternate;

    @AfterEach void stop() {
        if (rt != null) rt.close();
        if (primary != null) primary.close();
        if (alternate != null) alternate.close();
    }

    @ParameterizedTest @ValueSource(strings = {"udp", "tcp"})
    void keepaliveTimeoutMovesThePhoneToTheAlternateAndBack(String transport) throws Exception {
        primary = new TestRegistrar();
        alternate = new TestRegistrar();
        rt = PhoneRuntime.loopback();
        Phone p = rt.phone(PhoneConfig.of("alice", null, List.of(primary.address(), alternate.address()))
                .withTransport(transport)
                .withRegistration(Duration.ofSeconds(60), Duration.ofMillis(200), Duration.ofMillis(600)));
        Await.until("registered with the primary", T, () -> p.registered() && primary.registers() == 1);
        Await.until("keepalives answered", T, () -> primary.options() >= 2);
        assertEquals(primary.address(), p.controller());

        primary.silence(true); // the primary hangs: OPTIONS go unanswered
        Await.until("registered with the alternate", T, () -> p.registered() && alternate.registers() == 1,
                () -> p.controller() + " " + p.registrationError());
        assertEquals(alternate.address(), p.controller());
        assertEquals(1, p.failovers());
        Await.until("keepalives to the alternate", T, () -> alternate.options() >= 2);

        primary.silence(false);
        alternate.close(); // the alternate dies outright: its ports are gone
        Await.until("back on the primary", T, () -> p.registered() && p.controller().equals(primary.address()),
                () -> p.controller() + " " + p.registrationError());
        assertTrue(primary.registers() >= 2);
        assertEquals(2, p.failovers());
    }

    /**
     * A 503 to a keepalive: with Retry-After the controller is only busy (an overloaded one's flood guard) and the phone
     * stays; without, it is unavailable to this phone (a controller sending it to the other of the pair after failback)
     * and the phone registers with the next on its list (RFC 3263 4.3).
     */
    @org.junit.jupiter.api.Test
    void aKeepalivesAnsweredWith503WithoutRetryAfterMovesThePhoneOnWithRetryAfterItStays() throws Exception {
        primary = new TestRegistrar();
        alternate = new TestRegistrar();
        rt = PhoneRuntime.loopback();
        Phone p = rt.phone(PhoneConfig.of("alice", null, List.of(primary.address(), alternate.address()))
                .withRegistration(Duration.ofSeconds(60), Duration.ofMillis(200), Duration.ofMillis(600)));
        Await.until("registered with the primary", T, () -> p.registered() && primary.registers() == 1);

        primary.refuseOptions(true, 5);
        int before = primary.options();
        Await.until("busy keepalives", T, () -> primary.options() >= before + 3);
        assertEquals(primary.address(), p.controller(), "503 with Retry-After: the phone stays");
        assertEquals(0, p.failovers());

        primary.refuseOptions(true, null);
        Await.until("registered with the alternate", T, () -> p.registered() && alternate.registers() == 1,
                () -> p.controller() + " " + p.registrationError());
        assertEquals(alternate.address(), p.controller());
        assertEquals(1, p.failovers());
    }
}
