package dev.holdfast.endpointsim.phone;

import javax.sip.address.Address;
import java.util.List;

/**
 * The body of a dialog event package NOTIFY (RFC 4235, {@code application/dialog-info+xml}), always full state:
 * one {@code <dialog>} per early or confirmed INVITE dialog of the phone, and one per INVITE of ours still
 * {@code trying} at a controller we failed over from. The far end's target
 * ({@code <remote><target uri>}) is the controller's Contact with its call cookie. What an alternate controller needs
 * to send requests in a dialog it did not set up, and that RFC 4235 has no element for (the CSeq numbers and the
 * route set), is in an extension element of our own namespace {@value #HF_NS}, which other subscribers ignore.
 */
public final class DialogInfo {
    public static final String CONTENT_TYPE = "application";
    public static final String CONTENT_SUBTYPE = "dialog-info+xml";
    public static final String NS = "urn:ietf:params:xml:ns:dialog-info";
    public static final String HF_NS = "urn:x-holdfast:dialog-state";

    private DialogInfo() {}

    /** One dialog as the document lists it. */
    public record Entry(String callId, String localTag, String remoteTag, boolean initiator, String state,
                        String localIdentity, String localTarget, String remoteIdentity, String remoteTarget,
                        long localCSeq, long remoteCSeq, List<String> routeSet, String inviteBranch) {
        public Entry(String callId, String localTag, String remoteTag, boolean initiator, String state, String localIdentity,
                     String localTarget, String remoteIdentity, String remoteTarget, long localCSeq, long remoteCSeq,
                     List<String> routeSet) {
            this(callId, localTag, remoteTag, initiator, state, localIdentity, localTarget, remoteIdentity, remoteTarget,
                    localCSeq, remoteCSeq, routeSet, null);
        }
    }

    /** The entry for {@code c}, or null when it has no dialog to report (no remote tag yet, or over). */
    static Entry entry(Call c, String localTarget) {
        String state = switch (c.state()) {
            // answered through a controller that has not acknowledged it: early for that controller (it takes the 2xx
            // as the answer to an INVITE it took over: docs/migration.md, "Phones")
            case CONNECTED -> c.answeredElsewhere && c.unackedOk != null ? "early" : "confirmed";
            case RINGBACK, RINGING -> "early";
            default -> null;
        };
        return entry(c, localTarget, state);
    }

    /**
     * The entry for our own INVITE {@code c} in RFC 4235 state {@code trying}: sent, answered with no response that
     * has a To-tag (at most 100 Trying), so no remote tag, no remote target and no cookie. Listed with the INVITE's
     * CSeq and Via branch so that a controller that can vouch for the call otherwise (the gateway's signed cookie
     * naming this Call-ID) can answer that INVITE (docs/migration.md, "A ringing call whose 180 was lost").
     */
    static Entry trying(Call c, String localTarget) {
        if (!c.outgoing || c.invite == null || c.remoteTag != null
                || !(c.invite.getHeader(javax.sip.header.ViaHeader.NAME) instanceof javax.sip.header.ViaHeader v)) return null;
        long cseq = ((javax.sip.header.CSeqHeader) c.invite.getHeader(javax.sip.header.CSeqHeader.NAME)).getSeqNumber();
        return new Entry(c.callId, c.localTag, null, true, "trying", c.localAddress.getURI().toString(), localTarget,
                c.remoteAddress.getURI().toString(), null, cseq, -1, List.of(), v.getBranch());
    }

    /** The entry for {@code c} in dialog state {@code state} (null: none). */
    static Entry entry(Call c, String localTarget, String state) {
        if (state == null || c.remoteTag == null) return null;
        List<String> routes = c.routeSet.stream().map(Address::toString).toList();
        // our own INVITE still ringing: the branch of its Via lets a controller that takes the dialog over answer it
        String branch = c.outgoing && "early".equals(state) && c.invite != null
                && c.invite.getHeader(javax.sip.header.ViaHeader.NAME) instanceof javax.sip.header.ViaHeader v ? v.getBranch() : null;
        return new Entry(c.callId, c.localTag, c.remoteTag, c.outgoing, state, c.localAddress.getURI().toString(),
                localTarget, c.remoteAddress.getURI().toString(),
                c.remoteTarget == null ? null : c.remoteTarget.toString(), c.localCSeq, c.remoteCSeq, routes, branch);
    }

    /** The full-state document, version {@code version}, for the phone with address of record {@code entity}. */
    public static String document(String entity, long version, List<Entry> dialogs) {
        StringBuilder b = new StringBuilder(256 + 600 * dialogs.size());
        b.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<dialog-info xmlns=\"").append(NS).append("\" xmlns:hf=\"").append(HF_NS)
                .append("\" version=\"").append(version).append("\" state=\"full\" entity=\"").append(xml(entity))
                .append("\">\n");
        for (Entry e : dialogs) {
            b.append("  <dialog id=\"").append(xml(e.callId() + ";" + e.localTag())).append("\" call-id=\"")
                    .append(xml(e.callId())).append("\" local-tag=\"").append(xml(e.localTag())).append('"');
            // (a trying dialog has no remote tag yet: RFC 4235 makes the attribute optional)
            if (e.remoteTag() != null) b.append(" remote-tag=\"").append(xml(e.remoteTag())).append('"');
            b.append(" direction=\"").append(e.initiator() ? "initiator" : "recipient").append("\">\n");
            b.append("    <state>").append(e.state()).append("</state>\n");
            b.append("    <local><identity>").append(xml(e.localIdentity())).append("</identity>");
            if (e.localTarget() != null) b.append("<target uri=\"").append(xml(e.localTarget())).append("\"/>");
            b.append("</local>\n");
            b.append("    <remote><identity>").append(xml(e.remoteIdentity())).append("</identity>");
            if (e.remoteTarget() != null) b.append("<target uri=\"").append(xml(e.remoteTarget())).append("\"/>");
            b.append("</remote>\n");
            b.append("    <hf:dialog-state local-cseq=\"").append(e.localCSeq()).append("\" remote-cseq=\"")
                    .append(e.remoteCSeq()).append('"');
            if (e.inviteBranch() != null) b.append(" invite-branch=\"").append(xml(e.inviteBranch())).append('"');
            b.append('>');
            for (String r : e.routeSet()) b.append("<hf:route uri=\"").append(xml(r)).append("\"/>");
            b.append("</hf:dialog-state>\n");
            b.append("  </dialog>\n");
        }
        return b.append("</dialog-info>\n").toString();
    }

    static String xml(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> b.append(ch);
            }
        }
        return b.toString();
    }
}
