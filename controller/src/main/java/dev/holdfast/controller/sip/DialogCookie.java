package dev.holdfast.controller.sip;

import dev.holdfast.controller.call.Call;
import dev.holdfast.controller.call.CallState;
import dev.holdfast.controller.call.CallStructure.Role;

import java.util.List;

/**
 * What the call cookie of one phone dialog says, as the SIP side reads it (docs/migration.md, part
 * {@code PHONE_DIALOG}): the whole call from the point of view of this dialog. The SIP side deals in cookie
 * <em>text</em> through {@link PhoneDialogCookies}; this record is what that text encodes.
 *
 * @param partyIndex  the index in {@code parties} of the phone this dialog belongs to
 * @param gateway     where the phone's media goes (an RTP termination on a gateway), or null for a phone-to-phone call;
 *                    {@code context} and {@code termination} likewise
 */
public record DialogCookie(long callKey, int generation, long stateSince, CallState state, Call.Feature feature,
                           List<Party> parties, int partyIndex, String gateway, Long context, String termination) {
    /** One party: {@code kind} LINE, TRUNK or PHONE; a phone has its number in {@code id} and its dialog's Call-ID in {@code callId}. */
    public record Party(String kind, String gateway, String id, Role role, String callId) {
        public static Party phone(String number, String callId, Role role) { return new Party("PHONE", null, number, role, callId); }
    }

    public DialogCookie {
        parties = List.copyOf(parties);
        if (partyIndex < 0 || partyIndex >= parties.size()) throw new IllegalArgumentException("party " + partyIndex + " of " + parties.size());
        if (!"PHONE".equals(parties.get(partyIndex).kind())) throw new IllegalArgumentException("a dialog cookie on a " + parties.get(partyIndex).kind());
    }

    /** The party this dialog belongs to. */
    public Party self() { return parties.get(partyIndex); }

    /** True when the phone's media goes to a gateway (a call with a line or trunk): call processing's to rebuild. */
    public boolean toGateway() { return gateway != null; }
}
