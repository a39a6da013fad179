package dev.holdfast.controller.sip;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SIP socket's receive buffer as the kernel granted it, read off a real socket. */
@EnabledOnOs(OS.LINUX)
class ReceiveBufferCheckTest {
    private static long rmemMax() throws Exception {
        // line by line: Files.readString trusts the size a sysctl file reports (0) and read only "4" of "4194304"
        try (var r = Files.newBufferedReader(Path.of("/proc/sys/net/core/rmem_max"))) {
            return Long.parseLong(r.readLine().strip());
        }
    }

    @Test
    void aBufferWithinTheKernelsCapIsGrantedInFull() throws Exception {
        int asked = 64 * 1024;
        assertTrue(rmemMax() >= asked, "net.core.rmem_max below 64 KB on this machine");
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            s.setReceiveBufferSize(asked);
            ReceiveBufferCheck c = ReceiveBufferCheck.of(s, asked);
            assertEquals(asked, c.grantedBytes());
            assertFalse(c.shortOfAsked());
        }
    }

    @Test
    void aBufferAboveTheKernelsCapIsReportedShortWithWhatWasGranted() throws Exception {
        long cap = rmemMax();
        int asked = (int) Math.min(Integer.MAX_VALUE / 4, cap * 2 + 4096);
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            s.setReceiveBufferSize(asked);
            ReceiveBufferCheck c = ReceiveBufferCheck.of(s, asked);
            assertTrue(c.shortOfAsked());
            assertEquals(cap, c.grantedBytes());
            c.log(s.getLocalPort()); // the warning line (no exception)
        }
    }
}
