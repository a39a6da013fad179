package dev.holdfast.controller.provisioning;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks of a bound provisioning that a schema cannot express; each violation names its field as a JSON Pointer. */
final class ProvisioningValidator {
    private ProvisioningValidator() {}

    /**
     * @param conflict the value is valid but already taken (a number, user, mId, name or termination in use, or a
     *                 number that is a prefix of another): the admin API answers 409 for it, 400 for the rest
     */
    record Violation(String pointer, String message, boolean conflict) {
        Violation(String pointer, String message) { this(pointer, message, false); }

        static Violation conflict(String pointer, String message) { return new Violation(pointer, message, true); }
    }

    private static final Pattern NUMBER = Pattern.compile("[0-9]{1,20}");
    private static final Pattern TERMINATION = Pattern.compile("[A-Za-z][A-Za-z0-9_/.-]*");
    /** RFC 3261 25.1 user: unreserved and user-unreserved characters (no escapes). */
    private static final Pattern SIP_USER = Pattern.compile("[A-Za-z0-9\\-_.!~*'()&=+$,;?/]{1,64}");
    private static final Pattern HA1 = Pattern.compile("[0-9a-fA-F]{32}");
    private static final Pattern DIGIT_PATTERN = Pattern.compile("[0-9xX.\\[\\]\\-]+");

    static List<Violation> validate(Provisioning p) {
        List<Violation> out = new ArrayList<>();
        ControllerSettings c = p.controller();
        if (c.mid() != null && !MidText.isValid(c.mid())) {
            out.add(new Violation("/controller/mid", "'" + c.mid() + "' is not an mId ([ip]:port, <domain>:port or a device name)"));
        }
        if (c.port() < 0 || c.port() > 65535) out.add(new Violation("/controller/port", "port " + c.port() + " is not in 0..65535"));
        for (int i = 0; i < c.transports().size(); i++) {
            String t = c.transports().get(i);
            if (!"udp".equals(t) && !"tcp".equals(t)) {
                out.add(new Violation("/controller/transports/" + i, "transport '" + t + "' is neither udp nor tcp"));
            }
        }
        if (c.transports().isEmpty()) out.add(new Violation("/controller/transports", "no transport to listen on"));
        if (!c.role().equals("primary") && !c.role().equals("alternate")) {
            out.add(new Violation("/controller/role", "role '" + c.role() + "' is neither primary nor alternate"));
        }
        if (!List.of("idle", "immediate", "none").contains(c.failback())) {
            out.add(new Violation("/controller/failback", "failback '" + c.failback() + "' is not idle, immediate or none"));
        }
        if (!List.of("auto", "on", "off").contains(c.warmup())) {
            out.add(new Violation("/controller/warmup", "warmup '" + c.warmup() + "' is not auto, on or off"));
        }
        if (c.peer() != null && !MidText.isValid(c.peer())) {
            out.add(new Violation("/controller/peer", "'" + c.peer() + "' is not an mId ([ip]:port or <domain>:port)"));
        }

        Set<String> names = new HashSet<>();
        Set<String> mids = new HashSet<>();
        Map<String, String> numberOwner = new HashMap<>();
        Set<String> groups = new HashSet<>();
        for (int g = 0; g < p.gateways().size(); g++) {
            GatewayConfig gw = p.gateways().get(g);
            String at = "/gateways/" + g;
            if (gw.mid() == null) {
                out.add(new Violation(at, "gateway without 'mid'"));
            } else if (!MidText.isValid(gw.mid())) {
                out.add(new Violation(at + "/mid", "'" + gw.mid() + "' is not an mId ([ip]:port, <domain>:port or a device name)"));
            } else if (!mids.add(MidText.canonical(gw.mid()))) {
                out.add(Violation.conflict(at + "/mid", "mId " + gw.mid() + " is provisioned twice"));
            }
            if (gw.name() != null && !names.add(gw.name())) {
                out.add(Violation.conflict(at + "/name", "gateway name '" + gw.name() + "' is used twice"));
            }
            if (gw.address() != null) {
                try {
                    Integer port = gw.expectedPort();
                    if (port != null && (port < 1 || port > 65535)) throw new NumberFormatException();
                    if (gw.expectedHost().isBlank()) throw new NumberFormatException();
                } catch (NumberFormatException e) {
                    out.add(new Violation(at + "/address", "'" + gw.address() + "' is not host or host:port"));
                }
            }
            Set<String> terms = new HashSet<>();
            for (int l = 0; l < gw.lines().size(); l++) {
                LineConfig line = gw.lines().get(l);
                String la = at + "/lines/" + l;
                checkTermination(out, la, line.termination(), terms);
                if (line.number() == null) {
                    out.add(new Violation(la, "line without 'number'"));
                } else if (!NUMBER.matcher(line.number()).matches()) {
                    out.add(new Violation(la + "/number", "directory number '" + line.number() + "' is not 1 to 20 digits"));
                } else {
                    String owner = numberOwner.putIfAbsent(line.number(), gw.name() + "/" + line.termination());
                    if (owner != null) {
                        out.add(Violation.conflict(la + "/number", "directory number " + line.number()
                                + " is already line " + owner));
                    }
                }
            }
            for (int t = 0; t < gw.trunks().size(); t++) {
                TrunkConfig trunk = gw.trunks().get(t);
                String ta = at + "/trunks/" + t;
                checkTermination(out, ta, trunk.termination(), terms);
                if (trunk.group() == null || trunk.group().isBlank()) {
                    out.add(new Violation(ta, "trunk without 'group'"));
                } else {
                    groups.add(trunk.group());
                }
            }
        }

        Set<String> users = new HashSet<>();
        for (int i = 0; i < p.subscribers().size(); i++) {
            SubscriberConfig sub = p.subscribers().get(i);
            String at = "/subscribers/" + i;
            if (sub.user() == null || !SIP_USER.matcher(sub.user()).matches()) {
                out.add(new Violation(sub.user() == null ? at : at + "/user", "'" + sub.user()
                        + "' is not a SIP user name (letters, digits and -_.!~*'()&=+$,;?/ only)"));
            } else if (!users.add(sub.user())) {
                out.add(Violation.conflict(at + "/user", "subscriber " + sub.user() + " is provisioned twice"));
            }
            if ((sub.password() == null) == (sub.ha1() == null)) {
                out.add(new Violation(at, "give exactly one of 'password' and 'ha1'"));
            } else if (sub.ha1() != null && !HA1.matcher(sub.ha1()).matches()) {
                out.add(new Violation(at + "/ha1", "ha1 is not 32 hex digits (MD5 of user:realm:password)"));
            }
            if (sub.number() == null) {
                out.add(new Violation(at, "subscriber without 'number'"));
            } else if (!NUMBER.matcher(sub.number()).matches()) {
                out.add(new Violation(at + "/number", "directory number '" + sub.number() + "' is not 1 to 20 digits"));
            } else {
                String owner = numberOwner.putIfAbsent(sub.number(), "subscriber " + sub.user());
                if (owner != null) {
                    out.add(Violation.conflict(at + "/number", "directory number " + sub.number() + " is already used by " + owner));
                }
            }
        }
        SipSettings sip = p.sip();
        if (sip != null) {
            if (sip.port() < 0 || sip.port() > 65535) out.add(new Violation("/sip/port", "port " + sip.port() + " is not in 0..65535"));
            if (sip.transports().isEmpty()) out.add(new Violation("/sip/transports", "no transport to listen on"));
            for (int i = 0; i < sip.transports().size(); i++) {
                String t = sip.transports().get(i);
                if (!"udp".equals(t) && !"tcp".equals(t)) {
                    out.add(new Violation("/sip/transports/" + i, "transport '" + t + "' is neither udp nor tcp"));
                }
            }
            positive(out, "/sip/nonceSeconds", sip.nonceSeconds(), 1, 86_400);
            positive(out, "/sip/minExpires", sip.minExpires(), 1, 86_400);
            positive(out, "/sip/maxExpires", sip.maxExpires(), sip.minExpires(), 86_400);
            positive(out, "/sip/defaultExpires", sip.defaultExpires(), sip.minExpires(), sip.maxExpires());
            positive(out, "/sip/maxMessageBytes", sip.maxMessageBytes(), 1024, 65_535);
            positive(out, "/sip/floodRequestsPerSecond", sip.floodRequestsPerSecond(), 1, 1_000_000);
            positive(out, "/sip/floodBurst", sip.floodBurst(), 1, 1_000_000);
            positive(out, "/sip/retryAfterSeconds", sip.retryAfterSeconds(), 1, 3600);
            positive(out, "/sip/conferencePartMissingSeconds", sip.conferencePartMissingSeconds(), 1, 3600);
        }

        if (p.admin() != null) checkAdmin(out, p.admin());
        if (p.cluster() != null) checkCluster(out, p.cluster());

        DialPlanConfig dp = p.dialPlan();
        Set<String> codes = new HashSet<>();
        for (int i = 0; i < dp.trunkAccessCodes().size(); i++) {
            DialPlanConfig.TrunkAccessCode tac = dp.trunkAccessCodes().get(i);
            String at = "/dialPlan/trunkAccessCodes/" + i;
            if (tac.code() == null || !NUMBER.matcher(tac.code()).matches()) {
                out.add(new Violation(tac.code() == null ? at : at + "/code", "access code '" + tac.code() + "' is not digits"));
                continue;
            }
            if (!codes.add(tac.code())) out.add(new Violation(at + "/code", "access code " + tac.code() + " is used twice"));
            if (tac.group() == null) {
                out.add(new Violation(at, "access code without 'group'"));
            } else if (!groups.contains(tac.group())) {
                out.add(new Violation(at + "/group", "no trunk is in group '" + tac.group() + "'"));
            }
            if (!DIGIT_PATTERN.matcher(tac.digits()).matches()) {
                out.add(new Violation(at + "/digits", "'" + tac.digits() + "' is not a digit-map pattern (digits, x, [0-9], .)"));
            }
            for (String number : numberOwner.keySet().stream().sorted().toList()) {
                if (number.startsWith(tac.code()) || tac.code().startsWith(number)) {
                    out.add(Violation.conflict(at + "/code", "access code " + tac.code() + " and directory number "
                            + number + " (" + numberOwner.get(number) + ") overlap: one is a prefix of the other"));
                    break;
                }
            }
        }
        // in sorted order the numbers a number is a prefix of come right after it: one pass over neighbours, not
        // every pair (a load test provisions tens of thousands of lines)
        List<String> sorted = numberOwner.keySet().stream().sorted().toList();
        for (int i = 0; i + 1 < sorted.size(); i++) {
            String a = sorted.get(i);
            String b = sorted.get(i + 1);
            if (b.startsWith(a)) {
                out.add(Violation.conflict(pointerOfNumber(p, a), "directory number " + a
                        + " is a prefix of " + b + ": the longer one could never be dialled"));
            }
        }
        DialPlanConfig.InvalidNumber inv = dp.invalidNumber();
        if (inv.treatment() == DialPlanConfig.Treatment.ANNOUNCEMENT
                && (inv.announcement() == null || inv.announcement().isBlank())) {
            out.add(new Violation("/dialPlan/invalidNumber/treatment", "treatment 'announcement' needs 'announcement' (its id)"));
        }

        TimerConfig t = p.timers();
        positive(out, "/timers/noAnswerSeconds", t.noAnswerSeconds(), 1, 3600);
        positive(out, "/timers/digitMapStart", t.digitMapStart(), 1, 99);
        positive(out, "/timers/digitMapShort", t.digitMapShort(), 1, 99);
        positive(out, "/timers/digitMapLong", t.digitMapLong(), 1, 99);
        positive(out, "/timers/inactivityMillis", t.inactivityMillis(), 0, 3_600_000);
        if (t.inactivityMillis() % 10 != 0) {
            out.add(new Violation("/timers/inactivityMillis", "must be a multiple of 10 ms (it/mit counts in 10 ms)"));
        }
        positive(out, "/timers/gatewaySilenceMillis", t.gatewaySilenceMillis(), 100, 3_600_000);
        positive(out, "/gatewayLoss/holdSeconds", p.gatewayLoss().holdSeconds(), 0, 86_400);
        if (p.cookies() != null) checkCookies(out, p.cookies());
        return out;
    }

    private static final Pattern ADMIN_USER = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

    private static void checkAdmin(List<Violation> out, AdminSettings a) {
        if (a.port() < 0 || a.port() > 65535) out.add(new Violation("/admin/port", "port " + a.port() + " is not in 0..65535"));
        positive(out, "/admin/tokenIdleSeconds", a.tokenIdleSeconds(), 1, 86_400);
        positive(out, "/admin/maxBodyBytes", a.maxBodyBytes(), 1024, 16 << 20);
        positive(out, "/admin/loginFailureLimit", a.loginFailureLimit(), 1, 1000);
        positive(out, "/admin/loginFailureWindowSeconds", a.loginFailureWindowSeconds(), 1, 86_400);
        positive(out, "/admin/eventQueue", a.eventQueue(), 16, 1_000_000);
        positive(out, "/admin/drillDelayMs", a.drillDelayMs(), 0, 60_000);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < a.users().size(); i++) {
            AdminSettings.AdminUser u = a.users().get(i);
            String at = "/admin/users/" + i;
            if (u.user() == null || !ADMIN_USER.matcher(u.user()).matches()) {
                out.add(new Violation(u.user() == null ? at : at + "/user", "'" + u.user()
                        + "' is not an admin user name (1 to 64 letters, digits and ._@-)"));
            } else if (!seen.add(u.user())) {
                out.add(new Violation(at + "/user", "admin user " + u.user() + " is provisioned twice"));
            }
            if (u.role() == null || !List.of("admin", "operator", "viewer").contains(u.role())) {
                out.add(new Violation(u.role() == null ? at : at + "/role", "role '" + u.role()
                        + "' is not one of admin, operator, viewer"));
            }
            if (u.password() == null) {
                out.add(new Violation(at, "admin user without 'password' (a hash: bin/controller hash-password)"));
            } else if (!dev.holdfast.controller.admin.PasswordHash.isWellFormed(u.password())) {
                out.add(new Violation(at + "/password", "not a password hash pbkdf2-sha256$ITERATIONS$SALT$HASH"
                        + " (make one with bin/controller hash-password)"));
            }
        }
    }

    /** The cookie key ring; messages never quote a secret. */
    private static void checkCluster(List<Violation> out, ClusterConfig c) {
        if (c.name() != null && (c.name().isBlank() || c.name().length() > 128)) {
            out.add(new Violation("/cluster/name", "a controller name is 1 to 128 characters"));
        }
        if (c.clusterName().isBlank()) out.add(new Violation("/cluster/clusterName", "the cluster name is empty"));
        if (c.members().isEmpty()) out.add(new Violation("/cluster/members", "no member to connect to (host:port)"));
        for (int i = 0; i < c.members().size(); i++) {
            String m = c.members().get(i);
            int colon = m == null ? -1 : m.lastIndexOf(':');
            boolean ok = colon > 0;
            if (ok) {
                try {
                    int port = Integer.parseInt(m.substring(colon + 1));
                    ok = port >= 1 && port <= 65535;
                } catch (NumberFormatException e) {
                    ok = false;
                }
            }
            if (!ok) out.add(new Violation("/cluster/members/" + i, "'" + m + "' is not host:port"));
        }
        positive(out, "/cluster/connectTimeoutMs", c.connectTimeoutMs(), 100, 600_000);
        positive(out, "/cluster/operationTimeoutMs", c.operationTimeoutMs(), 50, 600_000);
        positive(out, "/cluster/heartbeatMs", c.heartbeatMs(), 100, 600_000);
        positive(out, "/cluster/cdrQueue", c.cdrQueue(), 1, 10_000_000);
    }

    private static void checkCookies(List<Violation> out, CookiesConfig c) {
        if (c.keys().isEmpty()) out.add(new Violation("/cookies", "cookies without 'keys' (give at least the current key)"));
        Map<Integer, Integer> indexOfId = new HashMap<>();
        for (int i = 0; i < c.keys().size(); i++) {
            CookiesConfig.Key k = c.keys().get(i);
            String at = "/cookies/keys/" + i;
            if (k.id() == null) {
                out.add(new Violation(at, "key without 'id'"));
            } else if (k.id() < 1 || k.id() > 255) {
                out.add(new Violation(at + "/id", "key id " + k.id() + " is not in 1..255"));
            } else if (indexOfId.putIfAbsent(k.id(), i) != null) {
                out.add(new Violation(at + "/id", "key id " + k.id() + " is used twice"));
            }
            if (k.secret() == null) {
                out.add(new Violation(at, "key without 'secret'"));
            } else {
                byte[] secret = CookiesConfig.decodeSecret(k.secret());
                if (secret == null) {
                    out.add(new Violation(at + "/secret", "the secret is not base64"));
                } else if (secret.length < dev.holdfast.controller.cookie.CookieKey.MIN_SECRET_OCTETS) {
                    out.add(new Violation(at + "/secret", "the secret is " + secret.length + " octets, fewer than "
                            + dev.holdfast.controller.cookie.CookieKey.MIN_SECRET_OCTETS));
                }
            }
            if (k.acceptUntil() != null && CookiesConfig.parseInstant(k.acceptUntil()) == null) {
                out.add(new Violation(at + "/acceptUntil", "'" + k.acceptUntil()
                        + "' is not an ISO-8601 instant (e.g. 2026-12-01T00:00:00Z)"));
            }
        }
        if (c.current() == null) {
            out.add(new Violation("/cookies", "cookies without 'current' (the id of the key that signs)"));
        } else if (!indexOfId.containsKey(c.current())) {
            out.add(new Violation("/cookies/current", "key " + c.current() + " is not among the keys"));
        } else {
            int i = indexOfId.get(c.current());
            if (c.keys().get(i).acceptUntil() != null) {
                out.add(new Violation("/cookies/keys/" + i + "/acceptUntil",
                        "key " + c.current() + " is the current one: the key that signs cannot have an acceptUntil"));
            }
        }
    }

    private static void checkTermination(List<Violation> out, String at, String termination, Set<String> seen) {
        if (termination == null) {
            out.add(new Violation(at, "missing 'termination'"));
        } else if (!TERMINATION.matcher(termination).matches() || termination.equalsIgnoreCase("ROOT")) {
            out.add(new Violation(at + "/termination", "'" + termination + "' is not a physical termination id"));
        } else if (!seen.add(termination.toUpperCase(java.util.Locale.ROOT))) {
            out.add(Violation.conflict(at + "/termination", "termination " + termination + " is provisioned twice on this gateway"));
        }
    }

    private static void positive(List<Violation> out, String at, int value, int min, int max) {
        if (value < min || value > max) out.add(new Violation(at, value + " is not in " + min + ".." + max));
    }

    private static String pointerOfNumber(Provisioning p, String number) {
        for (int g = 0; g < p.gateways().size(); g++) {
            List<LineConfig> lines = p.gateways().get(g).lines();
            for (int l = 0; l < lines.size(); l++) {
                if (number.equals(lines.get(l).number())) return "/gateways/" + g + "/lines/" + l + "/number";
            }
        }
        return "/gateways";
    }
}
