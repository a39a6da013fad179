package dev.holdfast.controller.sip;

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
 * Runs SIPp (Debian {@code sip-tester}) as a real SIP peer on 127.0.0.1: a scenario (built-in name or XML file) over
 * UDP or TCP from a given local port, a number of calls, and returns its exit status (0: every call passed) with its
 * error log. Processes are stopped by their own handle only.
 */
public final class Sipp {
    static final String BINARY = "sipp";
    private final Path dir;
    private int runs;

    public Sipp(Path dir) { this.dir = dir; }

    public static boolean installed() {
        for (String p : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(p, BINARY))) return true;
        }
        return false;
    }

    /** A port free on 127.0.0.1 for UDP and TCP at once. */
    public static int freePort() throws IOException {
        InetAddress lo = InetAddress.getLoopbackAddress();
        for (int i = 0; i < 50; i++) {
            try (DatagramSocket u = new DatagramSocket(new InetSocketAddress(lo, 0))) {
                try (ServerSocket t = new ServerSocket(u.getLocalPort(), 1, lo)) {
                    return u.getLocalPort();
                } catch (IOException taken) {
                    // try another
                }
            }
        }
        throw new IOException("no free port");
    }

    /**
     * Waits until a socket (the SIPp just started) is bound to {@code port} for {@code transport}, as the kernel's
     * socket tables in {@code /proc/net} show (reading them disturbs nothing, unlike a probing bind).
     */
    public static void awaitBound(int port, String transport, long timeoutMillis) throws Exception {
        String hexPort = String.format(":%04X ", port);
        Path table = Path.of("/proc/net", transport.equals("tcp") ? "tcp" : "udp");
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            for (String line : Files.readAllLines(table)) {
                String[] f = line.trim().split("\\s+");
                // local_address is field 1; a TCP socket must be LISTENing (state 0A)
                if (f.length > 3 && (f[1] + " ").endsWith(hexPort) && (!transport.equals("tcp") || f[3].equals("0A"))) return;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("nothing bound " + transport + " port " + port + " in " + timeoutMillis + " ms");
    }

    /** Writes a scenario file. */
    public Path scenario(String name, String xml) throws IOException {
        Path f = dir.resolve(name + ".xml");
        Files.writeString(f, xml, StandardCharsets.ISO_8859_1);
        return f;
    }

    public record Result(int exit, String errors, String output) {
        public boolean passed() { return exit == 0; }

        @Override public String toString() { return "exit " + exit + "\n" + errors + "\n" + output; }
    }

    /** A running SIPp. */
    public final class Run implements AutoCloseable {
        final Process process;
        final Path errors;
        final Path output;

        Run(Process process, Path errors, Path output) {
            this.process = process;
            this.errors = errors;
            this.output = output;
        }

        public Result await(long seconds) throws Exception {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroy();
                process.waitFor(5, TimeUnit.SECONDS);
                return new Result(-100, "did not finish in " + seconds + " s: " + read(errors), read(output));
            }
            return new Result(process.exitValue(), read(errors), read(output));
        }

        @Override public void close() throws Exception {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
            }
        }
    }

    /**
     * Starts SIPp.
     *
     * @param scenario  {@code uac}/{@code uas} (built in) or a scenario file
     * @param transport {@code udp} or {@code tcp}
     * @param target    {@code host:port}, or null for a UAS
     * @param extra     more arguments ({@code -s}, {@code -au}, {@code -key}...)
     */
    public Run start(Object scenario, String transport, int localPort, String target, int calls, String... extra) throws IOException {
        int n = ++runs;
        Path errors = dir.resolve("sipp-" + n + "-errors.log");
        Path output = dir.resolve("sipp-" + n + "-out.log");
        List<String> cmd = new ArrayList<>(List.of(BINARY));
        if (scenario instanceof Path p) cmd.addAll(List.of("-sf", p.toString()));
        else cmd.addAll(List.of("-sn", scenario.toString()));
        cmd.addAll(List.of("-i", "127.0.0.1", "-p", String.valueOf(localPort), "-t", transport.equals("tcp") ? "t1" : "u1",
                "-m", String.valueOf(calls), "-nostdin", "-timeout", "20", "-timeout_error",
                "-trace_err", "-error_file", errors.toString(), "-max_socket", "64"));
        cmd.addAll(List.of(extra));
        if (target != null) cmd.add(target);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        return new Run(pb.start(), errors, output);
    }

    /** Runs SIPp to the end. */
    public Result run(Object scenario, String transport, int localPort, String target, int calls, String... extra) throws Exception {
        try (Run r = start(scenario, transport, localPort, target, calls, extra)) {
            return r.await(30);
        }
    }

    private static String read(Path f) throws IOException {
        return Files.exists(f) ? Files.readString(f, StandardCharsets.ISO_8859_1) : "";
    }
}
