package dev.holdfast.controller.warmup;

import dev.holdfast.controller.sip.SipMessageMapping;
import dev.holdfast.controller.sip.SipOutgoingRequest;
import dev.holdfast.controller.sip.SipReply;

import javax.sip.SipFactory;
import javax.sip.header.HeaderFactory;
import javax.sip.message.Request;

/**
 * The SIP edge's side of a rehearsal's messages: the core's answers and requests made into the stack's messages by the
 * edge's own mapping, and written out as text, as the SIP edge does before handing them to the stack (which is not
 * there: no stack, no socket; the factories make messages only).
 */
final class SipEdgeMessages {
    private final SipMessageMapping mapping;
    private final HeaderFactory headers;
    private long branches;

    SipEdgeMessages() {
        try {
            SipFactory f = SipFactory.getInstance();
            this.headers = f.createHeaderFactory();
            this.mapping = new SipMessageMapping(f.createMessageFactory(), headers, f.createAddressFactory());
        } catch (javax.sip.PeerUnavailableException e) {
            throw new IllegalStateException("SIP message factories: " + e.getMessage(), e);
        }
    }

    /** The response the edge would send for {@code reply} to {@code request}, as text. */
    String response(Request request, SipReply reply) throws Exception {
        return mapping.response(request, reply, reply.contact() ? mapping.contact(ScratchSetup.DOMAIN, 5060, "udp", reply.cookie()) : null)
                .toString();
    }

    /** A dialog-starting request (a SUBSCRIBE) as the edge would send it, as text; null for one in a dialog. */
    String request(SipOutgoingRequest q) throws Exception {
        if (q.requestUri() == null) return null; // in a dialog: the stack's dialog makes it
        String transport = mapping.transportTo(q);
        var via = headers.createViaHeader(ScratchSetup.DOMAIN, 5060, transport, "z9hG4bKwu" + (++branches));
        return mapping.dialogStarting(q, via, mapping.contact(ScratchSetup.DOMAIN, 5060, transport, q.cookie())).toString();
    }
}
