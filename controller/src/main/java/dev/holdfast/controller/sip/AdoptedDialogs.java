package dev.holdfast.controller.sip;

import gov.nist.javax.sip.SipProviderImpl;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.stack.SIPDialog;
import gov.nist.javax.sip.stack.SIPTransactionStack;

import javax.sip.Dialog;
import javax.sip.DialogState;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.HeaderFactory;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a JAIN-SIP RI dialog for a dialog set up by another controller (see {@link SipEdge}'s {@code adopt}). The RI
 * creates a UAC dialog from a 2xx without a transaction (its constructor for forked responses,
 * {@code SIPTransactionStack.createDialog(SipProviderImpl, SIPResponse)}): we give it the 2xx to an INVITE it would
 * have seen, with our tag in From, the phone's in To, the phone's Contact and the route set as Record-Route, and the
 * CSeq just above the last one the phone saw from us. The phone's last CSeq becomes the dialog's remote sequence
 * number, so the stack takes its next request and refuses replays. Without a transaction the RI skips the dialog id,
 * remote target and route set; we set the id through its public setter and the other two through its own private
 * method for a 2xx (reflection). Ties the edge to the RI (1.3.0-91), which the project pins.
 */
final class AdoptedDialogs {
    private AdoptedDialogs() {}

    static Dialog create(SipStack stack, SipProvider provider, MessageFactory messages, HeaderFactory headers,
                         AddressFactory addresses, String host, int port, AdoptedDialog a) throws Exception {
        URI target = addresses.createURI(a.remoteTarget());
        String transport = a.transport() == null ? "udp" : a.transport();
        if (target instanceof SipURI s && s.getTransportParam() != null) transport = s.getTransportParam();
        long cseq = Math.max(a.localCSeq(), 0) + 1;
        Request invite = messages.createRequest(target, Request.INVITE, headers.createCallIdHeader(a.callId()),
                headers.createCSeqHeader(cseq, Request.INVITE),
                headers.createFromHeader(addresses.createAddress(a.localUri()), a.localTag()),
                headers.createToHeader(addresses.createAddress(a.remoteUri()), a.remoteTag()),
                new ArrayList<>(List.of(headers.createViaHeader(host, port, transport, "z9hG4bKhfadopt"))),
                headers.createMaxForwardsHeader(70));
        Response ok = messages.createResponse(Response.OK, invite);
        ok.addHeader(headers.createContactHeader(addresses.createAddress(target)));
        // a UAC takes the route set from the 2xx's Record-Route in reverse order (RFC 3261 12.1.2)
        List<String> rr = new ArrayList<>(a.routeSet());
        java.util.Collections.reverse(rr);
        for (String r : rr) ok.addHeader(headers.createRecordRouteHeader(addresses.createAddress(r)));
        SIPTransactionStack s = (SIPTransactionStack) stack;
        SIPDialog d = s.createDialog((SipProviderImpl) provider, (SIPResponse) ok);
        // without a transaction the RI leaves out the dialog id, the remote target and the route set: we set them
        d.setDialogId(((SIPResponse) ok).getDialogId(false));
        if (d.getRemoteTarget() == null || d.getRouteSet() == null || !d.getRouteSet().hasNext() && !rr.isEmpty()) {
            Method routes = SIPDialog.class.getDeclaredMethod("addRoute", SIPResponse.class);
            routes.setAccessible(true);
            routes.invoke(d, ok);
        }
        if (d.getRemoteTarget() == null) {
            Method remote = SIPDialog.class.getDeclaredMethod("setRemoteTarget", javax.sip.header.ContactHeader.class);
            remote.setAccessible(true);
            remote.invoke(d, ok.getHeader(javax.sip.header.ContactHeader.NAME));
        }
        if (a.remoteCSeq() >= 0) d.setRemoteSequenceNumber(a.remoteCSeq());
        if (d.getState() != DialogState.CONFIRMED) d.setState(SIPDialog.CONFIRMED_STATE);
        s.putDialog(d);
        return d;
    }
}
