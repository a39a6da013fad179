package dev.holdfast.console;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console's SSH server driven by the real OpenSSH client against a real controller (admin API) and a real
 * simulated gateway with a connected call (1001 -> 1002) on 127.0.0.1.
 */
class SshConsoleTest {
    @TempDir static Path dir;
    static ControllerRig rig;
    static SshConsole console;
    static OpenSsh ssh;
    static Path nocKey;
    static Path opsKey;
    static long callId;

    @BeforeAll
    static void start() throws Exception {
        rig = ControllerRig.start(dir);
        rig.connectedCall(1, 2);
        nocKey = OpenSsh.keygen(dir, "noc_key");
        opsKey = OpenSsh.keygen(dir, "ops_key");
        Files.writeString(dir.resolve("authorized_keys"),
                "# the console's keys: user and role in the options\n"
                        + "user=\"noc\",role=\"viewer\" " + Files.readString(Path.of(nocKey + ".pub")).strip() + "\n"
                        + "user=\"ops\",role=\"operator\" " + Files.readString(Path.of(opsKey + ".pub")).strip() + "\n");
        console = SshConsole.start(config(List.of("cc1 " + rig.adminUrl())));
        ssh = new OpenSsh(dir, console.port());
        OpenSsh.Result calls = ssh.withPassword("viewer", ControllerRig.password("viewer"), "list calls");
        Matcher m = Pattern.compile("(?m)^(\\d+)\\s+CONNECTED").matcher(calls.out());
        assertTrue(m.find(), calls.toString());
        callId = Long.parseLong(m.group(1));
    }

    static ConsoleConfig config(List<String> controllers) throws ConsoleConfig.BadConfig {
        return config(controllers, "loginFailureLimit: 100\n");
    }

    static ConsoleConfig config(List<String> controllers, String more) throws ConsoleConfig.BadConfig {
        StringBuilder y = new StringBuilder(more + "listen: { address: 127.0.0.1, port: 0 }\nhostKey: host-key.ser\n"
                + "authorizedKeys: authorized_keys\nserviceAccount: { user: console, password: console-secret }\ncontrollers:\n");
        for (String c : controllers) {
            String[] nu = c.split(" ");
            y.append("  - { name: ").append(nu[0]).append(", url: \"").append(nu[1]).append("\" }\n");
        }
        return ConsoleConfig.parse(y.toString(), dir, "console-test.yaml");
    }

    @AfterAll
    static void stop() {
        if (console != null) console.close();
        if (rig != null) rig.close();
    }

    @Test
    void listCallsWithAPasswordShowsTheConnectedCall() throws Exception {
        OpenSsh.Result r = ssh.withPassword("viewer", ControllerRig.password("viewer"), "list calls");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("CALL  STATE"), r.toString());
        assertTrue(r.out().matches("(?s).*\\n" + callId + "\\s+CONNECTED\\s+1001, 1002\\s+gw1\\s+NONE\\s+no\\n.*"), r.toString());
        assertEquals("", r.err());
    }

    @Test
    void showCallDrawsItsStructure() throws Exception {
        OpenSsh.Result r = ssh.withPassword("viewer", ControllerRig.password("viewer"), "show call " + callId);
        assertEquals(0, r.exit(), r.toString());
        String out = r.out();
        assertTrue(out.startsWith("call " + callId + "  state CONNECTED  feature NONE  migrated no\n"), out);
        assertTrue(out.contains("parties: 1001, 1002"), out);
        assertTrue(out.matches("(?s).*\\n\\s+1001\\s+CALLER\\s+gw1\\s+A1\\s+\\d+\\n.*"), out);
        assertTrue(out.matches("(?s).*\\n\\s+1002\\s+CALLEE\\s+gw1\\s+A2\\s+\\d+\\n.*"), out);
        assertTrue(out.matches("(?s).*\\ngateway gw1  context \\d+\\n  \\|-- A1\\s+party 1001 \\(CALLER\\)\\n  `-- A2\\s+party 1002 \\(CALLEE\\)\\n.*"), out);
    }

    @Test
    void showCallDrawsTheInterGatewayConnection() throws Exception {
        rig.interGatewayCall(6, 1);
        try {
            OpenSsh.Result list = ssh.withKey(nocKey, "noc", "list calls");
            Matcher m = Pattern.compile("(?m)^(\\d+)\\s+CONNECTED\\s+1006, 2001\\s+gw1,gw2\\s").matcher(list.out());
            assertTrue(m.find(), list.toString());
            OpenSsh.Result r = ssh.withKey(nocKey, "noc", "show call " + m.group(1));
            assertEquals(0, r.exit(), r.toString());
            String out = r.out();
            Matcher c1 = Pattern.compile("\ngateway gw1  context (\\d+)\n  \\|-- A6\\s+party 1006 \\(CALLER\\)\n  `-- (\\S+)\\s+IGC to gateway gw2 context (\\d+)\n").matcher(out);
            assertTrue(c1.find(), out);
            Matcher c2 = Pattern.compile("\ngateway gw2  context (\\d+)\n  \\|-- A1\\s+party 2001 \\(CALLEE\\)\n  `-- (\\S+)\\s+IGC to gateway gw1 context (\\d+)\n").matcher(out);
            assertTrue(c2.find(), out);
            // each IGC end names the other side's gateway and context (FEGI/FECEI)
            assertEquals(c2.group(1), c1.group(3), out);
            assertEquals(c1.group(1), c2.group(3), out);
            assertTrue(out.contains("inter-gateway connections:\n  gw1/" + c1.group(1) + "/" + c1.group(2) + "  <==>  gw2/"
                    + c2.group(1) + "/" + c2.group(2) + "\n"), out);
            assertTrue(out.contains("    gw1 " + c1.group(2) + ": far end gateway gw2 context " + c2.group(1) + "\n"), out);
        } finally {
            rig.gw.onHook("A6");
            rig.gw2.onHook("A1");
        }
    }

    @Test
    void showGatewayListsItsLines() throws Exception {
        OpenSsh.Result r = ssh.withKey(nocKey, "noc", "show gateway gw1");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("gateway gw1  IN_SERVICE  mid [127.0.0.1]:"), r.toString());
        assertTrue(r.out().matches("(?s).*\\n  A1\\s+1001\\s+line\\s+IN_CALL\\s+yes\\s+" + callId + "\\n.*"), r.toString());
        assertTrue(r.out().matches("(?s).*\\n  A2\\s+1002\\s+line\\s+IN_CALL\\s+yes\\s+" + callId + "\\n.*"), r.toString());
        r = ssh.withKey(nocKey, "noc", "show gateway gw9");
        assertEquals(1, r.exit(), r.toString());
        assertEquals("error: no gateway 'gw9' on controller cc1\n", r.err());
        r = ssh.withKey(nocKey, "noc", "show gateway ../calls");
        assertEquals(2, r.exit(), r.toString());
    }

    @Test
    void aViewerMayNotReleaseACall() throws Exception {
        OpenSsh.Result r = ssh.withPassword("viewer", ControllerRig.password("viewer"), "release call " + callId);
        assertEquals(1, r.exit(), r.toString());
        assertEquals("error: release call needs role operator; you are viewer\n", r.err());
        // and through a viewer's key too
        r = ssh.withKey(nocKey, "noc", "release call " + callId);
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("release call needs role operator; you are viewer"), r.toString());
        OpenSsh.Result still = ssh.withKey(nocKey, "noc", "show call " + callId);
        assertEquals(0, still.exit(), still.toString());
        assertTrue(still.out().contains("state CONNECTED"), still.toString());
    }

    @Test
    void anOperatorReleasesACall() throws Exception {
        rig.connectedCall(3, 4);
        OpenSsh.Result list = ssh.withKey(opsKey, "ops", "list calls");
        Matcher m = Pattern.compile("(?m)^(\\d+)\\s+CONNECTED\\s+1003, 1004").matcher(list.out());
        assertTrue(m.find(), list.toString());
        String id = m.group(1);
        OpenSsh.Result r = ssh.withKey(opsKey, "ops", "release call " + id);
        assertEquals(0, r.exit(), r.toString());
        assertEquals("call " + id + " on controller cc1: release submitted\n", r.out());
        rig.await(() -> rig.gw.contextOf("A3") == null && rig.gw.signals("A3").contains("cg/ct"), "A3 released, hears reorder");
        r = ssh.withPassword("operator", ControllerRig.password("operator"), "release call " + id);
        assertEquals(1, r.exit(), r.toString());
        assertEquals("error: no active call " + id + " on controller cc1\n", r.err());
        rig.gw.onHook("A3");
        rig.gw.onHook("A4");
    }

    @Test
    void cdrListsTheRecordOfACallThatEndedAndRefusesABadTime() throws Exception {
        rig.connectedCall(5, 6);
        rig.gw.onHook("A5");
        rig.await(() -> rig.gw.contextOf("A6") == null, "the call is released");
        rig.gw.onHook("A6");
        String pw = ControllerRig.password("viewer");
        OpenSsh.Result r = null;
        for (int i = 0; i < 50; i++) { // the record is made when the call's release is done
            r = ssh.withPassword("viewer", pw, "cdr 1005");
            if (r.out().contains("1005")) break;
            Thread.sleep(100);
        }
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("SETUP"), r.toString());
        assertTrue(r.out().matches("(?s).*\\n\\S+\\s+1005\\s+1006\\s+\\S+\\s+\\d+\\.\\ds\\s+normal\\s+no\\s+\\S+\\n.*"), r.toString());
        assertTrue(r.out().contains(" of "), r.toString());
        r = ssh.withPassword("viewer", pw, "cdr 1005 --since yesterday");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("error: controller cc1: "), r.toString());
        assertTrue(r.err().contains("since"), r.toString());
        r = ssh.withPassword("viewer", pw, "cdr 1005 1006");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().startsWith("error: usage: cdr [NUMBER]"), r.toString());
    }

    @Test
    void badCommandsAndArgumentsGetTheirErrors() throws Exception {
        String pw = ControllerRig.password("viewer");
        OpenSsh.Result r = ssh.withPassword("viewer", pw, "frobnicate now");
        assertEquals(2, r.exit(), r.toString());
        assertEquals("error: unknown command 'frobnicate' (type 'help' for the commands)\n", r.err());
        r = ssh.withPassword("viewer", pw, "list trunks");
        assertEquals(2, r.exit(), r.toString());
        assertEquals("error: cannot list 'trunks' (usage: list gateways|phones|calls|stations)\n", r.err());
        r = ssh.withPassword("viewer", pw, "show call seven");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().startsWith("error: call id 'seven' is not a number"), r.toString());
        r = ssh.withPassword("viewer", pw, "show call 999999");
        assertEquals(1, r.exit(), r.toString());
        assertEquals("error: no active call 999999 on controller cc1\n", r.err());
        r = ssh.withPassword("viewer", pw, "add station 3005 eve --password x");
        assertEquals(1, r.exit(), r.toString());
        assertEquals("error: add station needs role admin; you are viewer\n", r.err());
        r = ssh.withPassword("viewer", pw, "help release");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("usage: release call ID [on CONTROLLER]\nrelease a call (needs role operator)\n"), r.toString());
    }

    @Test
    void aWrongPasswordOrAnUnknownKeyIsRefused() throws Exception {
        OpenSsh.Result r = ssh.withPassword("viewer", "not-the-password", "list calls");
        assertEquals(255, r.exit(), r.toString());
        assertTrue(r.err().contains("Permission denied"), r.toString());
        assertEquals("", r.out());
        // a key lets in only the user its line names
        r = ssh.withKey(nocKey, "ops", "list calls");
        assertEquals(255, r.exit(), r.toString());
        assertTrue(r.err().contains("Permission denied"), r.toString());
        Path stranger = OpenSsh.keygen(dir, "stranger_key");
        r = ssh.withKey(stranger, "noc", "list calls");
        assertEquals(255, r.exit(), r.toString());
    }

    @Test
    void aClientGuessingPasswordsIsThrottledByTheConsole() throws Exception {
        try (SshConsole guarded = SshConsole.start(config(List.of("cc1 " + rig.adminUrl()), "loginFailureLimit: 2\n"))) {
            OpenSsh client = new OpenSsh(dir, guarded.port());
            for (int i = 0; i < 2; i++) assertEquals(255, client.withPassword("operator", "guess" + i, "status").exit());
            // now even the right password is refused from this address, without asking the API
            OpenSsh.Result r = client.withPassword("operator", ControllerRig.password("operator"), "status");
            assertEquals(255, r.exit(), r.toString());
            assertTrue(r.err().contains("Permission denied"), r.toString());
            // a key still gets in; the API itself still takes the password (through the other console)
            assertEquals(0, client.withKey(opsKey, "ops", "status").exit());
            assertEquals(0, ssh.withPassword("operator", ControllerRig.password("operator"), "status").exit());
        }
    }

    @Test
    void statusGatewaysAndCountersWithAKey() throws Exception {
        OpenSsh.Result r = ssh.withKey(nocKey, "noc", "status");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().matches("(?s)CONTROLLER\\s+ROLE\\s+HEALTH.*\\ncc1\\s+primary\\s+up\\s+\\S+\\s+2/2 in service\\s+0\\s+[12]\\s+0\\n"), r.toString());
        r = ssh.withKey(nocKey, "noc", "list gateways");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().matches("(?s).*\\ngw1\\s+IN_SERVICE\\s+127\\.0\\.0\\.1:\\d+\\s+udp\\s+6\\s+.*"), r.toString());
        r = ssh.withKey(nocKey, "noc", "counters");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().matches("(?s).*\\ncore\\.eventsHandled\\s+\\d+\\n.*"), r.toString());
    }

    @Test
    void theInteractiveShellEditsLinesAndRunsCommands() throws Exception {
        // -tt: a pseudo-terminal although stdin is a pipe; the console echoes and edits as a terminal's user types
        List<String> cmd = OpenSsh.common(console.port());
        cmd.add(1, "-tt");
        cmd.addAll(List.of("-i", nocKey.toString(), "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "noc@127.0.0.1"));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        // "lisx<DEL>t calls", the same again from the history (up arrow), a line dropped with Ctrl-U, then exit
        OpenSsh.Result r = OpenSsh.run(pb, "lisx\u007ft calls\r\u001b[A\rgarbage\u0015help list\rexit\r");
        assertEquals(0, r.exit(), r.toString());
        String out = r.out().replace("\r\n", "\n");
        assertTrue(out.contains("Holdfast console. noc (viewer), controllers cc1."), out);
        assertTrue(out.contains(ConsoleShell.PROMPT + "lisx\b \bt calls\nCALL  STATE"), out);
        assertTrue(out.contains(ConsoleShell.PROMPT + "list calls\nCALL  STATE"), "history: " + out);
        assertTrue(out.matches("(?s).*\\n" + callId + "\\s+CONNECTED.*"), out);
        assertTrue(out.contains("usage: list gateways|phones|calls"), out);
        assertFalse(out.contains("unknown command"), out);
    }

    @Test
    void eventsInTheShellStopOnCtrlC() throws Exception {
        List<String> cmd = OpenSsh.common(console.port());
        cmd.add(1, "-tt");
        cmd.addAll(List.of("-i", nocKey.toString(), "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "noc@127.0.0.1"));
        // typed ahead: Ctrl-C right after the command, then a command for the prompt that follows
        OpenSsh.Result r = OpenSsh.run(new ProcessBuilder(cmd), "events\r\u0003status\rexit\r");
        assertEquals(0, r.exit(), r.toString());
        String out = r.out().replace("\r\n", "\n");
        assertTrue(out.contains(ConsoleShell.PROMPT + "events\nfollowing events of cc1 (Ctrl-C stops)\n(stopped)\n"
                + ConsoleShell.PROMPT + "status\nCONTROLLER"), out);
    }

    @Test
    void thePlainShellReadsLinesFromAPipeAndDropsJunk() throws Exception {
        // -T: no terminal; commands come as lines on stdin (a script), no prompt, no echo
        ProcessBuilder pb = new ProcessBuilder(ssh.keyCommand(nocKey, "noc"));
        pb.command().add(1, "-T");
        String junk = "x".repeat(5000);
        OpenSsh.Result r = OpenSsh.run(pb, "status\n" + junk + "\n\u001b[31mred\u0000\n\nlist gateways\nexit\n");
        assertEquals(0, r.exit(), r.toString());
        assertFalse(r.out().contains(ConsoleShell.PROMPT), r.toString());
        assertTrue(r.out().matches("(?s)CONTROLLER\\s+ROLE.*\\ncc1\\s+primary\\s+up.*\\nGATEWAY\\s+STATE.*\\ngw1\\s+IN_SERVICE.*"), r.toString());
        assertEquals("error: line longer than 1024 characters ignored\n"
                + "error: unknown command '?[31mred?' (type 'help' for the commands)\n", r.err());
    }

    @Test
    void eventsFollowACallUntilStopped() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(ssh.keyCommand(nocKey, "noc", "events"));
        Process p = pb.start();
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) lines.add(l);
            } catch (Exception e) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            assertEquals("following events of cc1 (Ctrl-C stops)", lines.poll(20, TimeUnit.SECONDS));
            rig.connectedCall(5, 6);
            rig.gw.onHook("A5");
            rig.gw.onHook("A6");
            boolean started = false, connected = false, released = false;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!released && System.nanoTime() < end) {
                String l = lines.poll(1, TimeUnit.SECONDS);
                if (l == null) continue;
                started |= l.matches("\\S+ call-started call \\d+ .*parties 1005.*");
                connected |= l.matches("\\S+ call-state call \\d+ CONNECTED \\(was RINGING\\) parties 1005, 1006.*");
                released |= l.matches("\\S+ call-released call \\d+ .*answered=true.*");
            }
            assertTrue(started && connected && released, "started " + started + " connected " + connected + " released " + released + " " + lines);
            // Ctrl-C: the byte a terminal sends
            p.getOutputStream().write(3);
            p.getOutputStream().flush();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "ssh ends after Ctrl-C");
            assertEquals(0, p.exitValue());
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aSessionWhoseTokenEndedLogsInAgain() throws Exception {
        AdminApiClient api = new AdminApiClient(new ConsoleConfig.ControllerRef("cc1", rig.adminUrl()));
        ConsoleSession s = ConsoleSession.withPassword("viewer", ControllerRig.password("viewer"), List.of(api));
        String last;
        try {
            assertEquals(200, s.call("cc1", (a, token) -> a.get("/api/status", token)).status());
            String first = s.token("cc1");
            api.logout(first); // as when the token expires or the controller restarts
            assertEquals(401, api.get("/api/status", first).status());
            assertEquals(200, s.call("cc1", (a, token) -> a.get("/api/status", token)).status());
            last = s.token("cc1");
            assertNotEquals(first, last);
        } finally {
            s.close();
        }
        assertEquals(401, api.get("/api/status", last).status(), "closed: logged out");
    }

    @Test
    void aControllerThatIsDownIsSaidSo() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        try (SshConsole two = SshConsole.start(config(List.of("down http://127.0.0.1:" + dead, "cc1 " + rig.adminUrl())))) {
            OpenSsh other = new OpenSsh(dir, two.port());
            // the password is checked at the controller that answers
            OpenSsh.Result r = other.withPassword("viewer", ControllerRig.password("viewer"), "status");
            assertEquals(1, r.exit(), r.toString());
            assertTrue(r.out().matches("(?s).*\\ndown\\s+-\\s+not reachable: connection refused\\n.*"), r.toString());
            assertTrue(r.out().matches("(?s).*\\ncc1\\s+primary\\s+up\\s.*"), r.toString());
            r = other.withPassword("viewer", ControllerRig.password("viewer"), "list calls");
            assertEquals(1, r.exit(), r.toString());
            assertEquals("error: controller down (http://127.0.0.1:" + dead + ") not reachable: connection refused\n", r.err());
            assertTrue(r.out().startsWith("controller cc1:\nCALL"), r.toString());
            assertNotEquals("", r.out());
        }
    }
}
