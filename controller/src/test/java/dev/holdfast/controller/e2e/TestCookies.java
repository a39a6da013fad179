package dev.holdfast.controller.e2e;

import dev.holdfast.controller.cookie.CallCookie;
import dev.holdfast.controller.cookie.CookieCodec;
import dev.holdfast.controller.cookie.CookieKey;
import dev.holdfast.controller.cookie.CookieKeyRing;
import dev.holdfast.controller.cookie.CookieVerdict;
import dev.holdfast.endpointsim.phone.Call;
import dev.holdfast.gatewaysim.SimulatedGateway;

import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the call cookies the controllers wrote, as the tests' key ring ({@link MigrationEndToEndTest#COOKIES}) verifies
 * them: on a gateway termination (property {@code hfck/c}) or in a phone dialog's remote target ({@code hfck}).
 */
final class TestCookies {
    private TestCookies() {}

    static final String SECRET = "aG9sZGZhc3QtdGVzdC1rZXktMzItb2N0ZXRzLWxvbmctLQ==";
    static final CookieKeyRing KEYS = CookieKeyRing.of(new CookieKey(1, Base64.getDecoder().decode(SECRET), null));
    private static final Pattern PROPERTY = Pattern.compile("\"([A-Za-z0-9_-]+)\"");
    private static final Pattern PARAMETER = Pattern.compile("hfck=([^;>?]+)");

    /** The verified cookie on a termination of {@code gw}; null if none or it does not verify. */
    static CallCookie onTermination(SimulatedGateway gw, String termination) {
        String value = gw.properties(termination).get("hfck/c");
        return verified(value == null ? null : PROPERTY.matcher(value));
    }

    /** The verified cookie in a phone dialog's remote target (our Contact's {@code hfck}); null if none. */
    static CallCookie inDialog(Call c) {
        String target = c.remoteTarget();
        return verified(target == null ? null : PARAMETER.matcher(target));
    }

    private static CallCookie verified(Matcher m) {
        if (m == null || !m.find()) return null;
        CookieVerdict v = CookieCodec.verify(m.group(1), KEYS, System.currentTimeMillis());
        return v instanceof CookieVerdict.Accepted a ? a.cookie() : null;
    }
}
