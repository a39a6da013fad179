package dev.holdfast.controller.warmup;

import dev.holdfast.controller.provisioning.Provisioning;
import dev.holdfast.controller.provisioning.ProvisioningException;
import dev.holdfast.controller.provisioning.ProvisioningLoader;
import dev.holdfast.h248.message.MId;

/**
 * The world of the warm-up's rehearsals: a provisioning of synthetic gateways and SIP subscribers that belong to no
 * one, and a cookie key made for it (random, never written anywhere: the rehearsal's cookies verify with it and with no
 * live key, and the live key never signs them). Addresses are from TEST-NET-1 (192.0.2.0/24, RFC 5737): nothing is
 * ever sent to them.
 *
 * @param gateways how many synthetic gateways (at least 2: the inter-gateway calls need two)
 */
record ScratchSetup(Provisioning provisioning, int gateways, MId controllerMid, long clockStart) {
    static final String DOMAIN = "192.0.2.1";
    static final String REALM = "warmup";

    static ScratchSetup create(int gateways) {
        if (gateways < 2) throw new IllegalArgumentException("a rehearsal needs 2 gateways or more");
        byte[] secret = new byte[32];
        new java.security.SecureRandom().nextBytes(secret);
        StringBuilder y = new StringBuilder();
        y.append("controller: { address: ").append(DOMAIN).append(", port: 2944, transports: [udp], role: alternate }\n")
         .append("timers: { noAnswerSeconds: 30, inactivityMillis: 10000 }\n")
         .append("sip: { realm: ").append(REALM).append(" }\n")
         .append("cookies: { current: 1, keys: [ { id: 1, secret: \"")
         .append(java.util.Base64.getEncoder().encodeToString(secret)).append("\" } ] }\n")
         .append("subscribers:\n");
        for (int p = 1; p <= 2 * gateways; p++) {
            y.append("  - { user: ").append(phoneUser(p)).append(", password: ").append(password(p))
             .append(", number: \"").append(phoneNumber(p)).append("\" }\n");
        }
        y.append("gateways:\n");
        for (int g = 1; g <= gateways; g++) {
            y.append("  - name: ").append(gatewayName(g)).append('\n')
             .append("    mid: \"[").append(gatewayAddress(g)).append("]:2944\"\n")
             .append("    lines:\n");
            for (int l = 1; l <= FailoverRehearsal.LINES; l++) {
                y.append("      - { termination: A").append(l).append(", number: \"").append(lineNumber(g, l)).append("\" }\n");
            }
        }
        try {
            Provisioning p = ProvisioningLoader.parse(y.toString(), ProvisioningLoader.Format.YAML, "warm-up rehearsal");
            return new ScratchSetup(p, gateways, MId.ipv4(DOMAIN, 2944), System.currentTimeMillis());
        } catch (ProvisioningException e) {
            throw new IllegalStateException("the warm-up's own provisioning: " + e.getMessage(), e);
        }
    }

    static String gatewayName(int g) { return "warmup-gw" + g; }

    static String gatewayAddress(int g) { return "192.0.2." + (10 + g); }

    static String lineNumber(int g, int l) { return "8" + (100 + g) + (100 + l); }

    static String phoneUser(int p) { return "warmup-p" + p; }

    static String password(int p) { return "warmup-pw" + p; }

    static String phoneNumber(int p) { return "9" + (1000 + p); }

    static String phoneAddress(int p) { return "192.0.2." + (100 + p); }
}
