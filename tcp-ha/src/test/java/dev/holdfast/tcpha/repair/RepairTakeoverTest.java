package dev.holdfast.tcpha.repair;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.holdfast.tcpha.client.CheckingClient;
import dev.holdfast.tcpha.rig.NamespaceRig;
import dev.holdfast.tcpha.rig.Root;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * TCP_REPAIR moves a live connection between namespaces: the primary's echo server reads its connection's state
 * in repair mode and exits; the VIP moves to the backup's namespace (with a gratuitous ARP); the backup re-creates
 * the socket from the state; the unmodified client goes on with every byte echoed once and no reset.
 */
class RepairTakeoverTest {
    @BeforeAll
    static void root() { Root.assumeNamespaces(); }

    @Test
    void clientConnectionContinuesAfterStateIsRestoredInAnotherNamespace() throws Exception {
        Path dir = Files.createTempDirectory("repair");
        Path trigger = dir.resolve("dump-now"), state = dir.resolve("state.json");
        File log = dir.resolve("log.txt").toFile();
        try (NamespaceRig rig = NamespaceRig.create()) {
            Process server = rig.startJava(rig.primary, log, RepairTestServer.class.getName(), NamespaceRig.VIP, "7000",
                    trigger.toString(), state.toString());
            waitFor(() -> Files.readString(log.toPath()).contains("listening"), 20_000, log);
            File clientLog = dir.resolve("client.txt").toFile();
            Process client = rig.startJava(rig.client, clientLog, CheckingClient.class.getName(), "--server",
                    NamespaceRig.VIP + ":7000", "--app", "echo", "--messages", "80", "--interval-ms", "20");
            Thread.sleep(1200); // some exchanges on the primary first
            // the VIP leaves the primary first, so the client's packets from now on reach no socket there and the
            // state read next is final
            rig.exec(rig.primary, "ip", "addr", "del", NamespaceRig.VIP + "/24", "dev", NamespaceRig.PRIMARY_IF);
            Files.writeString(trigger, "x");
            assertTrue(server.waitFor(20, TimeUnit.SECONDS), "primary dumped and exited");
            assertTrue(Files.exists(state), Files.readString(log.toPath()));
            rig.exec(rig.backup, "ip", "addr", "add", NamespaceRig.VIP + "/24", "dev", NamespaceRig.BACKUP_IF);
            rig.startJava(rig.backup, log, RepairTestRestorer.class.getName(), state.toString(), NamespaceRig.BACKUP_IF);
            assertTrue(client.waitFor(60, TimeUnit.SECONDS), "client finished");
            List<String> lines = Files.readAllLines(clientLog.toPath());
            String all = String.join("\n", lines) + "\n--- servers:\n" + Files.readString(log.toPath());
            JsonNode r = new ObjectMapper().readTree(lines.get(lines.size() - 1));
            System.out.println(all);
            assertEquals(0, r.get("connections_broken").asInt(), all);
            assertEquals(80, r.get("exchanges").asInt(), all);
            assertEquals(0, r.get("bytes_lost").asLong(), all);
            assertEquals(0, r.get("bytes_duplicated").asLong(), all);
            assertEquals(80L * 150, r.get("bytes_ok").asLong(), all);
            assertTrue(Files.readString(log.toPath()).contains("restored"), all);
        }
    }

    interface Check { boolean ok() throws Exception; }

    static void waitFor(Check c, long ms, File log) throws Exception {
        long end = System.currentTimeMillis() + ms;
        while (!c.ok()) {
            if (System.currentTimeMillis() > end) fail("timed out; log:\n" + Files.readString(log.toPath()));
            Thread.sleep(20);
        }
    }
}
