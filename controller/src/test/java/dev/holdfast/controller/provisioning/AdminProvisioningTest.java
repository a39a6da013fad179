package dev.holdfast.controller.provisioning;

import dev.holdfast.controller.admin.PasswordHash;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin API's part of the provisioning file ({@code admin:}) and the controller's role. */
class AdminProvisioningTest {
    private static Provisioning parse(String yaml) throws ProvisioningException {
        return ProvisioningLoader.parse(yaml, ProvisioningLoader.Format.YAML, "admin.yaml");
    }

    private static String problems(String yaml) {
        return assertThrows(ProvisioningException.class, () -> parse(yaml)).getMessage();
    }

    @Test void defaultsAreOffPrimaryAndLocal() throws Exception {
        Provisioning none = parse("gateways: []");
        assertNull(none.admin(), "no admin section: no admin API");
        assertEquals("primary", none.controller().role());
        Provisioning p = parse("controller: { role: alternate }\nadmin: {}\n");
        assertEquals("alternate", p.controller().role());
        assertEquals("127.0.0.1", p.admin().address());
        assertEquals(8080, p.admin().port());
        assertEquals(1800, p.admin().tokenIdleSeconds());
        assertEquals(65536, p.admin().maxBodyBytes());
        assertFalse(p.admin().metricsAuth());
        assertTrue(p.admin().users().isEmpty());
    }

    @Test void usersWithHashesAreRead() throws Exception {
        String hash = PasswordHash.hash("secret".toCharArray(), 1000);
        Provisioning p = parse("admin:\n  port: 0\n  users:\n    - { user: ops, role: operator, password: \"" + hash + "\" }\n");
        assertEquals(new AdminSettings.AdminUser("ops", "operator", hash), p.admin().users().get(0));
        assertTrue(PasswordHash.verify("secret".toCharArray(), p.admin().users().get(0).password()));
        assertFalse(PasswordHash.verify("Secret".toCharArray(), p.admin().users().get(0).password()));
        assertFalse(p.admin().users().get(0).toString().contains(hash), "toString keeps the hash out of logs");
    }

    @Test void badUsersAndSettingsAreRefusedWithTheirField() {
        String hash = PasswordHash.hash("x".toCharArray(), 1000);
        String msg = problems("""
                controller: { role: backup }
                admin:
                  port: 70000
                  tokenIdleSeconds: 0
                  users:
                    - { user: ops, role: operator, password: "%s" }
                    - { user: ops, role: viewer, password: "%s" }
                    - { user: "bad user", role: god, password: "secret" }
                    - { user: nopw, role: viewer }
                """.formatted(hash, hash));
        assertTrue(msg.contains("role 'backup' is neither primary nor alternate"), msg);
        assertTrue(msg.contains("port 70000 is not in 0..65535"), msg);
        assertTrue(msg.contains("tokenIdleSeconds"), msg);
        assertTrue(msg.contains("admin user ops is provisioned twice"), msg);
        assertTrue(msg.contains("'bad user' is not an admin user name"), msg);
        assertTrue(msg.contains("role 'god' is not one of admin, operator, viewer"), msg);
        assertTrue(msg.contains("not a password hash pbkdf2-sha256$ITERATIONS$SALT$HASH"), "a clear password is refused: " + msg);
        assertTrue(msg.contains("admin user without 'password'"), msg);
        assertTrue(problems("admin: { users: [], colour: blue }").contains("unknown field 'colour'"));
    }

    @Test void hashesAreSaltedAndChecked() {
        String a = PasswordHash.hash("pw".toCharArray(), 1000);
        String b = PasswordHash.hash("pw".toCharArray(), 1000);
        assertFalse(a.equals(b), "a new salt each time");
        assertTrue(a.matches("pbkdf2-sha256\\$1000\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}"), a);
        assertFalse(PasswordHash.isWellFormed("pbkdf2-sha256$10$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAA"), "too few iterations");
        assertFalse(PasswordHash.isWellFormed("sha1$1000$AAAA$AAAA"));
        assertFalse(PasswordHash.verify("pw".toCharArray(), "garbage"));
    }
}
