package dev.holdfast.controller.sip;

import dev.holdfast.controller.call.Call;
import dev.holdfast.controller.call.CallState;
import dev.holdfast.controller.call.CallStructure.Role;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a phone hands back to the alternate controller, bad as well as good: cookies and dialog-info documents. */
class DialogCookieInputTest {
    private static final byte[] KEY = filled(7);

    private static CodecDialogCookies codec(byte[] secret) {
        return new CodecDialogCookies(dev.holdfast.controller.cookie.CookieKeyRing.of(
                new dev.holdfast.controller.cookie.CookieKey(1, secret, null)), () -> 1_700_000_000_000L);
    }

    private static byte[] filled(int v) {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) v);
        return k;
    }

    private static DialogCookie cookie() {
        return new DialogCookie(0x1234_5678_9abc_def0L, 3, 1_700_000_000_000L, CallState.CONNECTED, Call.Feature.HOLD,
                List.of(DialogCookie.Party.phone("1001", "a|b%c@x", Role.CALLER), DialogCookie.Party.phone("1002", "b@x", Role.CALLEE)),
                1, null, null, null);
    }

    private static String reason(PhoneDialogCookies.Verdict v) {
        return v instanceof PhoneDialogCookies.Rejected r ? r.reason() : "accepted";
    }

    @Test void aCookieRoundTripsAndIsSafeInAUri() {
        CodecDialogCookies c = codec(KEY);
        String text = c.stamp(cookie());
        assertTrue(text.matches("[A-Za-z0-9_-]+"), text);
        assertEquals(new PhoneDialogCookies.Accepted(cookie()), c.verify(text));
    }

    @Test void forgedTruncatedGarbledAndUnsignedCookiesAreRefused() {
        CodecDialogCookies c = codec(KEY);
        String text = c.stamp(cookie());
        assertEquals("forged", reason(codec(filled(8)).verify(text)));
        // one character of the MAC changed
        int last = text.length() - 2;
        char ch = text.charAt(last) == 'A' ? 'B' : 'A';
        assertEquals("forged", reason(c.verify(text.substring(0, last) + ch + text.substring(last + 1))));
        assertTrue(List.of("truncated", "malformed").contains(reason(c.verify(text.substring(0, text.length() - 4)))));
        assertTrue(List.of("truncated", "malformed").contains(reason(c.verify(null))));
        assertEquals("malformed", reason(c.verify("%%%not-base64url")));
        // key id 0: unsigned
        assertEquals("unsigned", reason(c.verify("AQ" + text.substring(2, 3).replaceAll(".", "A") + text.substring(3))));
        assertEquals("off", reason(PhoneDialogCookies.OFF.verify(text)));
    }

    @Test void aDialogInfoDocumentIsRead() {
        String doc = """
                <?xml version="1.0"?>
                <dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" xmlns:hf="urn:x-holdfast:dialog-state" version="0" state="full" entity="sip:1001@h">
                  <dialog id="x" call-id="c1" local-tag="lt" remote-tag="rt" direction="initiator">
                    <state>confirmed</state>
                    <local><identity>sip:1001@h</identity><target uri="sip:1001@127.0.0.1:5070"/></local>
                    <remote><identity>sip:1002@h</identity><target uri="sip:holdfast@127.0.0.1:5060;hfck=abc.def"/></remote>
                    <hf:dialog-state local-cseq="4" remote-cseq="2"><hf:route uri="&lt;sip:p1;lr&gt;"/></hf:dialog-state>
                    <other xmlns="urn:example">ignored</other>
                  </dialog>
                </dialog-info>
                """;
        List<DialogInfoDocument.Dialog> ds = DialogInfoDocument.parse(doc);
        assertEquals(List.of(new DialogInfoDocument.Dialog("c1", "lt", "rt", "initiator", "confirmed", "sip:1001@h",
                "sip:1001@127.0.0.1:5070", "sip:1002@h", "sip:holdfast@127.0.0.1:5060;hfck=abc.def", 4, 2,
                List.of("<sip:p1;lr>"))), ds);
        assertEquals("abc.def", DialogAdoption.param(ds.get(0).remoteTarget(), "hfck"));
        assertEquals(null, DialogAdoption.param("sip:holdfast@h;lr", "hfck"));
    }

    @Test void anEarlyDialogOfThePhonesOwnInviteCarriesItsBranch() {
        String doc = """
                <dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" xmlns:hf="urn:x-holdfast:dialog-state" version="0" state="full" entity="sip:1001@h">
                  <dialog id="x" call-id="c1" local-tag="lt" remote-tag="rt" direction="initiator">
                    <state>early</state>
                    <local><identity>sip:1001@h</identity><target uri="sip:1001@127.0.0.1:5070"/></local>
                    <remote><identity>sip:1002@h</identity><target uri="sip:holdfast@127.0.0.1:5060;hfck=abc"/></remote>
                    <hf:dialog-state local-cseq="1" remote-cseq="-1" invite-branch="z9hG4bKphone1"/>
                  </dialog>
                </dialog-info>
                """;
        DialogInfoDocument.Dialog d = DialogInfoDocument.parse(doc).get(0);
        assertEquals("early", d.state());
        assertEquals("z9hG4bKphone1", d.inviteBranch());
        assertEquals(1, d.localCSeq());
        assertEquals(null, DialogInfoDocument.parse(doc.replace(" invite-branch=\"z9hG4bKphone1\"", "")).get(0).inviteBranch());
    }

    @Test void badDocumentsAreRefusedWithoutReadingAnythingElse() {
        assertThrows(IllegalArgumentException.class, () -> DialogInfoDocument.parse("not xml"));
        assertThrows(IllegalArgumentException.class, () -> DialogInfoDocument.parse("<presence xmlns=\"urn:ietf:params:xml:ns:pidf\"/>"));
        // an external entity: refused (no DTDs at all), the file is never read
        assertThrows(IllegalArgumentException.class, () -> DialogInfoDocument.parse("""
                <?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>
                <dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info"><dialog call-id="&x;"/></dialog-info>"""));
        assertThrows(IllegalArgumentException.class, () -> DialogInfoDocument.parse(
                "<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\"><dialog><hf:dialog-state xmlns:hf=\"urn:x-holdfast:dialog-state\" local-cseq=\"x\"/></dialog></dialog-info>"));
        StringBuilder many = new StringBuilder("<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\">");
        for (int i = 0; i <= DialogInfoDocument.MAX_DIALOGS; i++) many.append("<dialog call-id=\"c").append(i).append("\"/>");
        assertThrows(IllegalArgumentException.class, () -> DialogInfoDocument.parse(many.append("</dialog-info>").toString()));
    }
}
