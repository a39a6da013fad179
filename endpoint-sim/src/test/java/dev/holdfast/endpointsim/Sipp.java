package dev.holdfast.endpointsim;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A SIPp process started by a test (Debian sip-tester, installed by bin/test); stopped by its pid only. */
public final class Sipp implements AutoCloseable {
    private final Process process;
    private final Path log;

    private Sipp(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static boolean installed() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "sipp"))) return true;
        }
        return false;
    }

    /** Starts {@code sipp ARGS} (no screen, no stdin); skips the test when SIPp is not installed. */
    public static Sipp start(String... args) throws IOException {
        assumeTrue(installed(), "SIPp (Debian sip-tester) is not installed: ./bin/test installs it");
        List<String> cmd = new ArrayList<>(List.of("sipp", "-nostdin", "-timeout_error"));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile("sipp", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new Sipp(p, log);
    }

    /**
     * A media port for {@code -mp}: SIPp's RTP echo binds it and the next three (RTCP, video RTP and RTCP), so all
     * four must be free.
     */
    public static int freeMediaPort() throws IOException {
        java.util.Random r = new java.util.Random();
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = 20_000 + 2 * r.nextInt(15_000);
            List<java.net.DatagramSocket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) held.add(new java.net.DatagramSocket(base + i, java.net.InetAddress.getLoopbackAddress()));
                return base;
            } catch (IOException busy) {
                // try another block
            } finally {
                held.forEach(java.net.DatagramSocket::close);
            }
        }
        throw new IOException("no four consecutive free UDP ports");
    }

    /** A scenario file from the test resources, as a path SIPp can read. */
    public static String scenario(String name) throws IOException {
        Path f = Files.createTempFile("sipp-" + name.replace('/', '-'), ".xml");
        try (var in = Sipp.class.getResourceAsStream("/sipp/" + name)) {
            if (in == null) throw new IOException("no scenario " + name);
            Files.write(f, in.readAllBytes());
        }
        f.toFile().deleteOnExit();
        return f.toString();
    }

    /** Waits for SIPp to end by itself; its exit status (0: every call succeeded), or -1 if it had to be killed. */
    public int await(Duration limit) throws InterruptedException {
        if (process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) return process.exitValue();
        close();
        return -1;
    }

    public boolean alive() { return process.isAlive(); }

    public String output() {
        try {
            String s = Files.readString(log, StandardCharsets.ISO_8859_1);
            return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    /** Kills this SIPp (by its own pid). */
    @Override public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(2, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // a temp file
        }
    }
}
