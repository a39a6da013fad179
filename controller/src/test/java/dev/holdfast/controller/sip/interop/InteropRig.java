package dev.holdfast.controller.sip.interop;

import dev.holdfast.controller.Controller;
import dev.holdfast.controller.provisioning.Provisioning;
import dev.holdfast.controller.provisioning.ProvisioningLoader;
import dev.holdfast.h248.transport.EndpointOptions;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the interop tests share: a real controller on a free port of 127.0.0.1 with subscribers 1001 ({@code secret1})
 * and 1002 ({@code secret2}), SIPp (Debian {@code sip-tester}) registering with digest and answering as phone 1002
 * with its built-in {@code uas}, and free ports. Processes are stopped through their own handles only.
 */
final class InteropRig implements AutoCloseable {
    final Path dir;
    final Controller controller;
    private final List<Process> processes = new ArrayList<>();

    /** With {@code trustLoopback}, INVITEs from 127.0.0.1 need no digest (SIPp's built-in uac cannot answer a 407). */
    InteropRig(Path dir, boolean trustLoopback) throws Exception {
        this.dir = dir;
        Provisioning p = ProvisioningLoader.parse("""
                controller: { address: 127.0.0.1, port: 0, transports: [udp] }
                sip: { address: 127.0.0.1, port: 0, transports: [udp], minExpires: 1 %s}
                subscribers:
                  - { user: "1001", password: secret1, number: "1001" }
                  - { user: "1002", password: secret2, number: "1002" }
                """.formatted(trustLoopback ? ", trustedPeers: [127.0.0.1] " : ""),
                ProvisioningLoader.Format.YAML, "interop.yaml");
        controller = Controller.start(p, null, null, 1, EndpointOptions.DEFAULTS);
    }

    int sipPort() { return controller.sip().port(); }

    String sipTarget() { return "127.0.0.1:" + sipPort(); }

    static boolean installed(String binary) {
        for (String p : System.getenv().getOrDefault("PATH", "/usr/bin:/usr/sbin").split(":")) {
            if (Files.isExecutable(Path.of(p, binary))) return true;
        }
        return false;
    }

    /** A port free on 127.0.0.1 for UDP and TCP at once. */
    static int freePort() throws IOException {
        InetAddress lo = InetAddress.getLoopbackAddress();
        for (int i = 0; i < 50; i++) {
            try (DatagramSocket u = new DatagramSocket(new InetSocketAddress(lo, 0));
                 ServerSocket t = new ServerSocket(u.getLocalPort(), 1, lo)) {
                return u.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port");
    }

    /** Starts a process whose output goes to {@code log}; it is stopped by {@link #close()} if still running. */
    Process start(List<String> command, Path log) throws IOException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        processes.add(p);
        return p;
    }

    /** Starts a process with its standard output to {@code out} and its standard error to {@code err}. */
    Process start(List<String> command, Path out, Path err) throws IOException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        processes.add(p);
        return p;
    }

    /** Waits for {@code p}; its exit status, or -100 when it had to be stopped. */
    static int await(Process p, long seconds) throws InterruptedException {
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly();
            return -100;
        }
        return p.exitValue();
    }

    static String read(Path f) throws IOException {
        return Files.exists(f) ? Files.readString(f, StandardCharsets.ISO_8859_1) : "";
    }

    /** SIPp registers {@code user} with digest from {@code localPort} (contact: that port); asserts the 200. */
    void registerWithSipp(String user, String password, int localPort) throws Exception {
        Path scenario = dir.resolve("register.xml");
        Files.writeString(scenario, REGISTER, StandardCharsets.ISO_8859_1);
        Path log = dir.resolve("register-" + user + ".log");
        Process p = start(List.of("sipp", "-sf", scenario.toString(), "-i", "127.0.0.1", "-p", String.valueOf(localPort),
                "-m", "1", "-s", user, "-au", user, "-ap", password, "-nostdin", "-timeout", "15", "-timeout_error",
                sipTarget()), log);
        int exit = await(p, 30);
        if (exit != 0) throw new AssertionError("SIPp could not register " + user + " (exit " + exit + "): " + read(log));
    }

    /** SIPp's built-in uas on {@code localPort} for one call, logging every message it sends and receives. */
    Process sippUas(int localPort, Path messages) throws IOException {
        return start(List.of("sipp", "-sn", "uas", "-i", "127.0.0.1", "-p", String.valueOf(localPort), "-m", "1",
                "-nostdin", "-timeout", "30", "-timeout_error", "-trace_msg", "-message_file", messages.toString()),
                dir.resolve("uas-" + localPort + ".log"));
    }

    /** SIPp's built-in uac for one call to {@code number} through the controller, tracing its messages. */
    Process sippUac(String number, int localPort, Path messages) throws IOException {
        return start(List.of("sipp", "-sn", "uac", "-s", number, "-i", "127.0.0.1", "-p", String.valueOf(localPort),
                "-m", "1", "-nostdin", "-timeout", "20", "-timeout_error", "-trace_msg", "-message_file",
                messages.toString(), sipTarget()), dir.resolve("uac-" + localPort + ".log"));
    }

    /** The first lines (request or status line) of the SIP messages in a SIPp message trace, in order. */
    static List<String> startLines(Path messages) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : read(messages).split("\r?\n")) {
            if (line.matches("^(SIP/2\\.0 \\d{3} .*|[A-Z]+ sip:\\S+ SIP/2\\.0)$")) out.add(line);
        }
        return out;
    }

    long counter(String name) throws Exception { return controller.inspect(core -> core.sip().counters().get(name)); }

    int callsLeft() throws Exception {
        long deadline = System.currentTimeMillis() + 3000;
        int left;
        while ((left = controller.inspect(core -> core.sip().calls().size())) > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        return left;
    }

    @Override public void close() {
        for (Process p : processes) {
            if (p.isAlive()) {
                p.destroy();
                try {
                    if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        controller.close();
    }

    private static final String REGISTER_REQUEST = """
              <send retrans="500"><![CDATA[
                  REGISTER sip:[remote_ip]:[remote_port] SIP/2.0
                  Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                  From: <sip:[service]@[remote_ip]>;tag=[pid]SIPpTag[call_number]
                  To: <sip:[service]@[remote_ip]>
                  Call-ID: [call_id]
                  CSeq: %d REGISTER
                  Contact: <sip:[service]@[local_ip]:[local_port];transport=[transport]>
                  %sExpires: 300
                  Max-Forwards: 70
                  Content-Length: 0

              ]]></send>
            """;

    /** REGISTER, 401, REGISTER with the digest answer ({@code -au}/{@code -ap}), 200. */
    private static final String REGISTER = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\" ?>\n<scenario name=\"register\">\n"
            + REGISTER_REQUEST.formatted(1, "") + "  <recv response=\"401\" auth=\"true\"/>\n"
            + REGISTER_REQUEST.formatted(2, "[authentication]\n                  ") + "  <recv response=\"200\"/>\n</scenario>\n";
}
