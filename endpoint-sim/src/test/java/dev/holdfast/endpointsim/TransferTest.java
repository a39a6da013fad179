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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Transfers between three phones on three SIP stacks, straight (no proxy): blind (REFER) and attended (REFER with
 * Replaces). Each phone plays its own part: the transferor sends the REFER and hangs up on NOTIFY 200, the
 * transferee accepts the REFER and calls, the target takes the Replaces call in place of its old one.
 */
class TransferTest {
    private static final Duration T = Duration.ofSeconds(5);
    private PhoneRuntime a;
    private PhoneRuntime b;
    private PhoneRuntime c;

    @BeforeEach void start() throws Exception {
        a = PhoneRuntime.loopback();
        b = PhoneRuntime.loopback();
        c = PhoneRuntime.loopback();
    }

    @AfterEach void stop() {
        for (PhoneRuntime rt : new PhoneRuntime[] {a, b, c}) if (rt != null) rt.close();
    }

    private static Phone phone(PhoneRuntime rt, String user, String transport) {
        return rt.phone(PhoneConfig.of(user, null, List.of()).withTransport(transport).withAutoAnswer(Duration.ofMillis(20)));
    }

    private static Call connected(Phone from, Phone to) {
        int before = to.calls().size();
        Call out = from.call(to.directUri());
        Await.until(to.user() + " answers", T, () -> out.state() == CallState.CONNECTED && to.calls().size() > before);
        Await.until("talk path " + from.user() + "-" + to.user(), T, out::talkPathUp);
        return out;
    }

    private static Call newest(Phone p) {
        List<Call> calls = p.calls();
        return calls.get(calls.size() - 1);
    }

    @ParameterizedTest @ValueSource(strings = {"udp", "tcp"})
    void blindTransfer(String transport) {
        Phone alice = phone(a, "alice", transport);
        Phone bob = phone(b, "bob", transport);
        Phone carol = phone(c, "carol", transport);
        Call ab = connected(alice, bob);
        Call bobSide = newest(bob);

        alice.transfer(ab, carol.directUri());
        Await.until("bob calls carol", T, () -> bob.calls().size() == 2);
        Call bc = newest(bob);
        Await.until("bob and carol talk", T, () -> bc.state() == CallState.CONNECTED && bc.talkPathUp(), bc::toString);
        Await.until("alice is out of it", T, () -> ab.state() == CallState.ENDED, ab::toString);
        assertTrue(ab.transferStatus().startsWith("SIP/2.0 200"), ab.transferStatus());
        assertEquals("hangup", ab.endReason());
        Await.until("bob's first call ended", T, () -> bobSide.state() == CallState.ENDED);
        assertEquals("remote-hangup", bobSide.endReason());
        assertEquals(CallState.CONNECTED, newest(carol).state());
    }

    @ParameterizedTest @ValueSource(strings = {"udp", "tcp"})
    void attendedTransferWithReplaces(String transport) {
        Phone alice = phone(a, "alice", transport);
        Phone bob = phone(b, "bob", transport);
        Phone carol = phone(c, "carol", transport);
        Call ab = connected(alice, bob);
        alice.hold(ab, false);
        Await.until("held", T, () -> !ab.talkPathUp() && ab.onHold());
        Call ac = connected(alice, carol); // the consultation call
        Call carolOld = newest(carol);

        alice.transferAttended(ab, ac);
        Await.until("bob calls carol", T, () -> bob.calls().size() == 2);
        Call bc = newest(bob);
        Await.until("bob and carol talk", T, () -> bc.state() == CallState.CONNECTED && bc.talkPathUp(), bc::toString);
        Call carolNew = newest(carol);
        assertTrue(carolNew != carolOld && carolNew.state() == CallState.CONNECTED);
        // carol hung up the call the new one replaced; alice hung up on bob after NOTIFY 200
        Await.until("the replaced call is over", T, () -> ac.state() == CallState.ENDED && carolOld.state() == CallState.ENDED);
        assertEquals("remote-hangup", ac.endReason());
        assertEquals("hangup", carolOld.endReason());
        Await.until("alice is out of it", T, () -> ab.state() == CallState.ENDED, ab::toString);
        assertTrue(ab.transferStatus().startsWith("SIP/2.0 200"), ab.transferStatus());
    }
}
