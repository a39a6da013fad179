package dev.holdfast.controller.sip;

import dev.holdfast.controller.Controller;
import dev.holdfast.endpointsim.PhoneRuntime;
import dev.holdfast.endpointsim.phone.Call;
import dev.holdfast.endpointsim.phone.CallState;
import dev.holdfast.endpointsim.phone.Phone;
import dev.holdfast.endpointsim.phone.PhoneConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Transfer by REFER through the controller's B2BUA (RFC 3515, RFC 5589), phone to phone, on 127.0.0.1 with
 * endpoint-sim phones: the controller answers the REFER 202, reports with NOTIFY sipfrag (100, then the final status),
 * joins the transferee with the target (blind: a new call; attended: the other party of the dialog Replaces names)
 * and ends the transferor's dialogs with BYE. The transferee keeps its dialog (re-INVITEd with the target's offer);
 * the RTP probes show the new talk path. Refused transfers leave the call as it was.
 */
class SipTransferTest {
    private static final Duration T = Duration.ofSeconds(10);
    private Controller controller;
    private PhoneRuntime phones;
    private PhoneRuntime outside;

    @AfterEach void stop() {
        if (phones != null) phones.close();
        if (outside != null) outside.close();
        if (controller != null) controller.close();
    }

    private Phone phone(String user, String password, String transport) {
        InetSocketAddress ctl = new InetSocketAddress("127.0.0.1", controller.sip().port());
        Phone p = phones.phone(PhoneConfig.of(user, password, List.of(ctl)).withTransport(transport).withAutoAnswer(Duration.ZERO));
        await(user + " registered", p::registered, p::registrationError);
        return p;
    }

    private Phone[] three(String transport) throws Exception {
        controller = SipTestController.start("", 30);
        phones = PhoneRuntime.loopback();
        return new Phone[] {phone("1001", "secret1", transport), phone("1002", "secret2", transport), phone("bob", "builder", transport)};
    }

    private static Call connected(Phone from, Phone to, String number) {
        int before = to.calls().size();
        Call out = from.call(number);
        await(to.user() + " answers, talk path up", () -> out.state() == CallState.CONNECTED && to.calls().size() > before
                && out.talkPathUp() && newest(to).talkPathUp(), out::toString);
        return out;
    }

    private static Call newest(Phone p) {
        List<Call> calls = p.calls();
        return calls.get(calls.size() - 1);
    }

    private long counter(String name) throws Exception { return SipTestController.counter(controller, name); }

    private String counters() {
        try {
            return controller.inspect(core -> core.sip().counters().snapshot()).toString();
        } catch (Exception e) {
            return e.toString();
        }
    }

    @ParameterizedTest @ValueSource(strings = {"udp", "tcp"})
    void blindTransferJoinsTheTransfereeWithTheTargetAndReleasesTheTransferor(String transport) throws Exception {
        Phone[] p = three(transport);
        Phone a = p[0], b = p[1], c = p[2];
        Call ab = connected(a, b, "1002");
        Call ba = newest(b);

        a.transfer(ab, "2002", false); // 1001 leaves the hang-up to the controller
        await("bob's phone rings and answers", () -> c.calls().size() == 1 && newest(c).state() == CallState.CONNECTED, c::calls);
        Call cb = newest(c);
        await("1002 and bob talk", () -> ba.talkPathUp() && cb.talkPathUp(), () -> ba + " " + cb + " " + counters());
        await("the transferor got NOTIFY 200 and then BYE", () -> ab.state() == CallState.ENDED, ab::toString);
        assertTrue(ab.transferStatus().startsWith("SIP/2.0 200"), ab.transferStatus());
        assertEquals("remote-hangup", ab.endReason(), "the controller sent the BYE");
        assertSame(ba, newest(b), "the transferee kept its dialog (re-INVITEd, no new call)");
        assertEquals(CallState.CONNECTED, ba.state());
        assertEquals(1, counter("refer.accepted"));
        assertEquals(1, counter("refer.notify.100"));
        assertEquals(1, counter("refer.notify.200"));
        assertEquals(1, counter("transfer.blind.completed"));
        assertEquals(1, counter("transfer.transferor-released"));

        SipCall joined = onlyCall();
        assertEquals("1002", joined.caller());
        assertEquals("2002", joined.callee());
        assertEquals(ba.callId(), joined.aCallId());
        assertEquals(cb.callId(), joined.bCallId());

        // the joined call ends like any other: bob's BYE reaches 1002
        c.hangUp(cb);
        await("1002 gets the BYE", () -> ba.state() == CallState.ENDED, ba::toString);
        assertEquals(0, (int) controller.inspect(core -> core.sip().calls().size()));
    }

    @Test void theCalleeTransfersTheCallerBlind() throws Exception {
        Phone[] p = three("udp");
        Phone a = p[0], b = p[1], c = p[2];
        Call ab = connected(a, b, "1002");
        Call ba = newest(b);
        b.transfer(ba, "2002", false); // the transferee is now the caller, on the controller's UAS leg
        await("1001 and bob talk", () -> !c.calls().isEmpty() && ab.talkPathUp() && newest(c).talkPathUp()
                && ba.state() == CallState.ENDED, () -> ab + " " + c.calls() + " " + ba);
        assertTrue(ba.transferStatus().startsWith("SIP/2.0 200"), ba.transferStatus());
        assertEquals("remote-hangup", ba.endReason());
        SipCall joined = onlyCall();
        assertEquals("1001", joined.caller());
        assertEquals(ab.callId(), joined.aCallId());
        a.hangUp(ab);
        await("bob gets the BYE", () -> newest(c).state() == CallState.ENDED, () -> newest(c).toString());
    }

    /** 1001 and 1002 with auto-answer, bob answering by hand. */
    private Phone[] threeWithManualTarget() throws Exception {
        controller = SipTestController.start("", 30);
        phones = PhoneRuntime.loopback();
        Phone c = phones.phone(PhoneConfig.of("bob", "builder", List.of(new InetSocketAddress("127.0.0.1", controller.sip().port()))));
        await("bob registered", c::registered, c::registrationError);
        return new Phone[] {phone("1001", "secret1", "udp"), phone("1002", "secret2", "udp"), c};
    }

    @Test void theTransfereeHangingUpWhileTheTargetRingsCancelsTheTarget() throws Exception {
        Phone[] p = threeWithManualTarget();
        Phone a = p[0], b = p[1], c = p[2];
        Call ab = connected(a, b, "1002");
        Call ba = newest(b);
        a.transfer(ab, "2002", false);
        await("bob rings", () -> !c.calls().isEmpty() && newest(c).state() == CallState.RINGING, c::calls);
        // the NOTIFYs may reach 1001 after bob already rings (the phones' threads run late on a loaded machine)
        await("1001 hears of the progress", () -> "SIP/2.0 180 Ringing".equals(ab.transferStatus())
                || "SIP/2.0 100 Trying".equals(ab.transferStatus()), ab::transferStatus);
        b.hangUp(ba);
        await("bob's call cancelled", () -> newest(c).state() == CallState.ENDED, () -> newest(c).toString());
        await("1001 gets 1002's BYE", () -> ab.state() == CallState.ENDED, ab::toString);
        assertEquals(1, counter("transfer.failed.487"));
        assertEquals(0, (int) controller.inspect(core -> core.sip().calls().size()));
    }

    @Test void aTransferorThatLeavesRightAfterThe202DoesNotStopTheTransfer() throws Exception {
        Phone[] p = threeWithManualTarget();
        Phone a = p[0], b = p[1], c = p[2];
        Call ab = connected(a, b, "1002");
        Call ba = newest(b);
        a.transfer(ab, "2002", false);
        await("bob rings", () -> !c.calls().isEmpty() && newest(c).state() == CallState.RINGING, c::calls);
        a.hangUp(ab); // an unattended transfer: the transferor does not wait for the outcome
        await("1001's BYE answered", () -> ab.state() == CallState.ENDED, ab::toString);
        assertEquals(CallState.CONNECTED, ba.state(), "1002 is not hung up");
        c.answer(newest(c));
        await("1002 and bob talk", () -> ba.talkPathUp() && newest(c).talkPathUp(), () -> ba + " " + newest(c));
        assertEquals(1, counter("transfer.transferor-left-early"));
        assertEquals(1, counter("transfer.blind.completed"));
        SipCall joined = onlyCall();
        assertEquals(ba.callId(), joined.aCallId());
    }

    @Test void aTransferorThatHangsUpItselfOnNotify200CrossesTheControllersByeHarmlessly() throws Exception {
        Phone[] p = three("udp");
        Phone a = p[0], b = p[1], c = p[2];
        Call ab = connected(a, b, "1002");
        Call ba = newest(b);
        a.transfer(ab, "2002"); // RFC 5589: the transferor sends BYE on NOTIFY 200
        await("1002 and bob talk", () -> !c.calls().isEmpty() && ba.talkPathUp() && newest(c).talkPathUp(), () -> ba + " " + c.calls());
        await("the transferor is out", () -> ab.state() == CallState.ENDED, ab::toString);
        assertTrue(ab.transferStatus().startsWith("SIP/2.0 200"), ab.transferStatus());
        Thread.sleep(300);
        assertEquals(CallState.CONNECTED, ba.state());
        assertEquals(CallState.CONNECTED, newest(c).state());
        assertTrue(ba.talkPathUp() && newest(c).talkPathUp());
    }

    @ParameterizedTest @ValueSource(strings = {"udp", "tcp"})
    void attendedTransferWithReplacesJoinsTheTwoOtherPartiesAndEndsBothOfTheTransferorsDialogs(String transport) throws Exception {
        Phone[] p = three(transport);
        Phone a = p[0], b = p[1], c = p[2];
        Call ab = connected(a, b, "1002");
        Call ba = newest(b);
        a.hold(ab, false);
        await("1002 held", () -> ab.onHold() && !ab.talkPathUp(), ab::toString);
        Call ac = connected(a, c, "2002"); // the consultation call
        Call ca = newest(c);

        a.transferAttended(ab, ac, false);
        await("1002 and bob talk", () -> ba.talkPathUp() && ca.talkPathUp(), () -> ba + " " + ca + " " + counters());
        await("both of 1001's calls ended by the controller", () -> ab.state() == CallState.ENDED && ac.state() == CallState.ENDED,
                () -> ab + " " + ac);
        assertTrue(ab.transferStatus().startsWith("SIP/2.0 200"), ab.transferStatus());
        assertEquals("remote-hangup", ab.endReason());
        assertEquals("remote-hangup", ac.endReason());
        assertSame(ba, newest(b));
        assertSame(ca, newest(c), "the target kept its dialog too (re-INVITE without SDP, answer in our ACK)");
        assertEquals(CallState.CONNECTED, ba.state());
        assertEquals(CallState.CONNECTED, ca.state());
        assertEquals(1, counter("transfer.attended.completed"));
        SipCall joined = onlyCall();
        assertEquals(ba.callId(), joined.aCallId());
        assertEquals(ca.callId(), joined.bCallId());

        b.hangUp(ba);
        await("bob gets the BYE", () -> ca.state() == CallState.ENDED, ca::toString);
    }

    @Test void aReferToAnUnknownNumberGetsNotify404AndTheCallStays() throws Exception {
        Phone[] p = three("udp");
        Phone a = p[0], b = p[1];
        Call ab = connected(a, b, "1002");
        Call ba = newest(b);
        a.transfer(ab, "9999");
        await("NOTIFY with the failure", () -> ab.transferStatus() != null && ab.transferStatus().startsWith("SIP/2.0 404"),
                ab::transferStatus);
        assertEquals(1, counter("transfer.failed.404"));
        assertEquals(1, counter("refer.notify.404"));
        assertEquals(CallState.CONNECTED, ab.state());
        assertEquals(CallState.CONNECTED, ba.state());
        assertTrue(ab.talkPathUp() && ba.talkPathUp(), "the call is as it was");
        // and it still works: a later transfer of the same call goes through
        a.transfer(ab, "2002", false);
        await("transferred now", () -> ab.state() == CallState.ENDED && !p[2].calls().isEmpty() && newest(p[2]).talkPathUp()
                && ba.talkPathUp(), () -> ab + " " + counters());
    }

    @Test void aReplacesNamingNoDialogHereGetsNotify481AndTheCallsStay() throws Exception {
        Phone[] p = three("udp");
        Phone a = p[0], b = p[1];
        Call ab = connected(a, b, "1002");
        // a call that does not go through the controller: its dialog is unknown there
        outside = PhoneRuntime.loopback();
        Phone direct = outside.phone(PhoneConfig.of("carol", null, List.of()).withRegister(false).withAutoAnswer(Duration.ZERO));
        int before = a.calls().size();
        Call da = direct.call(a.directUri());
        await("the direct call connects", () -> da.state() == CallState.CONNECTED && a.calls().size() > before, da::toString);
        Call ad = newest(a);

        a.transferAttended(ab, ad, false);
        await("NOTIFY 481", () -> ab.transferStatus() != null && ab.transferStatus().startsWith("SIP/2.0 481"), ab::transferStatus);
        assertEquals(1, counter("transfer.replaces-unknown"));
        assertEquals(CallState.CONNECTED, ab.state());
        assertEquals(CallState.CONNECTED, newest(b).state());
        assertTrue(ab.talkPathUp() && newest(b).talkPathUp());
        assertEquals(CallState.CONNECTED, ad.state());
    }

    @Test void aTransferToAPhoneThatIsNotRegisteredGetsNotify480() throws Exception {
        Phone[] p = three("udp");
        Call ab = connected(p[0], p[1], "1002");
        p[0].transfer(ab, "2001"); // alice never registered
        await("NOTIFY 480", () -> ab.transferStatus() != null && ab.transferStatus().startsWith("SIP/2.0 480"), ab::transferStatus);
        assertEquals(CallState.CONNECTED, ab.state());
        assertTrue(ab.talkPathUp());
    }

    @Test void referOutsideADialogOrInAnUnknownOneIsRefusedAndCounted() throws Exception {
        controller = SipTestController.start("trustedPeers: [127.0.0.1]", 30);
        int port = controller.sip().port();
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            s.setSoTimeout(3000);
            String noDialog = refer(s, port, "out-of-dialog-1@test", null, "<sip:1002@127.0.0.1>");
            assertTrue(noDialog.startsWith("SIP/2.0 403"), noDialog);
            String unknown = refer(s, port, "unknown-dialog-1@test", "x1", "<sip:1002@127.0.0.1>");
            assertTrue(unknown.startsWith("SIP/2.0 481"), unknown);
        }
        assertEquals(1, counter("refer.rejected.403"));
        assertEquals(1, counter("refer.rejected.481"));
        assertEquals(2, counter("refer.received"));
    }

    @Test void aReferWithoutReferToIsABadRequestAtTheEdgeAndOneWithOtherTagsIsNoDialog() throws Exception {
        Phone[] p = three("udp");
        Call ab = connected(p[0], p[1], "1002");
        SipCall call = onlyCall();
        String bad;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            s.setSoTimeout(3000);
            // in 1001's dialog (its Call-ID and both tags, as the controller has them) but without Refer-To
            bad = refer(s, controller.sip().port(), ab.callId(), call.aRemoteTag, call.aToTag, null);
            assertTrue(bad.startsWith("SIP/2.0 400"), bad);
            // the dialog's Call-ID with tags that are not its own: another dialog, which does not exist
            String forged = refer(s, controller.sip().port(), ab.callId(), "someone-else", call.aToTag, "<sip:2002@127.0.0.1>");
            assertTrue(forged.startsWith("SIP/2.0 481"), forged);
        }
        assertTrue(bad.contains("no Refer-To"), bad);
        assertEquals(1, controller.sip().counters().get(SipEdgeCounters.MALFORMED), "counted at the edge");
        assertEquals(1, counter("refer.rejected.481"));
        assertEquals(0, counter("refer.accepted"));
        assertEquals(CallState.CONNECTED, ab.state());
        assertTrue(ab.talkPathUp());
    }

    /** Sends a REFER from {@code s} and returns the first line of the first final response. */
    private static String refer(DatagramSocket s, int port, String callId, String toTag, String referTo) throws Exception {
        return refer(s, port, callId, "t" + s.getLocalPort(), toTag, referTo);
    }

    private static String refer(DatagramSocket s, int port, String callId, String fromTag, String toTag, String referTo)
            throws Exception {
        int local = s.getLocalPort();
        String msg = "REFER sip:1002@127.0.0.1:" + port + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + local + ";branch=z9hG4bK" + Long.toHexString(System.nanoTime()) + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:1001@127.0.0.1>;tag=" + fromTag + "\r\n"
                + "To: <sip:1002@127.0.0.1>" + (toTag == null ? "" : ";tag=" + toTag) + "\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 7 REFER\r\n"
                + "Contact: <sip:1001@127.0.0.1:" + local + ">\r\n"
                + (referTo == null ? "" : "Refer-To: " + referTo + "\r\n")
                + "Content-Length: 0\r\n\r\n";
        byte[] b = msg.getBytes(StandardCharsets.US_ASCII);
        s.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
        byte[] buf = new byte[4096];
        long end = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < end) {
            DatagramPacket in = new DatagramPacket(buf, buf.length);
            try {
                s.receive(in);
            } catch (SocketTimeoutException e) {
                break;
            }
            String text = new String(in.getData(), 0, in.getLength(), StandardCharsets.US_ASCII);
            String first = text.substring(0, text.indexOf("\r\n"));
            if (!first.startsWith("SIP/2.0 1")) return first;
        }
        return "no final response";
    }

    private SipCall onlyCall() throws Exception {
        List<SipCall> calls = controller.inspect(core -> List.copyOf(core.sip().calls()));
        assertEquals(1, calls.size(), calls.toString());
        return calls.get(0);
    }

    private static void await(String what, BooleanSupplier ok, Supplier<?> found) {
        SipTestController.await(what, T, ok, found);
    }
}
