package dev.holdfast.controller;

import dev.holdfast.h248.message.ActionReply;
import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.ContextId;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@link MgModel} for tests in other packages. */
public final class MgModelAccess {
    private final MgModel model;

    public MgModelAccess(int rtpPortBase, String... terminations) { model = new MgModel(rtpPortBase, terminations); }

    public List<ActionReply> execute(List<ActionRequest> actions) { return model.execute(actions); }

    public synchronized ContextId contextOf(String termination) {
        synchronized (model) {
            for (Map.Entry<Long, List<String>> e : model.contexts.entrySet()) {
                if (e.getValue().contains(termination.toUpperCase(Locale.ROOT))) return ContextId.of(e.getKey());
            }
        }
        return ContextId.NULL;
    }

    /** The Local SDP the model gives its n-th RTP termination. */
    public String sdp(int n) { return model.sdp(n); }

    public boolean idle() {
        synchronized (model) { return model.contexts.isEmpty(); }
    }
}
