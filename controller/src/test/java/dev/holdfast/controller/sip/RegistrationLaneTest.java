package dev.holdfast.controller.sip;

import dev.holdfast.controller.Controller;
import dev.holdfast.endpointsim.PhoneRuntime;
import dev.holdfast.endpointsim.phone.Phone;
import dev.holdfast.endpointsim.phone.PhoneConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sip.SipFactory;
import javax.sip.message.Request;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A phone's new binding goes ahead of the core's queued work (after a failover, thousands of audit replies), a
 * refresh keeps its place (RegistrationLane).
 */
class RegistrationLaneTest {

    private static SipRequest register(String callId, String aor, Integer expires, List<SipContact> contacts) {
        return new SipRequest("REGISTER", "sip:127.0.0.1", "udp", callId, 1, aor, "t1", aor, null, contacts, expires,
                null, null, null, null, null, null);
    }

    private static Request wire(String callId, String contact) throws Exception {
        String text = "REGISTER sip:127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1\r\n"
                + "From: <sip:1001@127.0.0.1>;tag=a\r\nTo: <sip:1001@127.0.0.1>\r\n"
                + "Call-ID: " + callId + "\r\nCSeq: 2 REGISTER\r\nMax-Forwards: 70\r\n"
                + "Contact: " + contact + "\r\nContent-Length: 0\r\n\r\n";
        return SipFactory.getInstance().createMessageFactory().createRequest(text);
    }

    @Test
    void onlyANewBindingWithNoEarlierRegisterOfItsAorQueuedGoesFirst() throws Exception {
        RegistrationLane lane = new RegistrationLane();
        SipContact phone = new SipContact("sip:1001@127.0.0.1:5070", null);
        SipRequest fresh = register("c1", "sip:1001@127.0.0.1", 3600, List.of(phone));
        assertTrue(lane.takes(fresh), "a registration this registrar does not hold");
        assertFalse(lane.takes(register("c1", "sip:1001@127.0.0.1", 0, List.of(phone))), "a removal keeps its place");
        assertFalse(lane.takes(register("c1", "sip:1001@127.0.0.1", null, List.of(new SipContact("*", null)))));
        assertFalse(lane.takes(register("c1", "sip:1001@127.0.0.1", null, List.of())), "a query keeps its place");
        assertTrue(lane.takes(register("c1", "sip:1001@127.0.0.1", 0, List.of(new SipContact("sip:x@y", 60)))),
                "a contact's own expires counts");

        // a 401 binds nothing: the answer to the challenge goes first too
        lane.answered(wire("c1", "<sip:1001@127.0.0.1:5070>;expires=3600"), "c1", 401);
        assertTrue(lane.takes(fresh));
        // a 2xx does: the refreshes of that Call-ID keep their place
        lane.answered(wire("c1", "<sip:1001@127.0.0.1:5070>;expires=3600"), "c1", 200);
        assertFalse(lane.takes(fresh), "a refresh");
        // removed: a new registration with that Call-ID is new again
        lane.answered(wire("c1", "<sip:1001@127.0.0.1:5070>;expires=0"), "c1", 200);
        assertTrue(lane.takes(fresh));

        // an earlier REGISTER of the same AOR waits in the ordinary queue (an un-REGISTER, say): the new binding
        // waits behind it, else the removal handled after it would undo it
        LongFunction<dev.holdfast.controller.core.Event> queued = lane.handled(register("c0", "sip:1001@127.0.0.1", 0, List.of(phone)),
                now -> null);
        SipRequest reboot = register("c2", "sip:1001@127.0.0.1", 3600, List.of(phone));
        assertFalse(lane.takes(reboot));
        assertTrue(lane.takes(register("c3", "sip:1002@127.0.0.1", 3600, List.of(new SipContact("sip:1002@127.0.0.1:5071", null)))),
                "another AOR is not held up");
        queued.apply(0); // the core handled it
        assertTrue(lane.takes(reboot));
    }

    @Test
    void aPhoneArrivingIsRegisteredAheadOfQueuedWorkWhileARefreshWaitsItsTurn(@TempDir Path dir) throws Exception {
        Path events = dir.resolve("core.events");
        try (Controller c = SipTestController.start("", 30, events, null); PhoneRuntime phones = PhoneRuntime.loopback()) {
            List<InetSocketAddress> list = List.of(new InetSocketAddress("127.0.0.1", c.sip().port()));
            Phone a = phones.phone(PhoneConfig.of("1001", "secret1", list));
            await("1001 registered", a::registered);
            long before = a.registrations();

            // the core is busy: everything that arrives now queues
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread busy = new Thread(() -> {
                try {
                    c.inspect(core -> {
                        held.countDown();
                        try {
                            release.await(8, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return null;
                    });
                } catch (Exception ignored) {
                    // the test fails on what follows
                }
            });
            busy.start();
            assertTrue(held.await(10, TimeUnit.SECONDS));
            long in = requestsIn(c);
            a.register(); // a refresh: same Call-ID, queued in order
            await("the refresh reached the edge", () -> requestsIn(c) > in);
            Phone b = phones.phone(PhoneConfig.of("1002", "secret2", list)); // arriving: a new binding
            await("1002's REGISTER reached the edge", () -> requestsIn(c) > in + 1);
            release.countDown();
            busy.join(10_000);
            await("both registered", () -> b.registered() && a.registrations() > before);
        }
        // the order the core handled them in is the event log's
        List<String> registers = new ArrayList<>();
        for (String line : Files.readAllLines(events)) {
            if (!line.contains("\"sip-request\"") || !line.contains("\"REGISTER\"")) continue;
            registers.add(line.contains("sip:1002@") ? "1002" : "1001");
        }
        // 1001's first registration (challenged, then with credentials), then 1002's ahead of 1001's refresh,
        // which had arrived before it
        assertEquals(List.of("1001", "1001", "1002", "1001"), registers.subList(0, 4), registers.toString());
    }

    private static long requestsIn(Controller c) {
        Long n = c.sip().counters().snapshot().get(SipEdgeCounters.REQUESTS);
        return n == null ? 0 : n;
    }

    private static void await(String what, BooleanSupplier ok) throws InterruptedException {
        long until = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < until) {
            if (ok.getAsBoolean()) return;
            Thread.sleep(20);
        }
        fail(what + " not within 10 s");
    }
}
