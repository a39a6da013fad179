package dev.holdfast.console;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code add station}, {@code remove station}, {@code list stations} and {@code drill failover} over SSH with the
 * real OpenSSH client, against a real controller's admin API (drills off there: the drill is refused by it).
 */
class SshProvisioningCommandsTest {
    @TempDir static Path dir;
    static ControllerRig rig;
    static SshConsole console;
    static OpenSsh ssh;

    @BeforeAll
    static void start() throws Exception {
        rig = ControllerRig.start(dir);
        Path key = OpenSsh.keygen(dir, "noc_key");
        Files.writeString(dir.resolve("authorized_keys"),
                "user=\"noc\",role=\"viewer\" " + Files.readString(Path.of(key + ".pub")).strip() + "\n");
        console = SshConsole.start(ConsoleConfig.parse("loginFailureLimit: 100\nlisten: { address: 127.0.0.1, port: 0 }\n"
                + "hostKey: host-key.ser\nauthorizedKeys: authorized_keys\n"
                + "serviceAccount: { user: console, password: console-secret }\n"
                + "controllers:\n  - { name: cc1, url: \"" + rig.adminUrl() + "\" }\n", dir, "console-test.yaml"));
        ssh = new OpenSsh(dir, console.port());
    }

    @AfterAll
    static void stop() {
        if (console != null) console.close();
        if (rig != null) rig.close();
    }

    private static OpenSsh.Result admin(String command) throws Exception {
        return ssh.withPassword("admin", ControllerRig.password("admin"), command);
    }

    @Test
    void anAdminAddsListsAndRemovesAStation() throws Exception {
        OpenSsh.Result r = admin("add station 3001 carol --password pw-3001");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("station 3001 (user carol) added on controller cc1\n", r.out());
        r = ssh.withPassword("viewer", ControllerRig.password("viewer"), "list stations");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().matches("(?s)NUMBER\\s+USER\\n.*3001\\s+carol\\n.*"), r.toString());
        assertFalse(r.out().contains("pw-3001"));
        assertTrue(rig.controller.inspect(core -> core.sip().directory().byUser("carol") != null).booleanValue());

        // the password asked for: without a terminal, the next lines of the input
        r = ssh.withPasswordAndInput("admin", ControllerRig.password("admin"), "pw-3002\npw-3002\n", "add station 3002 dave");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.err().contains("password for dave: "), r.toString());
        assertEquals("station 3002 (user dave) added on controller cc1\n", r.out());
        r = ssh.withPasswordAndInput("admin", ControllerRig.password("admin"), "one\ntwo\n", "add station 3003 erin");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().endsWith("error: the passwords differ: station not added\n"), r.toString());

        r = admin("remove station 3001");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("station 3001 removed on controller cc1\n", r.out());
        r = admin("remove station 3001");
        assertEquals(1, r.exit(), r.toString());
        assertEquals("error: controller cc1: not found (number): no station 3001\n", r.err());
        r = ssh.withPassword("viewer", ControllerRig.password("viewer"), "list stations");
        assertTrue(r.out().contains("3002") && !r.out().contains("3001"), r.toString());
    }

    @Test
    void badStationCommandsGetClearErrors() throws Exception {
        OpenSsh.Result r = admin("add station 1001 frank --password x");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("error: controller cc1: conflict (number): directory number 1001 is already"), r.toString());
        r = admin("add station 12a3 frank --password x");
        assertEquals(2, r.exit(), r.toString());
        assertEquals("error: '12a3' is not a directory number (1 to 20 digits)\n", r.err());
        r = admin("add station 3010 bad/user? --password x");
        assertEquals(0, r.exit(), "a SIP user may hold / and ?: " + r);
        r = admin("add station 3011 'b\"q' --password x");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("error: controller cc1: refused (user):"), r.toString());
        r = admin("add station 3012");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().startsWith("error: usage: add station NUMBER USER [--password P] [on CONTROLLER|all]"), r.toString());
        r = admin("add station 3012 gina --password");
        assertEquals(2, r.exit(), r.toString());
        r = admin("add station 3012 gina --password x on cc9");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().startsWith("error: no controller 'cc9' (configured: cc1)"), r.toString());
        r = ssh.withPassword("operator", ControllerRig.password("operator"), "remove station 3002");
        assertEquals(1, r.exit(), r.toString());
        assertEquals("error: remove station needs role admin; you are operator\n", r.err());
        r = ssh.withPassword("viewer", ControllerRig.password("viewer"), "help add");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("usage: add station NUMBER USER [--password P] [on CONTROLLER|all]\n"), r.toString());
    }

    @Test
    void aDrillAsksForConfirmationAndTheControllerDecides() throws Exception {
        OpenSsh.Result r = ssh.withPasswordAndInput("admin", ControllerRig.password("admin"), "yes\n", "drill failover");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.out().contains("halts controller cc1 as a kill -9 would"), r.toString());
        assertTrue(r.out().endsWith("not confirmed: no drill\n"), r.toString());
        r = ssh.withPasswordAndInput("admin", ControllerRig.password("admin"), "failover\n", "drill failover");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("error: controller cc1: not allowed: failover drills are off on this controller"
                + " (set admin.drills: true"), r.toString());
        r = ssh.withPassword("viewer", ControllerRig.password("viewer"), "drill failover");
        assertEquals(1, r.exit(), r.toString());
        assertEquals("error: drill failover needs role admin; you are viewer\n", r.err());
        r = admin("drill restart");
        assertEquals(2, r.exit(), r.toString());
    }

    @Test
    void theShellAsksForThePasswordWithoutEchoingIt() throws Exception {
        List<String> cmd = OpenSsh.common(console.port());
        cmd.add(1, "-tt");
        cmd.addAll(List.of("-o", "PreferredAuthentications=password", "-o", "PubkeyAuthentication=no",
                "-o", "NumberOfPasswordPrompts=1", "admin@127.0.0.1"));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("SSH_ASKPASS", Files.writeString(Files.createTempFile(dir, "ask", ".sh"),
                "#!/bin/sh\necho " + ControllerRig.password("admin") + "\n").toString());
        Files.setPosixFilePermissions(Path.of(pb.environment().get("SSH_ASKPASS")),
                java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        pb.environment().put("SSH_ASKPASS_REQUIRE", "force");
        pb.environment().put("DISPLAY", ":0");
        // -tt: a pseudo-terminal although stdin is a pipe, as a user at a terminal types
        OpenSsh.Result r = OpenSsh.run(pb, "add station 3021 ivan\rsecret-3021\rsecret-3021\rlist stations\rexit\r");
        assertEquals(0, r.exit(), r.toString());
        String out = r.out().replace("\r\n", "\n");
        assertTrue(out.contains(ConsoleShell.PROMPT + "add station 3021 ivan\npassword for ivan: \nagain: \n"
                + "station 3021 (user ivan) added on controller cc1\n"), out);
        assertFalse(out.contains("secret-3021"), "the password is not echoed: " + out);
        assertTrue(out.matches("(?s).*\\n3021\\s+ivan\\n.*"), out);
    }
}
