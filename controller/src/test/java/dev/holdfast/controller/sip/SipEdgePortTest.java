package dev.holdfast.controller.sip;

import dev.holdfast.controller.ControllerCore;
import dev.holdfast.controller.mgc.CoreRunner;
import dev.holdfast.controller.provisioning.Provisioning;
import dev.holdfast.controller.provisioning.ProvisioningLoader;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A SIP edge on port 0: JAIN-SIP's RI cannot bind port 0 and say which port it got, so the edge picks a number free
 * for UDP and TCP and then binds it; another socket may take it in between (CI saw a BindException so). Here the
 * first two picks are taken, for UDP and then for TCP alone, and the edge binds the third, leaving nothing bound on
 * the others.
 */
class SipEdgePortTest {
    @Test void aPortTakenBetweenThePickAndTheBindIsPickedAgain() throws Exception {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        Provisioning p = ProvisioningLoader.parse("""
                controller: { address: 127.0.0.1, port: 0, transports: [udp] }
                sip: { port: 0 }
                """, ProvisioningLoader.Format.YAML, "port.yaml");
        List<Integer> picked = new ArrayList<>();
        try (DatagramSocket udpTaken = new DatagramSocket(new InetSocketAddress(lo, 0));
             ServerSocket tcpTaken = new ServerSocket(0, 1, lo);
             CoreRunner runner = new CoreRunner(new ControllerCore(p, 5), Clock.systemUTC(), null, null)) {
            SipEdge.PortPicker picker = (host, transports) -> {
                int n = switch (picked.size()) {
                    case 0 -> udpTaken.getLocalPort();   // taken for UDP: the first listening point fails
                    case 1 -> tcpTaken.getLocalPort();   // free for UDP, taken for TCP: the UDP one must be let go
                    default -> SipEdge.freePort(host, transports);
                };
                picked.add(n);
                return n;
            };
            try (SipEdge edge = SipEdge.start(runner, p.sip(), "127.0.0.1", picker)) {
                runner.alsoEdge(edge::execute);
                assertEquals(3, picked.size(), "picked " + picked);
                assertEquals(picked.get(2), edge.port());
                // the UDP listening point made on the second pick was closed again: its port can be bound
                try (DatagramSocket again = new DatagramSocket(new InetSocketAddress(lo, picked.get(1)))) {
                    assertEquals(picked.get(1), again.getLocalPort());
                }
                // and the edge serves on the port it reports
                try (DatagramSocket phone = new DatagramSocket(new InetSocketAddress(lo, 0))) {
                    String options = "OPTIONS sip:127.0.0.1 SIP/2.0\r\n"
                            + "Via: SIP/2.0/UDP 127.0.0.1:" + phone.getLocalPort() + ";branch=z9hG4bKport1\r\n"
                            + "From: <sip:probe@127.0.0.1>;tag=port1\r\nTo: <sip:127.0.0.1>\r\nCall-ID: port1\r\n"
                            + "CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
                    byte[] out = options.getBytes(StandardCharsets.UTF_8);
                    phone.send(new DatagramPacket(out, out.length, new InetSocketAddress(lo, edge.port())));
                    phone.setSoTimeout(5000);
                    byte[] in = new byte[4096];
                    DatagramPacket answer = new DatagramPacket(in, in.length);
                    phone.receive(answer);
                    String text = new String(in, 0, answer.getLength(), StandardCharsets.UTF_8);
                    assertTrue(text.startsWith("SIP/2.0 200"), text);
                }
            }
        }
    }
}
