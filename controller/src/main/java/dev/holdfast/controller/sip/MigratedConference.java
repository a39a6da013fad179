package dev.holdfast.controller.sip;

import java.util.List;
import java.util.function.Function;

/**
 * A conference of the focus rebuilt by call processing from its gateway context's cookies on the alternate
 * controller (docs/migration.md, "Conferences"): the bridge, mixing as before, and who is in it, in joining order.
 * The focus joins it with the members' dialogs, which arrive by the dialog event package, in either order.
 *
 * @param key     the conference's call key (its dialogs' cookies carry the same)
 * @param bridge  the context, its terminations adopted as they are
 * @param members the members whose parts verified
 */
public record MigratedConference(long key, ConferenceBridge bridge, List<Member> members) {
    public MigratedConference { members = List.copyOf(members); }

    /**
     * One member: a phone ({@code callId} its dialog with the focus) or a line moved into the context, whose own call
     * {@code bindLine} hands to the focus (it reports the line's hang-up to the given party; null when that call is
     * not here).
     */
    public record Member(boolean phone, String number, String callId, ConferenceBridge.Member media,
                         Function<LineRouter.SipParty, LineRouter.LineCall> bindLine) {}
}
