package dev.holdfast.endpointsim.load;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The phones a SIP load run simulates and its provisioning agree on: phone {@code i} (1-based) has the user name
 * and number {@code 200000 + i} (six digits for up to 799,999 phones; gateway lines use 100000 and up) and a
 * password derived from the number and the seed, so that {@code --write-config} and the run need not share a file.
 */
public record SipLoadPlan(int phones, long seed) {
    public SipLoadPlan {
        if (phones < 1) throw new IllegalArgumentException("--phones must be at least 1");
        if (phones > 799_999) throw new IllegalArgumentException("too many phones for six-digit numbers");
    }

    public String number(int i) { return Integer.toString(200_000 + i); }

    public String user(int i) { return number(i); }

    public String password(int i) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest(("holdfast-loadgen:" + seed + ":" + number(i)).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    /** The subscribers' provisioning (YAML): a top-level {@code subscribers:} list of {user, password, number}. */
    public String provisioningYaml() {
        return provisioningYaml(null, 0);
    }

    /**
     * The provisioning with, when {@code sipHost} is given, the controller's {@code sip:} section too: where it
     * listens, and a flood limit lifted for the load generator, whose phones all send from one address.
     */
    public String provisioningYaml(String sipHost, int sipPort) {
        StringBuilder y = new StringBuilder();
        y.append("# written by loadgen sip --write-config: ").append(phones).append(" phones (seed ").append(seed).append(")\n");
        if (sipHost != null) {
            y.append("sip:\n  address: ").append(sipHost).append("\n  port: ").append(sipPort).append('\n')
             .append("  # every simulated phone sends from the load generator's one address\n")
             .append("  floodRequestsPerSecond: 100000\n  floodBurst: 100000\n");
        }
        y.append("subscribers:\n");
        for (int i = 1; i <= phones; i++) {
            y.append("  - { user: \"").append(user(i)).append("\", password: \"").append(password(i))
             .append("\", number: \"").append(number(i)).append("\" }\n");
        }
        return y.toString();
    }
}
