package dev.holdfast.controller.sip.interop;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Wireshark's SIP dissector on a real call through the controller: tshark captures loopback (only the controller's
 * SIP port) while SIPp's uac calls SIPp's uas registered as 1002; the capture must hold no packet the dissector
 * flags malformed ({@code _ws.malformed}) or with an expert error, every frame must be dissected as SIP, and its SIP
 * must include the INVITE, the 200 for it, the ACK and the BYE
 * on both legs.
 */
class TsharkSipCaptureTest {
    @TempDir Path dir;

    @BeforeAll static void installed() {
        assertTrue(InteropRig.installed("tshark"), "tshark is needed: ./bin/test installs it");
        assertTrue(InteropRig.installed("sipp"), "SIPp (Debian sip-tester) is needed: ./bin/test installs it");
    }

    @Test
    void aCallThroughTheControllerHasNoMalformedSipInWiresharksView() throws Exception {
        try (InteropRig rig = new InteropRig(dir, true)) {
            Path pcap = dir.resolve("call.pcapng");
            Path captureLog = dir.resolve("tshark-capture.log");
            Process capture = rig.start(List.of("tshark", "-i", "lo", "-f", "udp port " + rig.sipPort(), "-w",
                    pcap.toString()), captureLog);
            long deadline = System.currentTimeMillis() + 15_000;  // tshark says "Capturing on 'Loopback: lo'" once ready
            while (!InteropRig.read(captureLog).contains("Capturing on") && capture.isAlive()
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(capture.isAlive(), "tshark could not capture on lo: " + InteropRig.read(captureLog));

            int calleePort = InteropRig.freePort();
            rig.registerWithSipp("1002", "secret2", calleePort);
            Process callee = rig.sippUas(calleePort, dir.resolve("uas-messages.log"));
            Thread.sleep(300); // SIPp binds its port
            Process caller = rig.sippUac("1002", InteropRig.freePort(), dir.resolve("uac-messages.log"));
            assertEquals(0, InteropRig.await(caller, 30), "SIPp uac: " + InteropRig.read(dir.resolve("uac-messages.log")));
            assertEquals(0, InteropRig.await(callee, 20), "SIPp uas");
            Thread.sleep(500); // the last datagrams reach the capture
            capture.destroy();  // SIGTERM: tshark closes the file properly
            InteropRig.await(capture, 10);
            assertTrue(Files.size(pcap) > 0, "capture written: " + InteropRig.read(captureLog));

            String malformed = tshark(rig, pcap, "_ws.malformed || _ws.expert.severity >= error", "malformed");
            assertEquals("", malformed.strip(), "frames Wireshark flags malformed or in error (frame, method, status, CSeq)");

            // the dissector is lenient (a bad CSeq number or an empty Via is not flagged): also every frame on the
            // controller's port must have been read as SIP
            assertEquals("", tshark(rig, pcap, "!sip", "not-sip").strip(), "frames not dissected as SIP");
            String all = tshark(rig, pcap, "sip", "sip");
            List<String[]> sip = all.lines().map(l -> (l + "\t\t\t").split("\t", -1)).toList();
            long invites = sip.stream().filter(f -> f[1].equals("INVITE")).count();
            long invite200 = sip.stream().filter(f -> f[2].equals("200") && f[3].equals("INVITE")).count();
            long acks = sip.stream().filter(f -> f[1].equals("ACK")).count();
            long byes = sip.stream().filter(f -> f[1].equals("BYE")).count();
            long bye200 = sip.stream().filter(f -> f[2].equals("200") && f[3].equals("BYE")).count();
            // two legs: caller -> controller and controller -> callee
            assertTrue(invites >= 2, "INVITE on both legs:\n" + all);
            assertTrue(invite200 >= 2, "200 for the INVITE on both legs:\n" + all);
            assertTrue(acks >= 2, "ACK on both legs:\n" + all);
            assertTrue(byes >= 2, "BYE on both legs:\n" + all);
            assertTrue(bye200 >= 2, "200 for the BYE on both legs:\n" + all);
        }
    }

    /** Reads the capture with a display filter; one line per packet: frame number, method, status code, CSeq method. */
    private static String tshark(InteropRig rig, Path pcap, String filter, String name) throws Exception {
        Path out = pcap.resolveSibling("tshark-" + name + ".txt");
        Path err = pcap.resolveSibling("tshark-" + name + ".err");
        Process p = rig.start(List.of("tshark", "-r", pcap.toString(), "-d", "udp.port==" + rig.sipPort() + ",sip",
                "-Y", filter, "-T", "fields", "-e", "frame.number", "-e", "sip.Method", "-e", "sip.Status-Code", "-e", "sip.CSeq.method"), out, err);
        assertEquals(0, InteropRig.await(p, 30), "tshark -r: " + InteropRig.read(err));
        return InteropRig.read(out);
    }
}
