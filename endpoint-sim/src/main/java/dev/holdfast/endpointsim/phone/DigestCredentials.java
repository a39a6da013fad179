package dev.holdfast.endpointsim.phone;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * HTTP digest as SIP uses it (RFC 3261 22.4, RFC 2617 3.2.2): the response a phone puts in Authorization or
 * Proxy-Authorization for a challenge. MD5, with or without qop=auth.
 */
public final class DigestCredentials {
    private DigestCredentials() {}

    /**
     * The request-digest.
     *
     * @param qop    "auth" or null (RFC 2069 compatibility: no qop, no cnonce, no nonce count)
     * @param nc     the nonce count as 8 hex digits (with qop)
     * @param cnonce the client nonce (with qop)
     */
    public static String response(String user, String realm, String password, String method, String uri, String nonce,
                                  String qop, String nc, String cnonce) {
        String ha1 = md5(user + ":" + realm + ":" + password);
        String ha2 = md5(method + ":" + uri);
        return qop == null ? md5(ha1 + ":" + nonce + ":" + ha2)
                : md5(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2);
    }

    static String md5(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has MD5", e);
        }
    }
}
