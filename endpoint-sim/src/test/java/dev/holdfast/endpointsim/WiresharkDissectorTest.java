package dev.holdfast.endpointsim;

import dev.holdfast.endpointsim.phone.Call;
import dev.holdfast.endpointsim.phone.CallState;
import dev.holdfast.endpointsim.phone.Phone;
import dev.holdfast.endpointsim.phone.PhoneConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Wireshark's SIP and SDP dissectors (tshark, installed by bin/test) read a capture of a phone-to-phone call with
 * hold, resume, a blind transfer and hang-up, and find nothing malformed. Capturing on the loopback interface
 * needs the right to capture (root on CI); without it the test is skipped.
 */
class WiresharkDissectorTest {
    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) return true;
        }
        return false;
    }

    private static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start(); // stderr: tshark's notes
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        // a display filter tshark cannot compile would print nothing and pass: the exit status must be 0
        assertEquals(0, p.exitValue(), "tshark " + cmd + " failed");
        return out;
    }

    @Test void aCallsSipIsWellFormedForWireshark(@TempDir Path dir) throws Exception {
        assumeTrue(onPath("dumpcap") && onPath("tshark"), "tshark/dumpcap not installed: ./bin/test installs tshark");
        Path pcap = dir.resolve("call.pcapng");
        try (PhoneRuntime a = PhoneRuntime.loopback(); PhoneRuntime b = PhoneRuntime.loopback(); PhoneRuntime c = PhoneRuntime.loopback()) {
            List<String> ports = new ArrayList<>();
            for (PhoneRuntime rt : List.of(a, b, c)) ports.add("udp port " + rt.sip().localAddress("udp").getPort());
            Process dumpcap = new ProcessBuilder("dumpcap", "-i", "lo", "-q", "-f", String.join(" or ", ports), "-w", pcap.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("dumpcap.log").toFile()).start();
            try {
                long end = System.nanoTime() + 5_000_000_000L;
                while (!Files.readString(dir.resolve("dumpcap.log")).contains("Capturing on") && dumpcap.isAlive()
                        && System.nanoTime() < end) {
                    Thread.sleep(20);
                }
                assumeTrue(dumpcap.isAlive(), "cannot capture here: " + Files.readString(dir.resolve("dumpcap.log")));
                Thread.sleep(200);
                Duration t = Duration.ofSeconds(5);
                Phone alice = a.phone(PhoneConfig.of("alice", null, List.of()));
                Phone bob = b.phone(PhoneConfig.of("bob", null, List.of()).withAutoAnswer(Duration.ofMillis(20)));
                Phone carol = c.phone(PhoneConfig.of("carol", null, List.of()).withAutoAnswer(Duration.ofMillis(20)));
                Call call = alice.call(bob.directUri());
                Await.until("talk path", t, call::talkPathUp);
                alice.hold(call, false);
                Await.until("held", t, () -> !call.talkPathUp());
                alice.resume(call);
                Await.until("resumed", t, call::talkPathUp);
                alice.transfer(call, carol.directUri());
                Await.until("transferred", t, () -> call.state() == CallState.ENDED);
                Await.until("bob and carol talk", t, () -> !carol.calls().isEmpty() && carol.calls().get(0).talkPathUp());
                bob.hangUp(bob.calls().get(bob.calls().size() - 1));
                Await.until("over", t, () -> carol.calls().get(0).state() == CallState.ENDED);
                Thread.sleep(300);
            } finally {
                dumpcap.destroy();
                dumpcap.waitFor(5, TimeUnit.SECONDS);
            }
        }
        String methods = run(List.of("tshark", "-r", pcap.toString(), "-Y", "sip.Request-Line", "-T", "fields", "-e", "sip.Method"));
        for (String m : List.of("INVITE", "ACK", "BYE", "REFER", "NOTIFY")) assertTrue(methods.contains(m), m + " captured: " + methods);
        assertTrue(methods.lines().filter(l -> l.equals("INVITE")).count() >= 4, "initial, hold, resume, transferred INVITEs: " + methods);
        String malformed = run(List.of("tshark", "-r", pcap.toString(), "-Y", "_ws.malformed || _ws.expert.severity >= \"error\""));
        assertEquals("", malformed.strip(), "malformed or erroneous packets");
        String sdp = run(List.of("tshark", "-r", pcap.toString(), "-Y", "sdp.media_attr == \"sendonly\"", "-T", "fields", "-e", "frame.number"));
        assertTrue(!sdp.isBlank(), "the hold offer's a=sendonly is dissected");
    }
}
