package dev.holdfast.controller.sip;

import dev.holdfast.controller.Controller;
import dev.holdfast.endpointsim.PhoneRuntime;
import dev.holdfast.endpointsim.phone.Call;
import dev.holdfast.endpointsim.phone.CallState;
import dev.holdfast.endpointsim.phone.Phone;
import dev.holdfast.endpointsim.phone.PhoneConfig;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A phone-to-phone call still ringing when the primary dies (docs/migration.md, "Ringing calls"): the caller's INVITE
 * (leg A) and the B2BUA's INVITE to the callee (leg B) both died with the primary. The phones fail over, list their
 * early dialogs, and the alternate rebuilds the ringing call from them; the callee's answer (sent to the alternate)
 * connects it, and the alternate answers the caller's INVITE. Two real controllers, endpoint-sim phones, loopback.
 */
class RingingPhoneToPhoneMigrationTest extends PrimaryAndAlternate {
    private static final Duration T = Duration.ofSeconds(12);

    private static void await(String what, BooleanSupplier ok, Supplier<String> found) {
        SipTestController.await(what, T, ok, found);
    }

    private Phone a;
    private Phone b;

    /** 1001 calls 1002 through the primary, 1002 rings; the primary stops; both phones move and both legs are adopted. */
    private Call[] ringingThenFailOver() throws Exception { return ringingThenFailOver(false); }

    /** {@code lose180}: the primary's 180 to the caller is lost (the caller hears nothing, its INVITE is trying). */
    private Call[] ringingThenFailOver(boolean lose180) throws Exception {
        primary = SipTestController.start("", 30, null, null, KEY);
        alternate = SipTestController.start("", 30, null, null, KEY);
        List<InetSocketAddress> list = List.of(address(primary), address(alternate));
        phones = PhoneRuntime.loopback();
        Duration keepalive = Duration.ofMillis(300);
        Duration timeout = Duration.ofMillis(1500);
        a = phones.phone(PhoneConfig.of("1001", "secret1", list).withRegistration(Duration.ofSeconds(60), keepalive, timeout));
        b = phones.phone(PhoneConfig.of("1002", "secret2", list).withRegistration(Duration.ofSeconds(60), keepalive, timeout));
        await("both registered with the primary", () -> a.registered() && b.registered(), () -> a.registrationError() + " " + b.registrationError());
        // (both phones share one stack: the only 180 it receives is the primary's to the caller)
        if (lose180) phones.sip().loseResponses(r -> r.getStatusCode() == 180);
        Call out = a.call("1002");
        await("1002 rings, 1001 hears " + (lose180 ? "nothing (its 180 lost)" : "ring-back"), () -> !b.calls().isEmpty()
                && b.calls().get(0).state() == CallState.RINGING && (lose180 ? phones.sip().responsesLost() == 1
                && out.state() == CallState.CALLING : out.state() == CallState.RINGBACK), () -> out + " " + b.calls());
        phones.sip().loseResponses(null);
        Call in = b.calls().get(0);
        primary.close(); // abrupt: its sockets are gone, nothing is said to anybody
        await("the phones registered with the alternate", () -> a.registered() && a.controller().equals(address(alternate))
                && b.registered() && b.controller().equals(address(alternate)), () -> a.controller() + " " + b.controller());
        await("both ringing legs adopted", () -> counterOrNone(alternate, "migration.early-dialogs.adopted") == 2
                && out.state() == CallState.RINGBACK, () -> out + " " + counters(alternate));
        assertEquals(lose180 ? 1L : 0L, counterOrNone(alternate, "migration.trying.adopted"));
        assertEquals(1L, counterOrNone(alternate, "migration.calls.rebuilt"));
        assertEquals(1L, counterOrNone(alternate, "migration.calls.merged"));
        assertEquals(CallState.RINGBACK, out.state());
        assertEquals(CallState.RINGING, in.state());
        return new Call[] {out, in};
    }

    @Test void theCalleeAnswersAfterTheFailoverAndTheCallerHangsUp() throws Exception {
        Call[] c = ringingThenFailOver();
        b.answer(c[1]);
        await("connected through the alternate, talk path up both ways", () -> c[0].talkPathUp() && c[1].talkPathUp(),
                () -> c[0] + " " + c[1] + " " + counters(alternate));
        assertEquals(1L, counterOrNone(alternate, "calls.connected"));
        a.hangUp(c[0]);
        await("both ended", () -> c[0].state() == CallState.ENDED && c[1].state() == CallState.ENDED, () -> c[0] + " " + c[1]);
        assertEquals("remote-hangup", c[1].endReason());
        await("nothing left", () -> noCalls(alternate), () -> counters(alternate));
    }

    /**
     * The primary's 180 to the caller was lost: the caller's INVITE is trying, with nothing of ours (tag, cookie). The
     * callee's early dialog, whose signed cookie names the caller's Call-ID, vouches for it: the alternate takes it
     * over and sends the 180 (docs/migration.md, "A ringing call whose 180 was lost"); the answer connects them.
     */
    @Test void aCallerWhose180WasLostHearsRingBackFromTheAlternateAndTheCalleeAnswers() throws Exception {
        Call[] c = ringingThenFailOver(true);
        b.answer(c[1]);
        await("connected through the alternate, talk path up both ways", () -> c[0].talkPathUp() && c[1].talkPathUp(),
                () -> c[0] + " " + c[1] + " " + counters(alternate));
        b.hangUp(c[1]);
        await("both ended", () -> c[0].state() == CallState.ENDED && c[1].state() == CallState.ENDED, () -> c[0] + " " + c[1]);
        await("nothing left", () -> noCalls(alternate), () -> counters(alternate));
    }

    @Test void theCallerHangsUpWhileTheCalleeStillRingsAfterTheFailover() throws Exception {
        Call[] c = ringingThenFailOver();
        a.hangUp(c[0]);
        await("the callee stops ringing", () -> c[1].state() == CallState.ENDED, () -> c[1].toString());
        assertEquals("cancelled", c[1].endReason());
        await("the caller's INVITE answered 487", () -> c[0].finalStatus() == 487, () -> c[0] + " " + c[0].finalStatus());
        await("nothing left", () -> noCalls(alternate), () -> counters(alternate));
    }

    @Test void theCalleeDeclinesAfterTheFailover() throws Exception {
        Call[] c = ringingThenFailOver();
        b.reject(c[1], 486);
        await("the caller hears busy", () -> c[0].state() == CallState.ENDED && c[0].finalStatus() == 486,
                () -> c[0] + " " + c[0].finalStatus());
        await("nothing left", () -> noCalls(alternate), () -> counters(alternate));
    }
}
