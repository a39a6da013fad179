package dev.holdfast.controller.sip;

import dev.holdfast.controller.Controller;
import dev.holdfast.endpointsim.PhoneRuntime;
import dev.holdfast.endpointsim.phone.Call;
import dev.holdfast.endpointsim.phone.CallState;
import dev.holdfast.endpointsim.phone.MediaDirection;
import dev.holdfast.endpointsim.phone.Phone;
import dev.holdfast.endpointsim.phone.PhoneConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Call-preserving migration of phone-to-phone calls (docs/migration.md, "Phones"): two real controllers on
 * 127.0.0.1, endpoint-sim phones with both in their list. Phone 1001 calls 1002 through the primary; the primary is
 * stopped (its sockets closed); the phones find out by keepalive, register with the alternate, which fetches their
 * dialogs (SUBSCRIBE/NOTIFY, dialog event package), verifies the cookies and rebuilds the call from its two dialogs.
 * The RTP between the phones never passed through a controller: the talk-path probes stay up throughout.
 */
class PhoneMigrationTest extends PrimaryAndAlternate {
    private static final Duration T = Duration.ofSeconds(10);

    private static void await(String what, BooleanSupplier ok, Supplier<String> found) {
        SipTestController.await(what, T, ok, found);
    }

    private interface Check { boolean ok() throws Exception; }

    private static BooleanSupplier quietly(Check c) {
        return () -> {
            try {
                return c.ok();
            } catch (Exception e) {
                return false;
            }
        };
    }

    /** The two phones' calls, connected through the primary, talk path up; then the primary stops and both move. */
    private String transport = "udp";

    private Call[] connectThenFailOver(String primaryKey) throws Exception { return connectThenFailOver(primaryKey, true, null); }

    private Call[] connectThenFailOver(String primaryKey, boolean calleeFollows) throws Exception {
        return connectThenFailOver(primaryKey, calleeFollows, null);
    }

    /** {@code calleeFollows} false: 1002 knows only the primary, so it never comes to the alternate. */
    private Call[] connectThenFailOver(String primaryKey, boolean calleeFollows,
                                       java.util.function.Consumer<Call> whileNoController) throws Exception {
        primary = SipTestController.start("", 30, null, null, primaryKey);
        alternate = SipTestController.start("", 30, null, null, KEY);
        List<InetSocketAddress> list = List.of(address(primary), address(alternate));
        phones = PhoneRuntime.loopback();
        Duration keepalive = Duration.ofMillis(300);
        Duration timeout = Duration.ofMillis(1500);
        Phone a = phones.phone(PhoneConfig.of("1001", "secret1", list).withRegistration(Duration.ofSeconds(60), keepalive, timeout)
                .withTransport(transport));
        Phone b = phones.phone(PhoneConfig.of("1002", "secret2", calleeFollows ? list : list.subList(0, 1)).withRegistration(Duration.ofSeconds(60), keepalive, timeout)
                .withAutoAnswer(Duration.ZERO).withTransport(transport));
        await("both registered with the primary", () -> a.registered() && b.registered(), () -> a.registrationError() + " " + b.registrationError());
        Call out = a.call("1002");
        await("connected, talk path up", () -> !b.calls().isEmpty() && out.talkPathUp() && b.calls().get(0).talkPathUp(),
                () -> out + " " + b.calls());
        Call in = b.calls().get(0);
        assertEquals(1, counter(primary, "calls.connected"));

        primary.close(); // abrupt: its sockets are gone, nothing is said to anybody
        if (whileNoController != null) whileNoController.accept(out);
        await("the phones registered with the alternate",
                () -> a.registered() && a.controller().equals(address(alternate))
                        && (!calleeFollows || b.registered() && b.controller().equals(address(alternate))),
                () -> a.controller() + " " + b.controller());
        if (whileNoController == null) {
            assertEquals(CallState.CONNECTED, out.state());
            assertEquals(CallState.CONNECTED, in.state());
        }
        return new Call[] {out, in};
    }

    private String alternateCounters() {
        try {
            return alternate.inspect(core -> core.sip().counters().snapshot()).toString() + " " + alternate.sip().counters().snapshot();
        } catch (Exception e) {
            return e.toString();
        }
    }

    private Phone phone(String user) {
        return phones.phones().stream().filter(p -> p.user().equals(user)).findFirst().orElseThrow();
    }

    private SipCall onlyCall(Controller c) throws Exception {
        List<SipCall> calls = c.inspect(core -> List.copyOf(core.sip().calls()));
        assertEquals(1, calls.size(), calls.toString());
        return calls.get(0);
    }

    @ParameterizedTest @ValueSource(strings = {"udp", "tcp"})
    void callerHangsUpThroughTheAlternateAndTheCalleeGetsItsBye(String transport) throws Exception {
        this.transport = transport;
        Call[] call = connectThenFailOver(KEY);
        Call out = call[0];
        Call in = call[1];
        await("the alternate adopted both dialogs", quietly(() -> counter(alternate, "migration.dialogs.adopted") == 2),
                this::alternateCounters);
        SipCall rebuilt = onlyCall(alternate);
        assertTrue(rebuilt.adopted() && rebuilt.aPresent() && rebuilt.bPresent());
        assertEquals(out.callId(), rebuilt.aCallId());
        assertEquals(in.callId(), rebuilt.bCallId());
        assertEquals("1001", rebuilt.caller());
        assertEquals("1002", rebuilt.callee());
        assertEquals(1, counter(alternate, "migration.calls.merged"));
        assertTrue(out.talkPathUp() && in.talkPathUp(), "talk path stayed up");

        phone("1001").hangUp(out);
        await("1002 gets the BYE from the alternate", () -> in.state() == CallState.ENDED, in::toString);
        assertEquals("remote-hangup", in.endReason());
        assertEquals(1, counter(alternate, "calls.released-by-caller"));
        assertEquals(0, (int) alternate.inspect(core -> core.sip().calls().size()));
    }

    @Test void aHangUpWhileNoControllerAnswersReachesTheCalleeThroughTheAlternate() throws Exception {
        // 1001 hangs up right after the primary died, before it has noticed: its BYE is lost with the primary
        Call[] call = connectThenFailOver(KEY, true, out -> phone("1001").hangUp(out));
        Call out = call[0];
        Call in = call[1];
        assertEquals(CallState.ENDED, out.state());
        await("1002 gets the BYE from the alternate", () -> in.state() == CallState.ENDED, () -> in + " " + alternateCounters());
        assertEquals("remote-hangup", in.endReason());
        assertTrue(phone("1001").byesDeferred() >= 1, "1001 sent its BYE again through the alternate");
        // whichever phone the alternate heard from first, the call ended for both: the BYE was relayed to 1002's
        // adopted dialog, or 1002's dialog arrived after the call had ended and got a BYE then
        assertEquals(1, counter(alternate, "calls.released-by-caller"));
        assertTrue(counter(alternate, "migration.dialog.call-ended") <= 1);
        assertEquals(0, (int) alternate.inspect(core -> core.sip().calls().size()));
    }

    @Test void calleeHoldsAndResumesThroughTheAlternate() throws Exception {
        Call[] call = connectThenFailOver(KEY);
        Call out = call[0];
        Call in = call[1];
        await("the alternate adopted both dialogs", quietly(() -> counter(alternate, "migration.dialogs.adopted") == 2), this::alternateCounters);
        Phone b = phone("1002");
        b.hold(in, false);
        await("held: 1002 sends only, 1001 receives only",
                () -> in.mediaDirection() == MediaDirection.SENDONLY && out.mediaDirection() == MediaDirection.RECVONLY,
                () -> in.mediaDirection() + " " + out.mediaDirection());
        assertEquals(1, counter(alternate, "reinvites.relayed"));
        b.resume(in);
        await("resumed, talk path up both ways",
                () -> in.mediaDirection() == MediaDirection.SENDRECV && out.talkPathUp() && in.talkPathUp(),
                () -> in.mediaDirection() + " " + out.mediaDirection());
        assertEquals(2, counter(alternate, "reinvites.relayed"));
        // the re-INVITEs refreshed the phones' targets: the alternate is now in both dialogs itself
        b.hangUp(in);
        await("1001 gets the BYE", () -> out.state() == CallState.ENDED, out::toString);
        assertEquals(1, counter(alternate, "calls.released-by-callee"));
    }

    @Test void aCallWhosePartnerNeverComesBackWorksForThePhoneThatIsThereAndEndsOnItsBye() throws Exception {
        Call[] call = connectThenFailOver(KEY, false);
        Call out = call[0];
        Call in = call[1];
        await("the caller's dialog adopted", quietly(() -> counter(alternate, "migration.dialogs.adopted") == 1), this::alternateCounters);
        SipCall rebuilt = onlyCall(alternate);
        assertTrue(rebuilt.aPresent() && !rebuilt.bPresent());
        assertTrue(out.talkPathUp() && in.talkPathUp(), "the phones keep talking");

        phone("1001").hangUp(out);
        await("the call ends on the alternate", quietly(() -> counter(alternate, "calls.released-by-caller") == 1), this::alternateCounters);
        assertEquals(0, (int) alternate.inspect(core -> core.sip().calls().size()));
        assertEquals(0, alternate.sip().counters().get(SipEdgeCounters.SEND_FAILED), "no BYE tried toward the absent leg");
    }

    @Test void forgedCookiesAreNotAdoptedAndTheTalkPathStays() throws Exception {
        // the primary signs with a key the alternate does not have: to the alternate, forged
        Call[] call = connectThenFailOver(cookies("b3RoZXItdGVzdC1rZXktMzItb2N0ZXRzLWxvbmctLS0="));
        Call out = call[0];
        Call in = call[1];
        await("both dialogs refused", quietly(() -> counter(alternate, "migration.cookie.rejected.forged") == 2), this::alternateCounters);
        assertEquals(0, counter(alternate, "migration.dialogs.adopted"));
        assertEquals(0, (int) alternate.inspect(core -> core.sip().calls().size()));
        assertEquals(2, (int) alternate.inspect(core -> core.sip().talkPathOnlyDialogs()));
        assertTrue(out.talkPathUp() && in.talkPathUp(), "the phones keep their media");

        // a hold attempt in a dialog nobody took over is refused; the session stays as it was
        phone("1002").hold(in, false);
        await("the re-INVITE refused", quietly(() -> counter(alternate, "migration.talk-path-only.reinvite") == 1), this::alternateCounters);
        await("1002's wish falls back", () -> !in.onHold(), in::toString);
        assertEquals(CallState.CONNECTED, in.state());
        assertTrue(out.talkPathUp() && in.talkPathUp(), "the phones keep their media");

        phone("1001").hangUp(out);
        await("the BYE answered, nothing relayed", quietly(() -> counter(alternate, "migration.talk-path-only.bye") == 1), this::alternateCounters);
        Thread.sleep(300);
        assertEquals(CallState.CONNECTED, in.state(), "no BYE relayed to 1002");
        assertEquals(0, counter(alternate, "calls.released-by-caller"));
    }
    @Test void aCallMadeByATransferMovesWithItsNewCookies() throws Exception {
        primary = SipTestController.start("", 30, null, null, KEY);
        alternate = SipTestController.start("", 30, null, null, KEY);
        List<InetSocketAddress> list = List.of(address(primary), address(alternate));
        phones = PhoneRuntime.loopback();
        Duration keepalive = Duration.ofMillis(300);
        Duration timeout = Duration.ofMillis(1500);
        Phone a = phones.phone(PhoneConfig.of("1001", "secret1", list).withRegistration(Duration.ofSeconds(60), keepalive, timeout));
        Phone b = phones.phone(PhoneConfig.of("1002", "secret2", list).withRegistration(Duration.ofSeconds(60), keepalive, timeout)
                .withAutoAnswer(Duration.ZERO));
        Phone c = phones.phone(PhoneConfig.of("bob", "builder", list).withRegistration(Duration.ofSeconds(60), keepalive, timeout)
                .withAutoAnswer(Duration.ZERO));
        await("registered", () -> a.registered() && b.registered() && c.registered(), () -> a.registrationError());
        Call ab = a.call("1002");
        await("1001-1002 talk", () -> !b.calls().isEmpty() && ab.talkPathUp() && b.calls().get(0).talkPathUp(), ab::toString);
        Call ba = b.calls().get(0);
        a.transfer(ab, "2002", false);
        await("1002 and bob talk, 1001 out", () -> !c.calls().isEmpty() && c.calls().get(0).talkPathUp() && ba.talkPathUp()
                && ab.state() == CallState.ENDED, () -> ba + " " + c.calls());
        Call cb = c.calls().get(0);

        primary.close();
        await("1002 and bob registered with the alternate", () -> b.registered() && b.controller().equals(address(alternate))
                && c.registered() && c.controller().equals(address(alternate)), () -> b.controller() + " " + c.controller());
        await("the alternate adopted both dialogs of the joined call",
                quietly(() -> counter(alternate, "migration.dialogs.adopted") == 2), this::alternateCounters);
        SipCall rebuilt = onlyCall(alternate);
        assertEquals("1002", rebuilt.caller());
        assertEquals("2002", rebuilt.callee());
        assertEquals(ba.callId(), rebuilt.aCallId());
        assertEquals(cb.callId(), rebuilt.bCallId());
        assertTrue(ba.talkPathUp() && cb.talkPathUp(), "still talking");

        c.hangUp(cb);
        await("1002 gets the BYE from the alternate", () -> ba.state() == CallState.ENDED, ba::toString);
    }
}
