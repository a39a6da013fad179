package dev.holdfast.endpointsim;

import dev.holdfast.endpointsim.phone.Phone;
import dev.holdfast.endpointsim.phone.PhoneConfig;
import dev.holdfast.endpointsim.phone.PhoneListener;
import dev.holdfast.endpointsim.sip.SipEndpoint;
import dev.holdfast.endpointsim.sip.VirtualSipNetwork;
import dev.holdfast.sim.media.VirtualMediaNetwork;
import dev.holdfast.sim.time.VirtualSimScheduler;
import org.junit.jupiter.api.Test;

import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How a phone decides that its controller is dead, on the virtual clock: K keepalive probes in a row unanswered,
 * the next probe sent at once after a miss, any answer (however late) clearing the count. A controller that stalls
 * for longer than one probe's timeout but answers within K of them keeps its phones; one that is dead loses them
 * within keepalive interval + K x probe timeout of its last answer, and not before K probes went unanswered.
 */
class KeepaliveLossTest {
    private static final InetSocketAddress PRIMARY = new InetSocketAddress("198.18.1.1", 5060);
    private static final InetSocketAddress ALTERNATE = new InetSocketAddress("198.18.1.2", 5060);

    private final VirtualSimScheduler clock = new VirtualSimScheduler();
    private final VirtualSipNetwork sip = new VirtualSipNetwork(clock, Duration.ofMillis(2));
    private final VirtualMediaNetwork media = new VirtualMediaNetwork(clock, Duration.ofMillis(1));
    private final List<String> failovers = new ArrayList<>();

    /** A registrar that answers at once, except OPTIONS arriving while it stalls: those when the stall ends. */
    private final class Registrar {
        final VirtualSipNetwork.Port port;
        long stallFromMs = -1;
        long stallUntilMs = -1;
        int options;

        Registrar(InetSocketAddress at) {
            port = sip.open(at);
            port.bindDefault(new SipEndpoint() {
                @Override public void request(Request r, ServerRef tx) {
                    if (tx == null) return;
                    long now = clock.elapsed().toMillis();
                    if (Request.OPTIONS.equals(r.getMethod())) {
                        options++;
                        if (now >= stallFromMs && now < stallUntilMs) {
                            clock.schedule(() -> answer(r, tx), Duration.ofMillis(stallUntilMs - now));
                            return;
                        }
                    }
                    answer(r, tx);
                }
            });
        }

        void answer(Request r, SipEndpoint.ServerRef tx) {
            try {
                Response ok = port.messages().createResponse(200, r);
                ((ToHeader) ok.getHeader(ToHeader.NAME)).setTag("r");
                if (Request.REGISTER.equals(r.getMethod())) ok.addHeader((javax.sip.header.Header) r.getHeader("Contact").clone());
                tx.respond(ok);
            } catch (java.text.ParseException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private Phone phone(int misses, Duration probeTimeout) throws Exception {
        InetAddress a = InetAddress.getByName("198.18.0.1");
        PhoneConfig cfg = PhoneConfig.of("alice", "pw", List.of(PRIMARY, ALTERNATE)).withMediaAddress(a)
                .withRegistration(Duration.ofMinutes(10), Duration.ofSeconds(3), Duration.ofSeconds(2))
                .withKeepaliveLoss(misses, probeTimeout);
        Phone p = new Phone(cfg, clock, sip.open(new InetSocketAddress(a, 5060)), media, new SplittableRandom(1));
        p.addListener(new PhoneListener() {
            @Override public void failedOver(Phone phone, InetSocketAddress from, InetSocketAddress next, String reason) {
                failovers.add(clock.elapsed().toMillis() + "ms " + reason);
            }
        });
        p.start();
        return p;
    }

    private void advance(long ms) { clock.advance(Duration.ofMillis(ms)); }

    @Test void aControllerThatAnswersOneKeepaliveLateKeepsItsPhone() throws Exception {
        Registrar primary = new Registrar(PRIMARY);
        new Registrar(ALTERNATE);
        Phone p = phone(3, Duration.ofSeconds(1));
        advance(100);
        assertTrue(p.registered());
        // registered at 4 ms; keepalives every 3 s after the last answer: the one sent at 3.004 s finds the primary
        // stalled until 5.5 s, so it and the two probes sent after its misses (4.004 s, 5.004 s) are answered then
        primary.stallFromMs = 3_000;
        primary.stallUntilMs = 5_500;
        advance(10_000);
        assertEquals(List.of(), failovers, "a stall of 2.5 s is shorter than 3 probes of 1 s");
        assertEquals(PRIMARY, p.controller());
        assertEquals(2, p.keepaliveMisses(), "the first two probes missed their 1 s deadline; the third was answered in time");
        assertTrue(p.keepalivesLate() >= 1, "the late answers are counted: " + p.keepalivesLate());
        assertTrue(p.keepaliveRttMaxMillis() >= 2_400, "the first probe's round trip: " + p.keepaliveRttMaxMillis());
    }

    @Test void theSameStallMakesAOneProbePhoneLeaveAndItsLateAnswerIsCounted() throws Exception {
        Registrar primary = new Registrar(PRIMARY);
        new Registrar(ALTERNATE);
        Phone p = phone(1, Duration.ofSeconds(2)); // the drill's phones before: one probe, 2 s
        advance(100);
        primary.stallFromMs = 3_000;
        primary.stallUntilMs = 5_500;
        advance(10_000);
        assertEquals(List.of("5004ms OPTIONS keepalive timed out"), failovers);
        assertEquals(ALTERNATE, p.controller());
        assertEquals(1, p.lateKeepaliveAnswers(), "the primary's answer at 5.5 s came after the phone had left it");
    }

    @Test void aDeadControllerIsLeftWithinIntervalPlusKProbesAndNotBefore() throws Exception {
        Registrar primary = new Registrar(PRIMARY);
        Registrar alternate = new Registrar(ALTERNATE);
        Phone p = phone(3, Duration.ofMillis(500));
        advance(100);
        advance(6_000); // keepalives at 3.004 and 6.008 s answered 4 ms after each
        primary.port.down(true); // at 6.1 s: dead after its last answer at 6.012 s
        // the next probe leaves at 9.012 s; misses at 9.512, 10.012, 10.512 s: dead at 10.512 s
        advance(4_400); // 10.5 s
        assertEquals(List.of(), failovers, "not before the third probe's deadline");
        assertEquals(2, p.keepaliveMisses());
        advance(20); // 10.52 s
        assertEquals(List.of("10512ms OPTIONS keepalive timed out (3 probes in a row)"), failovers);
        long afterLastAnswer = 10_512 - 6_012;
        assertTrue(afterLastAnswer <= 3_000 + 3 * 500, "within interval + K x timeout of the last answer: " + afterLastAnswer);
        advance(10);
        assertTrue(p.registered());
        assertEquals(ALTERNATE, p.controller());
        assertTrue(alternate.options == 0, "no keepalive to the alternate yet");
    }
}
