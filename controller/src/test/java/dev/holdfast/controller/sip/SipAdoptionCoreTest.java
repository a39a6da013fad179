package dev.holdfast.controller.sip;

import dev.holdfast.controller.ControllerCore;
import dev.holdfast.controller.call.Call;
import dev.holdfast.controller.call.CallState;
import dev.holdfast.controller.call.CallStructure.Role;
import dev.holdfast.controller.core.Command;
import dev.holdfast.controller.core.Event;
import dev.holdfast.controller.core.VirtualTimeDriver;
import dev.holdfast.controller.provisioning.ProvisioningLoader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The alternate controller's side of phone migration in the deterministic core, no sockets: a phone registers
 * anew, gets a dialog-package fetch, its NOTIFY's dialogs are adopted and merged into calls by call key, in either
 * order; a late dialog of a call that already ended is ended; cookies for another dialog or another phone and bad
 * documents are refused and counted.
 */
class SipAdoptionCoreTest {
    private static final long KEY = 0x5eed_0000_1234L;
    private final CodecDialogCookies cookies = codec(filled(3));
    private VirtualTimeDriver driver;
    private ControllerCore core;
    private long handles;

    private static CodecDialogCookies codec(byte[] secret) {
        return new CodecDialogCookies(dev.holdfast.controller.cookie.CookieKeyRing.of(
                new dev.holdfast.controller.cookie.CookieKey(1, secret, null)), () -> 1_700_000_000_000L);
    }

    private static byte[] filled(int v) {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) v);
        return k;
    }

    @BeforeEach void core() throws Exception {
        core = new ControllerCore(ProvisioningLoader.parse("""
                sip: { minExpires: 1 }
                subscribers:
                  - { user: "1001", password: secret1, number: "1001" }
                  - { user: "1002", password: secret2, number: "1002" }
                """, ProvisioningLoader.Format.YAML, "core.yaml"), 5);
        core.sip().cookies(cookies);
        driver = new VirtualTimeDriver(core, 1_700_000_000_000L);
    }

    private List<Command> request(SipRequest r) {
        long h = ++handles;
        return driver.inject(t -> new Event.SipRequestReceived(t, "udp:127.0.0.1:6000", h, r));
    }

    private static SipReply reply(Command c) { return ((Command.SipRespond) c).reply(); }

    private static SipRequest register(String user, long cseq, String auth) {
        return new SipRequest("REGISTER", "sip:127.0.0.1", "udp", "reg-" + user, cseq, "sip:" + user + "@127.0.0.1", "f" + user,
                "sip:" + user + "@127.0.0.1", null, List.of(new SipContact("sip:" + user + "@127.0.0.1:6000", null)), 600,
                auth, null, null, null, "dialog");
    }

    /** Registers {@code user} with digest; returns the SUBSCRIBE the controller sends it. */
    private Command.SipSend registerAndGetSubscribe(String user, String password) {
        SipReply challenge = reply(request(register(user, 1, null)).get(0));
        Matcher m = Pattern.compile("nonce=\"([^\"]+)\"").matcher(challenge.headers().get(0).value());
        assertTrue(m.find());
        String ha1 = DigestAuthenticator.hash("MD5", user + ":holdfast:" + password);
        String response = DigestAuthenticator.response("MD5", ha1, m.group(1), "00000001", "abc", "auth", "REGISTER", "sip:127.0.0.1");
        String auth = "Digest username=\"" + user + "\", realm=\"holdfast\", nonce=\"" + m.group(1) + "\", uri=\"sip:127.0.0.1\", "
                + "response=\"" + response + "\", qop=auth, nc=00000001, cnonce=\"abc\"";
        List<Command> out = request(register(user, 2, auth));
        assertEquals(200, reply(out.get(0)).status());
        Command.SipSend sub = (Command.SipSend) out.get(1);
        assertEquals("SUBSCRIBE", sub.request().method());
        assertEquals("sip:" + user + "@127.0.0.1:6000", sub.request().requestUri());
        assertTrue(sub.request().headers().contains(new SipHeader("Event", "dialog")));
        assertTrue(sub.request().headers().contains(new SipHeader("Expires", "0")));
        driver.inject(t -> new Event.SipResponseReceived(t, sub.token(), new SipResponse(200, "OK", "SUBSCRIBE", "t", null, null)));
        return sub;
    }

    private String cookie(int party) {
        return cookies.stamp(new DialogCookie(KEY, 2, 1_699_999_999_000L, CallState.CONNECTED, Call.Feature.NONE,
                List.of(DialogCookie.Party.phone("1001", "call-a", Role.CALLER), DialogCookie.Party.phone("1002", "call-b", Role.CALLEE)),
                party, null, null, null));
    }

    private static String doc(String user, String callId, String cookie) {
        return """
                <dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" xmlns:hf="urn:x-holdfast:dialog-state" version="0" state="full" entity="sip:%1$s@127.0.0.1">
                  <dialog id="x" call-id="%2$s" local-tag="phone-%1$s" remote-tag="ctl-%1$s" direction="initiator">
                    <state>confirmed</state>
                    <local><identity>sip:%1$s@127.0.0.1</identity><target uri="sip:%1$s@127.0.0.1:6000"/></local>
                    <remote><identity>sip:peer@127.0.0.1</identity><target uri="sip:holdfast@127.0.0.1:5070;hfck=%3$s"/></remote>
                    <hf:dialog-state local-cseq="3" remote-cseq="1"/>
                  </dialog>
                </dialog-info>
                """.formatted(user, callId, cookie);
    }

    /** The phone's NOTIFY for fetch {@code sub}; returns the commands (200, adoption, BYE...). */
    private List<Command> notify(Command.SipSend sub, String body) {
        return request(new SipRequest("NOTIFY", "sip:holdfast@127.0.0.1:5070", "udp", sub.request().callId(), 1,
                sub.request().toUri(), "ntag", sub.request().fromUri(), sub.request().fromTag(), List.of(), null, null, null,
                "application/dialog-info+xml", body));
    }

    private long counter(String name) { return core.sip().counters().get(name); }

    private SipCall onlyCall() {
        assertEquals(1, core.sip().calls().size());
        return core.sip().calls().iterator().next();
    }

    private static List<String> sent(List<Command> out) {
        return out.stream().filter(c -> c instanceof Command.SipSend).map(c -> ((Command.SipSend) c).request())
                .map(r -> r.method() + " " + r.callId()).toList();
    }

    @Test void calleeFirstThenCallerMergeIntoOneCallAndAByeEndsBothLegs() {
        Command.SipSend subB = registerAndGetSubscribe("1002", "secret2");
        List<Command> out = notify(subB, doc("1002", "call-b", cookie(1)));
        AdoptedDialog adopted = ((Command.SipAdoptDialog) out.get(0)).dialog();
        assertEquals(200, reply(out.get(1)).status());
        assertEquals(new AdoptedDialog("1002", "call-b", "ctl-1002", "phone-1002", "sip:peer@127.0.0.1", "sip:1002@127.0.0.1",
                "sip:1002@127.0.0.1:6000", "udp", 1, 3, List.of(), cookie(1)), adopted);
        SipCall call = onlyCall();
        assertTrue(call.bPresent() && !call.aPresent());

        Command.SipSend subA = registerAndGetSubscribe("1001", "secret1");
        notify(subA, doc("1001", "call-a", cookie(0)));
        assertEquals(call, onlyCall());
        assertTrue(call.aPresent() && call.bPresent());
        assertEquals(1, counter("migration.calls.merged"));

        out = request(new SipRequest("BYE", "sip:holdfast@127.0.0.1:5070", "udp", "call-a", 4, "sip:1001@127.0.0.1",
                "phone-1001", "sip:peer@127.0.0.1", "ctl-1001", List.of(), null, null, null, null, null));
        assertEquals(200, reply(out.get(0)).status());
        assertEquals(List.of("BYE call-b"), sent(out));
        assertEquals(0, core.sip().calls().size());
    }

    /**
     * The NOTIFY's 200 goes after the adoption of its dialogs: a phone that hung up during the failover sends its
     * held-back BYE as soon as it has the 200, and that BYE must find the dialog adopted in the edge (which adopts
     * at once, on the core thread, while it hands the 200 to a sender thread).
     */
    @Test void theNotifyIsAnsweredOnlyAfterItsDialogsAreAdopted() {
        Command.SipSend subA = registerAndGetSubscribe("1001", "secret1");
        List<Command> out = notify(subA, doc("1001", "call-a", cookie(0)));
        List<String> kinds = out.stream().map(c -> c instanceof Command.SipRespond r ? "respond " + r.reply().status()
                : c.getClass().getSimpleName()).toList();
        assertEquals(List.of("SipAdoptDialog", "respond 200"), kinds);
    }

    @Test void aLateDialogOfACallThatEndedIsEndedAtOnce() {
        Command.SipSend subA = registerAndGetSubscribe("1001", "secret1");
        notify(subA, doc("1001", "call-a", cookie(0)));
        List<Command> out = request(new SipRequest("BYE", "sip:holdfast@127.0.0.1:5070", "udp", "call-a", 4, "sip:1001@127.0.0.1",
                "phone-1001", "sip:peer@127.0.0.1", "ctl-1001", List.of(), null, null, null, null, null));
        assertEquals(List.of(), sent(out), "nothing toward the leg that is not here");
        Command.SipSend subB = registerAndGetSubscribe("1002", "secret2");
        out = notify(subB, doc("1002", "call-b", cookie(1)));
        assertEquals(List.of("BYE call-b"), sent(out));
        assertEquals(1, counter("migration.dialog.call-ended"));
        assertEquals(0, core.sip().calls().size());
    }

    @Test void cookiesOfAnotherDialogOrPhoneAndBadDocumentsAreRefused() {
        Command.SipSend subA = registerAndGetSubscribe("1001", "secret1");
        // 1002's cookie presented by 1001 for its own dialog, then for 1002's Call-ID
        List<Command> out = notify(subA, doc("1001", "call-a", cookie(1)));
        assertEquals(200, reply(out.get(out.size() - 1)).status());
        assertEquals(1, counter("migration.cookie.rejected.misplaced"));
        assertEquals(0, core.sip().calls().size());
        assertEquals(1, core.sip().talkPathOnlyDialogs());

        Command.SipSend again = registerAgain("1001", "secret1");
        notify(again, doc("1001", "call-b", cookie(1)));
        assertEquals(2, counter("migration.cookie.rejected.misplaced"));

        Command.SipSend third = registerAgain("1001", "secret1");
        out = notify(third, "<dialog-info");
        assertEquals(200, reply(out.get(0)).status());
        assertEquals(1, counter("migration.notify.malformed"));
        // a NOTIFY for no fetch of ours
        out = notify(third, doc("1001", "call-x", cookie(0)));
        assertEquals(481, reply(out.get(0)).status());
        assertEquals(0, core.sip().calls().size());
    }

    /** A member's dialog with the focus: the conference's cookie (feature FOCUS) naming its termination on gw1. */
    private String focusCookie(int party) {
        return cookies.stamp(new DialogCookie(KEY, 3, 1_699_999_999_000L, CallState.CONNECTED, Call.Feature.FOCUS,
                List.of(DialogCookie.Party.phone("1001", "conf-a", Role.CONFEREE), DialogCookie.Party.phone("1002", "conf-b", Role.CONFEREE)),
                party, "gw1", 7L, "R" + (party + 1)));
    }

    /**
     * Conference members' dialogs arriving before the conference's gateway (docs/migration.md, "Conferences of the SIP
     * focus"): each is adopted into a conference that waits for its context; a BYE meanwhile is answered and sends
     * nothing (the member's termination goes when the context arrives); a re-INVITE, with no termination to give the
     * SDP to yet, gets 491; a member's cookie presented by another phone is refused.
     */
    @Test void conferenceDialogsWaitForTheirGatewayAndAMemberLeavesMeanwhile() {
        Command.SipSend subA = registerAndGetSubscribe("1001", "secret1");
        List<Command> out = notify(subA, doc("1001", "conf-a", focusCookie(0)));
        assertTrue(out.get(0) instanceof Command.SipAdoptDialog, "adopted in the edge: " + out);
        assertEquals(200, reply(out.get(out.size() - 1)).status(), "answered once adopted");
        assertEquals(1, counter("migration.conference.dialog-adopted"));
        Command.SipSend subB = registerAndGetSubscribe("1002", "secret2");
        notify(subB, doc("1002", "conf-b", focusCookie(1)));
        assertEquals(2, counter("migration.conference.dialog-adopted"));
        assertEquals(0, core.sip().talkPathOnlyDialogs());
        assertEquals(List.of(), core.calls().conferences(), "no context yet");

        out = request(new SipRequest("INVITE", "sip:holdfast@127.0.0.1:5070", "udp", "conf-b", 4, "sip:1002@127.0.0.1",
                "phone-1002", "sip:peer@127.0.0.1", "ctl-1002", List.of(), null, null, null, "application/sdp",
                "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 7000 RTP/AVP 0\r\na=sendonly\r\n"));
        assertEquals(491, reply(out.get(0)).status());

        out = request(new SipRequest("BYE", "sip:holdfast@127.0.0.1:5070", "udp", "conf-a", 5, "sip:1001@127.0.0.1",
                "phone-1001", "sip:peer@127.0.0.1", "ctl-1001", List.of(), null, null, null, null, null));
        assertEquals(200, reply(out.get(0)).status());
        assertEquals(List.of(), sent(out), "the conference waits for its gateway: nobody is told yet");

        Command.SipSend again = registerAgain("1001", "secret1");
        notify(again, doc("1001", "conf-x", focusCookie(1))); // 1002's cookie on a dialog of 1001's
        assertEquals(1, counter("migration.cookie.rejected.misplaced"));
        assertEquals(1, core.sip().talkPathOnlyDialogs());
        assertEquals(0L, (long) core.failures());
    }

    /**
     * The limit on a missing part (sip.conferencePartMissingSeconds, default 30 s), on the core's virtual clock: two
     * members' dialogs wait for their conference's gateway, which never registers here; nothing happens before the
     * limit; at the limit, with no gateway in service to mix them again, both get BYE, counted, and a member's dialog
     * arriving later gets BYE at once.
     */
    @Test void aConferenceWhoseGatewayNeverComesEndsWithByeToItsMembersAtTheLimit() {
        Command.SipSend subA = registerAndGetSubscribe("1001", "secret1");
        notify(subA, doc("1001", "conf-a", focusCookie(0)));
        Command.SipSend subB = registerAndGetSubscribe("1002", "secret2");
        notify(subB, doc("1002", "conf-b", focusCookie(1)));
        assertEquals(2, counter("migration.conference.dialog-adopted"));

        assertEquals(List.of(), sent(driver.advance(29_000)), "nothing before the limit");
        assertEquals(0, counter("migration.conference.gateway-missing"));
        List<Command> out = driver.advance(1_500);
        assertEquals(List.of("BYE conf-a", "BYE conf-b"), sent(out), "at the limit, BYE to the members");
        for (Command c : out) {
            if (c instanceof Command.SipSend bye) {
                assertTrue(bye.request().headers().contains(new SipHeader("Reason",
                        "SIP;cause=503;text=\"no gateway to mix the conference\"")), "why, in the BYE: " + bye.request().headers());
            }
        }
        assertEquals(1, counter("migration.conference.gateway-missing"));
        assertEquals(1, counter("conference.ended.no-gateway"));
        assertEquals(0, driver.runningTimers(), "no timer left running");

        Command.SipSend again = registerAgain("1001", "secret1");
        out = notify(again, doc("1001", "conf-c", cookies.stamp(new DialogCookie(KEY, 3, 1_699_999_999_000L, CallState.CONNECTED,
                Call.Feature.FOCUS, List.of(DialogCookie.Party.phone("1001", "conf-c", Role.CONFEREE)), 0, "gw1", 7L, "R3"))));
        assertEquals(List.of("BYE conf-c"), sent(out), "a dialog of the conference that ended here gets BYE");
        assertEquals(0L, (long) core.failures());
    }

    private int round;

    /** The phone registers again with a new Call-ID (another failover): a new binding, a new fetch. */
    private Command.SipSend registerAgain(String user, String password) {
        round++;
        String u = user;
        SipRequest r0 = new SipRequest("REGISTER", "sip:127.0.0.1", "udp", "reg-" + u + "-" + round, 1, "sip:" + u + "@127.0.0.1", "g" + u,
                "sip:" + u + "@127.0.0.1", null, List.of(new SipContact("sip:" + u + "@127.0.0.1:6000", null)), 600, null, null, null, null, "dialog");
        SipReply challenge = reply(request(r0).get(0));
        Matcher m = Pattern.compile("nonce=\"([^\"]+)\"").matcher(challenge.headers().get(0).value());
        assertTrue(m.find());
        String ha1 = DigestAuthenticator.hash("MD5", u + ":holdfast:" + password);
        String response = DigestAuthenticator.response("MD5", ha1, m.group(1), "00000001", "abc", "auth", "REGISTER", "sip:127.0.0.1");
        String auth = "Digest username=\"" + u + "\", realm=\"holdfast\", nonce=\"" + m.group(1) + "\", uri=\"sip:127.0.0.1\", "
                + "response=\"" + response + "\", qop=auth, nc=00000001, cnonce=\"abc\"";
        List<Command> out = request(new SipRequest("REGISTER", "sip:127.0.0.1", "udp", "reg-" + u + "-" + round, 2,
                "sip:" + u + "@127.0.0.1", "g" + u, "sip:" + u + "@127.0.0.1", null,
                List.of(new SipContact("sip:" + u + "@127.0.0.1:6000", null)), 600, auth, null, null, null, "dialog"));
        assertEquals(200, reply(out.get(0)).status());
        return (Command.SipSend) out.get(1);
    }

    // ------------------------------------------------------------------------------ trying INVITEs (180 lost)

    /** The cookie of call KEY (1001 calls 1002) while it rings: on leg B's INVITE (party 1) the B2BUA wrote SETUP. */
    private String ringingCookie(int party) {
        return cookies.stamp(new DialogCookie(KEY, 1, 1_699_999_999_000L, CallState.SETUP, Call.Feature.NONE,
                List.of(DialogCookie.Party.phone("1001", "call-a", Role.CALLER), DialogCookie.Party.phone("1002", "call-b", Role.CALLEE)),
                party, null, null, null));
    }

    /** 1002's early dialog of our INVITE (leg B), ringing. */
    private static String calleeEarlyDoc(String cookie) {
        return """
                <dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" xmlns:hf="urn:x-holdfast:dialog-state" version="0" state="full" entity="sip:1002@127.0.0.1">
                  <dialog id="x" call-id="call-b" local-tag="phone-1002" remote-tag="ctl-1002" direction="recipient">
                    <state>early</state>
                    <local><identity>sip:1002@127.0.0.1</identity><target uri="sip:1002@127.0.0.1:6000"/></local>
                    <remote><identity>sip:1001@127.0.0.1</identity><target uri="sip:holdfast@127.0.0.1:5070;hfck=%s"/></remote>
                    <hf:dialog-state local-cseq="-1" remote-cseq="1"/>
                  </dialog>
                </dialog-info>
                """.formatted(cookie);
    }

    /** {@code user}'s own INVITE {@code callId} to 1002, still trying: no remote tag, no remote target, no cookie. */
    private static String tryingDoc(String user, String callId) {
        return """
                <dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" xmlns:hf="urn:x-holdfast:dialog-state" version="0" state="full" entity="sip:%1$s@127.0.0.1">
                  <dialog id="x" call-id="%2$s" local-tag="phone-%1$s" direction="initiator">
                    <state>trying</state>
                    <local><identity>sip:%1$s@127.0.0.1</identity><target uri="sip:%1$s@127.0.0.1:6000"/></local>
                    <remote><identity>sip:1002@127.0.0.1</identity></remote>
                    <hf:dialog-state local-cseq="1" remote-cseq="-1" invite-branch="z9hG4bK-%2$s"/>
                  </dialog>
                </dialog-info>
                """.formatted(user, callId);
    }

    /** The 180s sent so far on a negative handle (answers to an INVITE taken over). */
    private List<SipReply> takenOverRinging() {
        return driver.commands().stream().filter(c -> c instanceof Command.SipRespond r && r.handle() < 0 && r.reply().status() == 180)
                .map(c -> ((Command.SipRespond) c).reply()).toList();
    }

    private Command.SipAdoptEarlyDialog adoptedInvite(String callId) {
        return driver.commands().stream().filter(c -> c instanceof Command.SipAdoptEarlyDialog a && a.inviteBranch() != null
                && a.dialog().callId().equals(callId)).map(c -> (Command.SipAdoptEarlyDialog) c).findFirst().orElseThrow();
    }

    /**
     * 1001's 180 was lost: it reports its INVITE as trying before the callee's early dialog is here. Nothing vouches
     * for it yet; the callee's dialog, whose signed cookie names call-a as 1001's, then does: the INVITE is taken over
     * with the branch it reported and gets a 180 with a tag of ours and the dialog's cookie (and copies of it, as
     * nothing acknowledges a 180), and the callee's answer connects the call to it.
     */
    @Test void aTryingInviteIsTakenOverOnceTheCalleesSignedDialogVouchesForIt() {
        Command.SipSend subA = registerAndGetSubscribe("1001", "secret1");
        List<Command> out = notify(subA, tryingDoc("1001", "call-a"));
        assertEquals(List.of(200), out.stream().filter(c -> c instanceof Command.SipRespond).map(c -> reply(c).status()).toList());
        assertEquals(1, counter("migration.trying.reported"));
        assertEquals(0, core.sip().calls().size(), "nothing signed names it yet");

        Command.SipSend subB = registerAndGetSubscribe("1002", "secret2");
        notify(subB, calleeEarlyDoc(ringingCookie(1)));
        assertEquals(1, counter("migration.trying.adopted"));
        assertEquals(2, counter("migration.early-dialogs.adopted"));
        assertEquals(1, counter("migration.cookie.accepted"), "only the callee's cookie came from a phone");
        Command.SipAdoptEarlyDialog a = adoptedInvite("call-a");
        assertEquals("z9hG4bK-call-a", a.inviteBranch());
        assertEquals("phone-1001", a.dialog().remoteTag());
        assertEquals(1, a.dialog().remoteCSeq());
        assertEquals("sip:1001@127.0.0.1:6000", a.dialog().remoteTarget(), "the registered contact");
        List<SipReply> ringing = takenOverRinging();
        assertEquals(1, ringing.size());
        assertEquals(a.dialog().localTag(), ringing.get(0).toTag());
        assertTrue(ringing.get(0).toTag().startsWith("hft"));
        DialogCookie c = ((PhoneDialogCookies.Accepted) cookies.verify(ringing.get(0).cookie())).cookie();
        assertEquals(KEY, c.callKey());
        assertEquals("call-a", c.self().callId());
        assertEquals("1001", c.self().id());
        assertEquals(CallState.RINGING, c.state());

        driver.advance(10_000);
        assertEquals(B2bua.TRYING_RINGING_COPIES, takenOverRinging().size(), "the 180 again while the call rings");

        long legB = driver.commands().stream().filter(x -> x instanceof Command.SipAdoptEarlyDialog e && e.inviteBranch() == null)
                .mapToLong(x -> ((Command.SipAdoptEarlyDialog) x).token()).findFirst().orElseThrow();
        out = driver.inject(t -> new Event.SipResponseReceived(t, legB, new SipResponse(200, "OK", "INVITE", "phone-1002",
                "application/sdp", "v=0\r\n")));
        assertTrue(out.stream().anyMatch(x -> x instanceof Command.SipRespond r && r.handle() == -a.token() && r.reply().status() == 200
                && r.reply().toTag().equals(a.dialog().localTag())), "the caller's INVITE answered: " + out);
        driver.advance(10_000);
        assertEquals(B2bua.TRYING_RINGING_COPIES, takenOverRinging().size(), "no 180 after the answer");
        assertEquals(0L, (long) core.failures());
    }

    @Test void aTryingInviteReportedAfterTheCalleesDialogIsTakenOverAtOnce() {
        Command.SipSend subB = registerAndGetSubscribe("1002", "secret2");
        notify(subB, calleeEarlyDoc(ringingCookie(1)));
        Command.SipSend subA = registerAndGetSubscribe("1001", "secret1");
        List<Command> out = notify(subA, tryingDoc("1001", "call-a"));
        assertTrue(out.stream().anyMatch(x -> x instanceof Command.SipRespond r && r.handle() < 0 && r.reply().status() == 180), out.toString());
        assertEquals(1, counter("migration.trying.adopted"));
        assertEquals(1, core.sip().calls().size());
    }

    /**
     * Unsigned input: a phone's trying report says only what the phone claims. One that no call rebuilt here from
     * signed cookies names (an unknown Call-ID; call-a claimed by 1002, which the callee's cookie names as the callee)
     * is never answered: counted and logged after the wait, nothing sent to anybody.
     */
    @Test void aTryingReportNothingSignedVouchesForIsIgnored() {
        Command.SipSend subB = registerAndGetSubscribe("1002", "secret2");
        notify(subB, calleeEarlyDoc(ringingCookie(1)));
        Command.SipSend subA = registerAndGetSubscribe("1001", "secret1");
        notify(subA, tryingDoc("1001", "call-unknown"));
        Command.SipSend again = registerAgain("1002", "secret2");
        notify(again, tryingDoc("1002", "call-a"));
        assertEquals(2, counter("migration.trying.reported"));
        driver.advance(DialogAdoption.TRYING_WAIT_MILLIS + 1000);
        assertEquals(2, counter("migration.trying.unmatched"));
        assertEquals(0, counter("migration.trying.adopted"));
        assertEquals(List.of(), takenOverRinging());
        assertTrue(driver.commands().stream().noneMatch(x -> x instanceof Command.SipAdoptEarlyDialog e && e.inviteBranch() != null),
                "no INVITE taken over");
        assertEquals(0L, (long) core.failures());
    }
}
