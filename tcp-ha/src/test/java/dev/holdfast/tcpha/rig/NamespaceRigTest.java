package dev.holdfast.tcpha.rig;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class NamespaceRigTest {
    @BeforeAll
    static void root() { Root.assumeNamespaces(); }

    @Test
    void clientReachesVipAndPrimaryReachesBackupOverBothHeartbeatLinks_andTeardownRemovesEverything() throws Exception {
        String prefix;
        try (NamespaceRig rig = NamespaceRig.create()) {
            prefix = rig.prefix();
            rig.exec(rig.client, "ping", "-c1", "-W2", NamespaceRig.VIP);
            rig.exec(rig.primary, "ping", "-c1", "-W2", NamespaceRig.HB1_BACKUP);
            rig.exec(rig.primary, "ping", "-c1", "-W2", NamespaceRig.HB2_BACKUP);
            rig.exec(rig.backup, "ping", "-c1", "-W2", NamespaceRig.GATEWAY_IP);
            String bridge = rig.exec(rig.sw, "ip", "-d", "link", "show", NamespaceRig.BRIDGE);
            assertTrue(bridge.contains("ageing_time 0"), "the bridge is a hub: " + bridge);
            File log = File.createTempFile("rig", ".log");
            Process p = rig.startJava(rig.backup, log, PrintNamespaceAddresses.class.getName());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), Files.readString(log.toPath()));
            assertTrue(Files.readString(log.toPath()).contains(NamespaceRig.BACKUP_IP), Files.readString(log.toPath()));
        }
        assertFalse(Cmd.run("ip", "netns", "list").contains(prefix), "namespaces removed");
    }

    @Test
    void failingCommandNamesItselfAndItsError() {
        RigException e = assertThrows(RigException.class, () -> Cmd.run("ip", "link", "show", "no-such-if-x"));
        assertTrue(e.getMessage().contains("ip link show no-such-if-x"), e.getMessage());
        assertTrue(e.getMessage().contains("stderr"), e.getMessage());
    }
}
