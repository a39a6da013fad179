package dev.holdfast.controller.core;

import dev.holdfast.h248.message.ActionReply;
import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.ErrorDescriptor;

import java.util.List;

/** An output of the core, carried out by the edge. */
public sealed interface Command {

    /** Send a transaction request to a gateway; its reply comes back as an event with the same token. */
    record SendRequest(String peer, long token, List<ActionRequest> actions) implements Command {
        public SendRequest { actions = List.copyOf(actions); }
    }

    /** Answer the received request with edge handle {@code handle}. */
    record SendReply(long handle, List<ActionReply> actions) implements Command {
        public SendReply { actions = List.copyOf(actions); }
    }

    /** Answer the received request with a transaction-level error. */
    record SendErrorReply(long handle, ErrorDescriptor error) implements Command {}

    /** Fire {@link Event.TimerFired} with this id after {@code delayMillis}. */
    record StartTimer(long timer, long delayMillis) implements Command {}

    /** Do not fire that timer. */
    record CancelTimer(long timer) implements Command {}

    /** Answer the SIP request with edge handle {@code handle}. */
    record SipRespond(long handle, dev.holdfast.controller.sip.SipReply reply) implements Command {}

    /** Send a SIP request; its responses come back as events with {@code token} (0: none expected, e.g. ACK). */
    record SipSend(long token, dev.holdfast.controller.sip.SipOutgoingRequest request) implements Command {}

    /**
     * Make the SIP edge able to send and receive requests in a phone's dialog that another controller set up (call
     * migration): the dialog as the phone's dialog event package described it.
     */
    record SipAdoptDialog(dev.holdfast.controller.sip.AdoptedDialog dialog) implements Command {}

    /**
     * As {@link SipAdoptDialog}, for a phone's early dialog in which we are the UAC: the INVITE went out from a
     * controller that died while the phone rang. The phone sends its final response to that INVITE here (it answers
     * through its current controller: docs/migration.md, "Ringing calls"); it comes back as a response with
     * {@code token}, as if our own INVITE had got it. With {@code inviteBranch} (the branch of the phone's INVITE)
     * we are the UAS, the phone's INVITE went to the controller that died: {@code SipRespond} with handle
     * {@code -token} answers it (statelessly, to the phone's Via; a 2xx is sent again until the phone's ACK).
     */
    record SipAdoptEarlyDialog(dev.holdfast.controller.sip.AdoptedDialog dialog, long token, String inviteBranch) implements Command {
        /** An early dialog in which we are the UAC (a line's call rings the phone). */
        public SipAdoptEarlyDialog(dev.holdfast.controller.sip.AdoptedDialog dialog, long token) { this(dialog, token, null); }
    }
}
