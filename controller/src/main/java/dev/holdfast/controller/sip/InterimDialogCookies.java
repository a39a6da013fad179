package dev.holdfast.controller.sip;

import dev.holdfast.controller.call.Call;
import dev.holdfast.controller.call.CallState;
import dev.holdfast.controller.call.CallStructure.Role;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Phone dialog cookies signed with HMAC-SHA-256 under one shared key, in a plain text body: the SIP side's stand-in
 * until the controller's cookie codec ({@code dev.holdfast.controller.cookie}, binary body, key ring with rotation)
 * is wired in through {@link PhoneDialogCookies}. Same outer shape as the codec's: base64url body, a MAC over it
 * truncated to 16 octets, so a forged, truncated or unsigned cookie is refused the same way.
 */
public final class InterimDialogCookies implements PhoneDialogCookies {
    private static final String VERSION = "i1";
    private static final int MAC_BYTES = 16;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private final SecretKeySpec key;

    public InterimDialogCookies(byte[] key) {
        if (key.length < 16) throw new IllegalArgumentException("a cookie key of " + key.length + " octets (16 at least)");
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
    }

    @Override public String stamp(DialogCookie c) {
        List<String> f = new ArrayList<>(List.of(VERSION, Long.toString(c.callKey()), Integer.toString(c.generation()),
                Long.toString(c.stateSince()), c.state().name(), c.feature().name(), Integer.toString(c.partyIndex()),
                nz(c.gateway()), c.context() == null ? "" : c.context().toString(), nz(c.termination()),
                Integer.toString(c.parties().size())));
        for (DialogCookie.Party p : c.parties()) {
            f.addAll(List.of(p.kind(), nz(p.gateway()), nz(p.id()), p.role().name(), nz(p.callId())));
        }
        StringBuilder b = new StringBuilder();
        for (String s : f) b.append(b.length() == 0 ? "" : "|").append(URLEncoder.encode(s, StandardCharsets.UTF_8));
        String body = B64.encodeToString(b.toString().getBytes(StandardCharsets.UTF_8));
        return body + "." + B64.encodeToString(mac(body));
    }

    @Override public Verdict verify(String text) {
        if (text == null || text.isEmpty()) return new Rejected("unsigned", "no cookie");
        int dot = text.lastIndexOf('.');
        if (dot <= 0) return new Rejected("unsigned", "no MAC");
        String body = text.substring(0, dot);
        byte[] mac;
        try {
            mac = B64D.decode(text.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return new Rejected("malformed", "MAC is not base64url");
        }
        if (mac.length != MAC_BYTES) return new Rejected("malformed", "MAC of " + mac.length + " octets");
        if (!MessageDigest.isEqual(mac, mac(body))) return new Rejected("forged", "MAC does not match");
        try {
            String[] f = new String(B64D.decode(body), StandardCharsets.UTF_8).split("\\|", -1);
            for (int i = 0; i < f.length; i++) f[i] = URLDecoder.decode(f[i], StandardCharsets.UTF_8);
            if (!VERSION.equals(f[0])) return new Rejected("version", "version " + f[0]);
            int n = Integer.parseInt(f[10]);
            if (f.length != 11 + 5 * n) return new Rejected("malformed", f.length + " fields for " + n + " parties");
            List<DialogCookie.Party> parties = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int o = 11 + 5 * i;
                parties.add(new DialogCookie.Party(f[o], nn(f[o + 1]), nn(f[o + 2]), Role.valueOf(f[o + 3]), nn(f[o + 4])));
            }
            return new Accepted(new DialogCookie(Long.parseLong(f[1]), Integer.parseInt(f[2]), Long.parseLong(f[3]),
                    CallState.valueOf(f[4]), Call.Feature.valueOf(f[5]), parties, Integer.parseInt(f[6]), nn(f[7]),
                    f[8].isEmpty() ? null : Long.valueOf(f[8]), nn(f[9])));
        } catch (RuntimeException e) {
            // signed by us but unreadable: a bug, not an attack; refused all the same
            return new Rejected("malformed", e.toString());
        }
    }

    private byte[] mac(String body) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(key);
            return Arrays.copyOf(m.doFinal(body.getBytes(StandardCharsets.US_ASCII)), MAC_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    private static String nz(String s) { return s == null ? "" : s; }

    private static String nn(String s) { return s.isEmpty() ? null : s; }
}
