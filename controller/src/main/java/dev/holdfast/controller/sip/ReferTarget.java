package dev.holdfast.controller.sip;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * What a REFER's Refer-To asks for (RFC 3515 2.1): a SIP URI to call and, for an attended transfer, the dialog the
 * new call is to replace (RFC 3891: the URI header {@code Replaces}, escaped, with Call-ID, to-tag and from-tag as
 * the recipient of the INVITE would see them). Plain string work, like {@link SipUri}.
 *
 * @param uri       the target URI without its headers
 * @param replaces  the Call-ID of the dialog to replace, or null (a blind transfer)
 * @param toTag     the replaced dialog's tag of the party that would receive the INVITE with Replaces (here: ours)
 * @param fromTag   the replaced dialog's other tag (the transferor's)
 */
record ReferTarget(SipUri uri, String replaces, String toTag, String fromTag) {

    /** Null when the value is no SIP URI or its Replaces cannot be read. */
    static ReferTarget parse(String referTo) {
        if (referTo == null) return null;
        String v = referTo.strip();
        int lt = v.indexOf('<');
        if (lt >= 0) {
            int gt = v.indexOf('>', lt);
            if (gt < 0) return null;
            v = v.substring(lt + 1, gt);
        } else {
            int semi = v.indexOf(';', v.indexOf('@') + 1);
            if (semi >= 0 && v.indexOf('?') < 0) v = v.substring(0, semi); // addr-spec: parameters are the header's
        }
        String headers = null;
        int q = v.indexOf('?');
        if (q >= 0) {
            headers = v.substring(q + 1);
            v = v.substring(0, q);
        }
        SipUri uri = SipUri.parse(v);
        if (uri == null) return null;
        if (headers == null) return new ReferTarget(uri, null, null, null);
        for (String h : headers.split("&")) {
            int eq = h.indexOf('=');
            if (eq <= 0 || !h.substring(0, eq).strip().equalsIgnoreCase("Replaces")) continue;
            String value;
            try {
                value = URLDecoder.decode(h.substring(eq + 1).replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null;
            }
            String[] parts = value.split(";");
            String callId = parts[0].strip();
            String to = null;
            String from = null;
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].strip();
                int e = p.indexOf('=');
                if (e < 0) continue;
                String k = p.substring(0, e).strip().toLowerCase(Locale.ROOT);
                if (k.equals("to-tag")) to = p.substring(e + 1).strip();
                else if (k.equals("from-tag")) from = p.substring(e + 1).strip();
            }
            if (callId.isEmpty() || to == null || from == null) return null;
            return new ReferTarget(uri, callId, to, from);
        }
        return new ReferTarget(uri, null, null, null);
    }

    boolean attended() { return replaces != null; }
}
