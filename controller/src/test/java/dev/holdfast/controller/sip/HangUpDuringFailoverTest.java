package dev.holdfast.controller.sip;

import dev.holdfast.controller.Controller;
import dev.holdfast.endpointsim.PhoneRuntime;
import dev.holdfast.endpointsim.phone.Call;
import dev.holdfast.endpointsim.phone.CallState;
import dev.holdfast.endpointsim.phone.Phone;
import dev.holdfast.endpointsim.phone.PhoneConfig;
import dev.holdfast.endpointsim.load.SipCallDriver;
import dev.holdfast.endpointsim.phone.PhoneListener;
import dev.holdfast.sim.load.FailoverLedger;
import dev.holdfast.sim.load.FailoverWindows;
import dev.holdfast.sim.load.KillMark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A phone-to-phone call answered just before the primary dies, whose phone hangs up before it has noticed the death
 * (docs/migration.md, "bin/demo --kill-primary-after", the call whose caller's BYE was never answered): its BYE goes
 * to the dead primary, is held back when the phone fails over, and is sent again through the alternate once the
 * alternate has fetched the phone's dialogs. The alternate must answer it 200 and end the other leg with BYE. Two real
 * controllers on 127.0.0.1, endpoint-sim phones with the demo's keepalive (1 s, 2 s to answer).
 */
class HangUpDuringFailoverTest extends PrimaryAndAlternate {
    private static final Duration T = Duration.ofSeconds(15);

    private static void await(String what, BooleanSupplier ok, Supplier<String> found) {
        SipTestController.await(what, T, ok, found);
    }

    private Phone phone(String user, String password, List<InetSocketAddress> list, Duration keepalive, String transport,
                        boolean answers) {
        PhoneConfig c = PhoneConfig.of(user, password, list).withTransport(transport)
                .withRegistration(Duration.ofSeconds(60), keepalive, Duration.ofSeconds(2));
        return phones.phone(answers ? c.withAutoAnswer(Duration.ZERO) : c);
    }

    /**
     * 1001 calls 1002, which answers; {@code sinceAnswer} later the primary stops abruptly, and {@code hangUpAfter}
     * later (before either phone can have noticed: their keepalives need 2 s to go unanswered) the {@code leaver}
     * hangs up. The phone with the later keepalive comes to the alternate later ({@code first}: which one's is 300 ms).
     */
    @ParameterizedTest(name = "{0}, {1} hangs up, {2} fails over first")
    @CsvSource({
            "udp, caller, caller", "udp, caller, callee", "udp, callee, caller", "udp, callee, callee",
            "tcp, caller, callee", "tcp, callee, caller"})
    void aHangUpSentToTheDeadPrimaryIsAnsweredThroughTheAlternateAndEndsTheOtherLeg(String transport, String leaver,
                                                                                    String first) throws Exception {
        primary = SipTestController.start("", 30, null, null, KEY);
        alternate = SipTestController.start("", 30, null, null, KEY);
        List<InetSocketAddress> list = List.of(address(primary), address(alternate));
        phones = PhoneRuntime.loopback();
        Duration quick = Duration.ofMillis(300);
        Duration slow = Duration.ofMillis(1500);
        Phone a = phone("1001", "secret1", list, first.equals("caller") ? quick : slow, transport, false);
        Phone b = phone("1002", "secret2", list, first.equals("callee") ? quick : slow, transport, true);
        await("both registered with the primary", () -> a.registered() && b.registered(),
                () -> a.registrationError() + " " + b.registrationError());
        Call out = a.call("1002");
        await("connected", () -> !b.calls().isEmpty() && out.state() == CallState.CONNECTED
                && b.calls().get(0).state() == CallState.CONNECTED, () -> out + " " + b.calls());
        Call in = b.calls().get(0);
        Thread.sleep(200);
        primary.close(); // abrupt: its sockets are gone, nothing is said to anybody
        Thread.sleep(100);
        Phone leaving = leaver.equals("caller") ? a : b;
        Call left = leaver.equals("caller") ? out : in;
        Call other = leaver.equals("caller") ? in : out;
        leaving.hangUp(left);
        await("the phones registered with the alternate", () -> a.registered() && a.controller().equals(address(alternate))
                && b.registered() && b.controller().equals(address(alternate)), () -> a.controller() + " " + b.controller());
        await("the hang-up answered 200 by the alternate", () -> left.byeStatus() == 200,
                () -> left + " BYE status " + left.byeStatus() + ", held back " + leaving.byesDeferred() + "; alternate "
                        + counters(alternate));
        await("the other phone gets the BYE", () -> other.state() == CallState.ENDED, () -> other + " " + counters(alternate));
        assertEquals("remote-hangup", other.endReason());
        // over TCP the phone may have noticed the closed connection and moved before it hung up: then nothing was held
        if (transport.equals("udp")) assertTrue(leaving.byesDeferred() >= 1, "the BYE was held back and sent again through the alternate");
        await("the alternate lists no call", () -> noCalls(alternate), () -> counters(alternate));
        assertEquals(0L, SipTestController.counter(alternate, leaver.equals("caller") ? "calls.released-by-callee" : "calls.released-by-caller"));
    }

    /**
     * What bin/demo --kill-primary-after counted as "no-release" (docs/migration.md): the SIP load generator judged a
     * call whose caller hung up during the failover by its 5 s step limit from the hang-up, not from the end of the
     * failover, because the caller's own call had ended (it ends at once on the hang-up) and only calls not ended
     * were given the failover's time. The caller's BYE was still held back (status 0, the phone not registered with
     * the alternate yet) when the call was failed; the load generator then hung up the callee, and its BYE ended the
     * call at the alternate just before the caller's arrived (481). Here the phones' failover lasts longer than the
     * step limit (a controller that never answers sits between the primary and the alternate in their lists): the
     * call must complete, released through the alternate, and nothing fail.
     */
    @Test void theLoadGeneratorWaitsForTheReleaseOfACallWhoseCallerHungUpDuringALongFailover() throws Exception {
        primary = SipTestController.start("", 30, null, null, KEY);
        alternate = SipTestController.start("", 30, null, null, KEY);
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            // the silent controller keeps each phone for 6 s: the failover outlasts the 5 s step limit
            List<InetSocketAddress> list = List.of(address(primary), new InetSocketAddress("127.0.0.1", silent.getLocalPort()),
                    address(alternate));
            SipCallDriver driver = oneCallThenPrimaryStops(list, list);
            long killed = System.nanoTime();
            SipTestController.await("the call completed", Duration.ofSeconds(25), () -> driver.summary().completed() == 1
                    || driver.summary().failed() > 0, () -> driver.summary() + " " + counters(alternate));
            driver.stop();
            assertEquals(0, driver.summary().failed(), () -> "failed: " + driver.summary().failedByReason());
            assertEquals(1, driver.summary().completed());
            assertTrue(System.nanoTime() - killed > Duration.ofSeconds(6).toNanos(),
                    "the failover outlasted the step limit (else this test shows nothing)");
            for (Phone p : phones.phones()) assertEquals(address(alternate), p.controller());
            assertEquals(1L, SipTestController.counter(alternate, "calls.released-by-caller"), counters(alternate));
            await("the alternate lists no call", () -> noCalls(alternate), () -> counters(alternate));
        }
    }

    /**
     * The other side of waiting for a failover: a phone that never comes back (1002 knows only the primary) keeps its
     * call's release step waiting, and the call is counted when the load generator stops: failed, "unfinished".
     */
    @Test void aCallWhosePhoneNeverComesBackIsCountedUnfinishedWhenTheLoadGeneratorStops() throws Exception {
        primary = SipTestController.start("", 30, null, null, KEY);
        alternate = SipTestController.start("", 30, null, null, KEY);
        SipCallDriver driver = oneCallThenPrimaryStops(List.of(address(primary), address(alternate)), List.of(address(primary)));
        Thread.sleep(5_000 + 500 + 2_500); // the hang-up, then longer than a step's limit
        assertEquals(0, driver.summary().failed(), () -> "failed early: " + driver.summary().failedByReason());
        assertEquals(1, driver.summary().active(), "still waiting for the release");
        driver.stop();
        assertEquals(java.util.Map.of("unfinished", 1L), driver.summary().failedByReason());
        assertEquals(0, driver.summary().active());
    }

    /** Registered phones 1001 and 1002 (their controller lists), a load driver with one call between them, talking; then the primary stops. */
    private SipCallDriver oneCallThenPrimaryStops(List<InetSocketAddress> list1001, List<InetSocketAddress> list1002)
            throws java.io.IOException {
        phones = PhoneRuntime.loopback();
        var clock = phones.scheduler();
        FailoverWindows windows = new FailoverWindows(1000);
        FailoverLedger ledger = new FailoverLedger(windows, new KillMark(null));
        // as the SIP load generator keeps its windows (SipLoadGenMain)
        PhoneListener journal = new PhoneListener() {
            @Override public void registered(Phone phone, InetSocketAddress controller) {
                windows.registered(List.of(phone.user()), clock.wallMillis());
            }

            @Override public void failedOver(Phone phone, InetSocketAddress from, InetSocketAddress next, String reason) {
                long silentMillis = Math.max(0, clock.nanoTime() - phone.lastHeardNanos()) / 1_000_000;
                windows.lost(List.of(phone.user()), clock.wallMillis() - silentMillis);
            }
        };
        Phone a = phones.phone(PhoneConfig.of("1001", "secret1", list1001).withAutoAnswer(Duration.ZERO)
                .withRegistration(Duration.ofSeconds(60), Duration.ofMillis(300), Duration.ofSeconds(1))
                .withRegisterTimeout(Duration.ofSeconds(6)), journal);
        Phone b = phones.phone(PhoneConfig.of("1002", "secret2", list1002).withAutoAnswer(Duration.ZERO)
                .withRegistration(Duration.ofSeconds(60), Duration.ofMillis(300), Duration.ofSeconds(1))
                .withRegisterTimeout(Duration.ofSeconds(6)), journal);
        await("both registered with the primary", () -> a.registered() && b.registered(),
                () -> a.registrationError() + " " + b.registrationError());
        SipCallDriver driver = new SipCallDriver(clock, List.of(a, b), null, 5, Duration.ofMillis(500), 1, List.of(),
                List.of(), ledger);
        driver.start();
        await("a call placed", () -> driver.summary().attempted() == 1, () -> driver.summary().toString());
        driver.stopPlacing();
        await("talking", () -> driver.summary().talkPathsUp() == 1, () -> driver.summary().toString());
        primary.close(); // abrupt; the caller hangs up half a second later, before it can have noticed
        return driver;
    }
}
