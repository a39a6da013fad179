package dev.holdfast.endpointsim;

import dev.holdfast.endpointsim.phone.Call;
import dev.holdfast.endpointsim.phone.CallState;
import dev.holdfast.endpointsim.phone.Phone;
import dev.holdfast.endpointsim.phone.PhoneConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.sip.header.SubscriptionStateHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The phone as notifier of the dialog event package (RFC 4235 over RFC 6665): its controller subscribes and gets
 * the phone's dialogs (with the far end's target and our extension element), a refresh gets a new NOTIFY, a change
 * in the dialogs gets one, Expires: 0 ends the subscription; a SUBSCRIBE from anyone but the current controller is
 * refused.
 */
class DialogPackageTest {
    private static final Duration T = Duration.ofSeconds(5);
    private PhoneRuntime rt;
    private TestRegistrar registrar;
    private TestRegistrar stranger;

    @AfterEach void stop() {
        if (rt != null) rt.close();
        if (registrar != null) registrar.close();
        if (stranger != null) stranger.close();
    }

    private static String body(Request r) { return new String(r.getRawContent(), StandardCharsets.UTF_8); }

    private static String state(Request r) {
        return ((SubscriptionStateHeader) r.getHeader(SubscriptionStateHeader.NAME)).getState();
    }

    @Test void controllerSubscribesRefreshesHearsChangesAndUnsubscribes() throws Exception {
        registrar = new TestRegistrar();
        stranger = new TestRegistrar();
        rt = PhoneRuntime.loopback();
        // a domain of its own, so that a call to a 127.0.0.1 URI goes straight to it and not through the registrar
        Phone alice = rt.phone(PhoneConfig.of("alice", null, List.of(registrar.address())).withDomain("holdfast.test"));
        Phone bob = rt.phone(PhoneConfig.of("bob", null, List.of()).withAutoAnswer(Duration.ZERO));
        Await.until("alice registered", T, () -> alice.registered() && registrar.contactOf("alice") != null);
        Call out = alice.call(bob.directUri());
        Await.until("connected", T, () -> out.state() == CallState.CONNECTED && out.talkPathUp(), () -> out + " " + bob.calls());

        AtomicReference<Response> ok = new AtomicReference<>();
        registrar.subscribe(registrar.contactOf("alice"), 60, null, ok::set);
        Await.until("200 and a NOTIFY", T, () -> ok.get() != null && registrar.notifies().size() == 1);
        assertEquals(200, ok.get().getStatusCode());
        assertEquals(60, ok.get().getExpires().getExpires());
        Request first = registrar.notifies().get(0);
        assertEquals("active", state(first));
        javax.sip.header.ContentTypeHeader type = (javax.sip.header.ContentTypeHeader) first.getHeader("Content-Type");
        assertEquals("application/dialog-info+xml", type.getContentType() + "/" + type.getContentSubType());
        String doc = body(first);
        assertTrue(doc.contains("version=\"0\"") && doc.contains("state=\"full\""), doc);
        assertTrue(doc.contains("call-id=\"" + out.callId() + "\"") && doc.contains("direction=\"initiator\""), doc);
        assertTrue(doc.contains("<state>confirmed</state>"), doc);
        assertTrue(doc.contains("<remote><identity>" + bob.directUri() + "</identity><target uri=\"sip:bob@"), doc);
        assertTrue(doc.contains("<hf:dialog-state local-cseq=\"1\" remote-cseq=\"-1\">"), doc);

        // a refresh in the subscription's dialog: 200 and a new full-state NOTIFY
        String[] dialog = {first.getHeader("Call-ID").toString().split(":", 2)[1].strip(),
                ((javax.sip.header.ToHeader) first.getHeader(ToHeader.NAME)).getTag(),
                ((javax.sip.header.FromHeader) first.getHeader("From")).getTag()};
        AtomicReference<Response> refreshed = new AtomicReference<>();
        registrar.subscribe(registrar.contactOf("alice"), 120, dialog, refreshed::set);
        Await.until("refresh answered", T, () -> refreshed.get() != null && registrar.notifies().size() == 2);
        assertEquals(200, refreshed.get().getStatusCode());
        assertTrue(body(registrar.notifies().get(1)).contains("version=\"1\""));

        // the call ends: the subscriber hears that the dialog is gone
        alice.hangUp(out);
        Await.until("NOTIFY without the dialog", T, () -> registrar.notifies().size() == 3);
        assertTrue(!body(registrar.notifies().get(2)).contains("<dialog "), body(registrar.notifies().get(2)));

        // Expires: 0 ends it with a last NOTIFY
        AtomicReference<Response> ended = new AtomicReference<>();
        registrar.subscribe(registrar.contactOf("alice"), 0, dialog, ended::set);
        Await.until("unsubscribed", T, () -> ended.get() != null && registrar.notifies().size() == 4);
        assertEquals("terminated", state(registrar.notifies().get(3)));
        long notifies = alice.dialogNotifies();

        // not the controller alice is registered with: 403, nothing said
        AtomicReference<Response> refused = new AtomicReference<>();
        stranger.subscribe(registrar.contactOf("alice"), 60, null, refused::set);
        Await.until("refused", T, () -> refused.get() != null);
        assertEquals(403, refused.get().getStatusCode());
        assertEquals(1, alice.subscriptionsRefused());
        assertEquals(0, stranger.notifies().size());
        assertEquals(notifies, alice.dialogNotifies());
    }
}
