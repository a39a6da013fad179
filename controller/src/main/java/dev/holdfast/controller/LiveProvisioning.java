package dev.holdfast.controller;

import dev.holdfast.controller.call.CallProcessor;
import dev.holdfast.controller.gateway.Gateway;
import dev.holdfast.controller.gateway.GatewayAssociation;
import dev.holdfast.controller.gateway.Line;
import dev.holdfast.controller.provisioning.ChangeOutcome;
import dev.holdfast.controller.provisioning.LineConfig;
import dev.holdfast.controller.provisioning.Provisioning;
import dev.holdfast.controller.provisioning.ProvisioningChange;
import dev.holdfast.controller.provisioning.ProvisioningEdits;
import dev.holdfast.controller.sip.SipCall;
import dev.holdfast.controller.sip.SipCore;
import dev.holdfast.controller.sip.Subscriber;

/**
 * The core's side of provisioning changes made while it runs (admin event {@code provision <json>}): the change is
 * checked as a file would be ({@link ProvisioningEdits}), then against the calls (a station, line or gateway in a
 * call is not removed: 409, release the call first, as a call server's "busy out first"), then applied to the
 * parts that route and admit: the gateway association, the dial plan, the subscriber directory and the location
 * service. Deterministic like the rest of the core: the event log's replay reaches the same provisioning.
 */
final class LiveProvisioning {
    private static final System.Logger LOG = System.getLogger(LiveProvisioning.class.getName());

    private final GatewayAssociation association;
    private final CallProcessor calls;
    private final SipCore sip;
    private Provisioning current;
    private long accepted;
    private long refused;

    LiveProvisioning(Provisioning initial, GatewayAssociation association, CallProcessor calls, SipCore sip) {
        this.current = initial;
        this.association = association;
        this.calls = calls;
        this.sip = sip;
    }

    Provisioning current() { return current; }

    long accepted() { return accepted; }

    long refused() { return refused; }

    ChangeOutcome apply(ProvisioningChange change) {
        ChangeOutcome o = ProvisioningEdits.apply(current, change);
        if (o.accepted()) {
            ChangeOutcome busy = inUse(change);
            if (busy != null) o = busy;
        }
        if (!o.accepted()) {
            refused++;
            ChangeOutcome why = o;
            LOG.log(System.Logger.Level.INFO, () -> change.op() + " " + change.target() + " refused: " + why);
            return o;
        }
        current = o.result();
        if (change instanceof ProvisioningChange.AddGateway g) {
            association.addGateway(current.gateway(g.name()));
        } else if (change instanceof ProvisioningChange.RemoveGateway g) {
            Gateway gw = association.gateway(g.name());
            calls.gatewayRemoved(gw);
            association.removeGateway(gw);
        } else if (change instanceof ProvisioningChange.AddLine l) {
            association.addLine(association.gateway(l.gateway()), new LineConfig(l.termination(), l.number()));
        } else if (change instanceof ProvisioningChange.RemoveLine l) {
            Gateway gw = association.gateway(l.gateway());
            Line line = association.removeLine(gw, l.termination());
            if (line != null) calls.lineRemoved(line);
        } else if (change instanceof ProvisioningChange.RemoveStation s) {
            Subscriber sub = sip.directory().byNumber(s.number());
            // its registrations end with it: the next REGISTER is refused (403, as for any unknown user)
            if (sub != null) sip.location().removeAll(sub.user());
        }
        sip.directory().reload(current.subscribers());
        calls.provisioningChanged(current);
        accepted++;
        LOG.log(System.Logger.Level.INFO, () -> change.op() + " " + change.target() + ": done");
        return o;
    }

    /** A removal of something a call uses: 409 naming the call. */
    private ChangeOutcome inUse(ProvisioningChange change) {
        if (change instanceof ProvisioningChange.RemoveStation s) {
            for (SipCall c : sip.calls()) {
                if (c.state() != SipCall.State.ENDED && (s.number().equals(c.caller()) || s.number().equals(c.callee()))) {
                    return ChangeOutcome.conflict("number", "station " + s.number() + " is in phone call " + c.id()
                            + ": remove it once the call has ended");
                }
            }
        } else if (change instanceof ProvisioningChange.RemoveLine l) {
            Gateway gw = association.gateway(l.gateway());
            Line line = gw == null ? null : gw.line(l.termination());
            var call = line == null ? null : calls.callOf(line);
            if (call != null) {
                return ChangeOutcome.conflict("termination", "line " + gw.name() + "/" + line.termination()
                        + " is in call " + call.id() + ": release it first (DELETE /api/calls/" + call.id() + ")");
            }
        } else if (change instanceof ProvisioningChange.RemoveGateway g) {
            Gateway gw = association.gateway(g.name());
            if (gw != null && calls.callsOn(gw) > 0) {
                return ChangeOutcome.conflict("name", "gateway " + g.name() + " has " + calls.callsOn(gw)
                        + " calls: release them first");
            }
            if (gw != null && calls.reconstructing(gw)) {
                return ChangeOutcome.conflict("name", "gateway " + g.name() + " is having its calls rebuilt: try again");
            }
        }
        return null;
    }
}
