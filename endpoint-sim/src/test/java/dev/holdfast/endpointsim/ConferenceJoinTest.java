package dev.holdfast.endpointsim;

import dev.holdfast.endpointsim.phone.Call;
import dev.holdfast.endpointsim.phone.CallState;
import dev.holdfast.endpointsim.phone.Phone;
import dev.holdfast.endpointsim.phone.PhoneConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The phone side of a three-way conference hosted elsewhere (RFC 4579 5.5): alice, in calls with bob (held) and
 * carol, calls the focus and REFERs it to each of them with Replaces; bob and carol each replace their call with
 * alice by a call with the focus. The focus here is a simulated phone that accepts REFER (it signals like the
 * controller's conference will, but does not mix: each party's talk path is to the focus).
 */
class ConferenceJoinTest {
    private static final Duration T = Duration.ofSeconds(6);
    private final PhoneRuntime[] rts = new PhoneRuntime[4];

    @BeforeEach void start() throws Exception {
        for (int i = 0; i < rts.length; i++) rts[i] = PhoneRuntime.loopback();
    }

    @AfterEach void stop() {
        for (PhoneRuntime rt : rts) if (rt != null) rt.close();
    }

    private Phone phone(int i, String user, String transport) {
        return rts[i].phone(PhoneConfig.of(user, null, List.of()).withTransport(transport).withAutoAnswer(Duration.ofMillis(20)));
    }

    private static Call connected(Phone from, Phone to) {
        Call out = from.call(to.directUri());
        Await.until(to.user() + " answers", T, () -> out.state() == CallState.CONNECTED && out.talkPathUp());
        return out;
    }

    private static Call newestConnected(Phone p) {
        List<Call> calls = p.calls();
        for (int i = calls.size() - 1; i >= 0; i--) if (calls.get(i).state() == CallState.CONNECTED) return calls.get(i);
        return null;
    }

    @ParameterizedTest @ValueSource(strings = {"udp", "tcp"})
    void joinTwoCallsIntoAConferenceAtTheFocus(String transport) {
        Phone alice = phone(0, "alice", transport);
        Phone bob = phone(1, "bob", transport);
        Phone carol = phone(2, "carol", transport);
        Phone focus = phone(3, "conf", transport);
        Call ab = connected(alice, bob);
        alice.hold(ab, false);
        Await.until("held", T, ab::onHold);
        Call ac = connected(alice, carol);

        Call af = alice.conference(focus.directUri(), List.of(ab, ac));
        Await.until("alice's calls with bob and carol replaced", T,
                () -> ab.state() == CallState.ENDED && ac.state() == CallState.ENDED, () -> ab + " / " + ac);
        assertEquals("remote-hangup", ab.endReason());
        assertEquals("remote-hangup", ac.endReason());
        Await.until("everyone talks to the focus", T, () -> af.talkPathUp()
                && newestConnected(bob) != null && newestConnected(bob).talkPathUp()
                && newestConnected(carol) != null && newestConnected(carol).talkPathUp());
        Await.until("the focus holds three calls", T,
                () -> focus.calls().stream().filter(c -> c.state() == CallState.CONNECTED).count() == 3);
        assertEquals(CallState.CONNECTED, af.state(), "the REFERs to the focus do not hang up alice's call with it");
    }
}
