package dev.holdfast.endpointsim;

import dev.holdfast.endpointsim.phone.Call;
import dev.holdfast.endpointsim.phone.CallState;
import dev.holdfast.endpointsim.phone.MediaDirection;
import dev.holdfast.endpointsim.phone.Phone;
import dev.holdfast.endpointsim.phone.PhoneConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Phone to phone, straight (no proxy), each phone on its own SIP stack, over UDP and TCP. */
class DirectCallTest {
    private static final Duration T = Duration.ofSeconds(5);
    private PhoneRuntime left;
    private PhoneRuntime right;

    @BeforeEach void start() throws Exception {
        left = PhoneRuntime.loopback();
        right = PhoneRuntime.loopback();
    }

    @AfterEach void stop() {
        if (left != null) left.close();
        if (right != null) right.close();
    }

    private Phone phone(PhoneRuntime rt, String user, String transport) {
        return rt.phone(PhoneConfig.of(user, null, List.of()).withTransport(transport));
    }

    private static Call only(Phone p) {
        Await.until(p.user() + " has a call", T, () -> !p.calls().isEmpty());
        return p.calls().get(p.calls().size() - 1);
    }

    @ParameterizedTest @ValueSource(strings = {"udp", "tcp"})
    void callAnswerTalkPathHangUp(String transport) {
        Phone alice = phone(left, "alice", transport);
        Phone bob = phone(right, "bob", transport);
        Call out = alice.call(bob.directUri());
        Call in = only(bob);
        Await.until("bob rings", T, () -> in.state() == CallState.RINGING);
        Await.until("alice hears ring-back", T, () -> out.state() == CallState.RINGBACK);
        bob.answer(in);
        Await.until("connected", T, () -> out.state() == CallState.CONNECTED && in.state() == CallState.CONNECTED);
        Await.until("talk path up both ends", T, () -> out.talkPathUp() && in.talkPathUp());
        assertTrue(out.inviteToRingNanos() > 0 && out.inviteToAnswerNanos() >= out.inviteToRingNanos());
        alice.hangUp(out);
        Await.until("bob sees the BYE", T, () -> in.state() == CallState.ENDED);
        assertEquals("remote-hangup", in.endReason());
        assertEquals("hangup", out.endReason());
        assertFalse(in.talkPathUp());
    }

    @ParameterizedTest @ValueSource(strings = {"udp", "tcp"})
    void holdPausesTheTalkPathAndResumeBringsItBack(String transport) {
        Phone alice = phone(left, "alice", transport);
        Phone bob = phone(right, "bob", transport);
        Call out = alice.call(bob.directUri());
        Call in = only(bob);
        Await.until("bob rings", T, () -> in.state() == CallState.RINGING);
        bob.answer(in);
        Await.until("talk path up", T, () -> out.talkPathUp() && in.talkPathUp());

        alice.hold(out, false);
        Await.until("hold negotiated", T, () -> out.mediaDirection() == MediaDirection.SENDONLY
                && in.mediaDirection() == MediaDirection.RECVONLY);
        Await.until("talk path paused", T, () -> !out.talkPathUp() && !in.talkPathUp());
        assertTrue(out.onHold());

        alice.resume(out);
        Await.until("resume negotiated", T, () -> out.mediaDirection() == MediaDirection.SENDRECV
                && in.mediaDirection() == MediaDirection.SENDRECV);
        Await.until("talk path up again", T, () -> out.talkPathUp() && in.talkPathUp());

        bob.hold(in, true); // inactive, from the other side this time
        Await.until("inactive", T, () -> out.mediaDirection() == MediaDirection.INACTIVE);
        Await.until("talk path paused", T, () -> !out.talkPathUp() && !in.talkPathUp());
        bob.resume(in);
        Await.until("talk path up again", T, () -> out.talkPathUp() && in.talkPathUp());
        bob.hangUp(in);
        Await.until("ended", T, () -> out.state() == CallState.ENDED);
    }

    @ParameterizedTest @ValueSource(strings = {"udp", "tcp"})
    void rejectBusyAndDecline(String transport) {
        Phone alice = phone(left, "alice", transport);
        Phone bob = phone(right, "bob", transport);
        Call first = alice.call(bob.directUri());
        Call in = only(bob);
        Await.until("bob rings", T, () -> in.state() == CallState.RINGING);
        bob.reject(in, 486);
        Await.until("alice's call fails", T, () -> first.state() == CallState.ENDED);
        assertEquals(486, first.finalStatus());
        assertEquals("486", first.endReason());

        // bob's side ends when alice's ACK arrives: only then is it forgotten (else only(bob) would find it again)
        Await.until("bob's call ends", T, () -> in.state() == CallState.ENDED);
        bob.forgetEndedCalls();
        Call second = alice.call(bob.directUri());
        Call in2 = only(bob);
        Await.until("bob rings", T, () -> in2.state() == CallState.RINGING);
        bob.reject(in2, 603);
        Await.until("alice's call fails", T, () -> second.state() == CallState.ENDED);
        assertEquals(603, second.finalStatus());
    }

    @ParameterizedTest @ValueSource(strings = {"udp", "tcp"})
    void cancelWhileRinging(String transport) {
        Phone alice = phone(left, "alice", transport);
        Phone bob = phone(right, "bob", transport);
        Call out = alice.call(bob.directUri());
        Call in = only(bob);
        Await.until("ring-back", T, () -> out.state() == CallState.RINGBACK && in.state() == CallState.RINGING);
        alice.cancelCall(out);
        Await.until("bob stops ringing", T, () -> in.state() == CallState.ENDED);
        assertEquals("cancelled", in.endReason());
        Await.until("alice gets 487", T, () -> out.finalStatus() == 487, () -> "status " + out.finalStatus());
        assertEquals("cancelled", out.endReason());
    }
}
