package dev.holdfast.h248.interop;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Test helper that runs the Erlang/OTP megaco scripts in {@code src/test/erlang} as child processes.
 *
 * <p>{@link #start} launches {@code hf_megaco_peer} (a scripted MG or MGC on the real OTP megaco stack),
 * {@link #runCodecBench} runs {@code hf_megaco_codec_bench}. The {@code .erl} files are compiled with
 * {@code erlc} once per JVM into {@code target/erlang}. The module directory is the working directory
 * (as under Maven surefire); {@code h248/} below the working directory and the system property
 * {@code holdfast.h248.dir} are also tried.
 *
 * <p>The peer prints one line per event on stdout ({@code HF-STEP <step> <status>}, {@code HF-SEND}/{@code
 * HF-RECV} with the escaped wire text, {@code HF-DONE ok} or {@code HF-DONE fail <reason>}); see the header
 * of {@code hf_megaco_peer.erl}. Its exit status is 0 when every step passed, otherwise 1, and it stops by
 * itself after its overall timeout (20 s by default). {@link #close()} kills it anyway, and a shutdown hook
 * kills any peer a test forgot to close.
 *
 * <p>If {@code erl}/{@code erlc} are missing this throws {@link IllegalStateException}: the tests are not
 * skipped, {@code bin/test} installs Erlang.
 */
public final class ErlangPeer implements AutoCloseable {

    /** Which side of H.248 the Erlang peer plays. */
    public enum Role { MG, MGC }

    /** megaco_udp or megaco_tcp (TPKT framing, H.248.1 Annex D.2). */
    public enum Transport { UDP, TCP }

    /** megaco_pretty_text_encoder or megaco_compact_text_encoder (protocol version 1). */
    public enum Encoding { PRETTY, COMPACT }

    /** Printed by the MGC role once its socket is open; wait for it before starting the MG. */
    public static final String LISTEN_OK = "HF-STEP listen ok";
    public static final String DONE_OK = "HF-DONE ok";
    public static final String DONE_PREFIX = "HF-DONE";

    private static final String PEER_MODULE = "hf_megaco_peer";
    private static final String BENCH_MODULE = "hf_megaco_codec_bench";
    private static final Set<ErlangPeer> LIVE = ConcurrentHashMap.newKeySet();
    private static Path compiledDir; // guarded by ErlangPeer.class

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(ErlangPeer::kill), "erlang-peer-reaper"));
    }

    private final String name;
    private final Process process;
    private final List<String> lines = new ArrayList<>(); // guarded by this
    private boolean eof; // guarded by this
    private final Thread reader;

    private ErlangPeer(String name, Process process) {
        this.name = name;
        this.process = process;
        LIVE.add(this);
        this.reader = new Thread(this::readLoop, "erlang-peer-" + name);
        this.reader.setDaemon(true);
        this.reader.start();
    }

    // ------------------------------------------------------------------------------------------------
    // Starting

    /** Starts a peer with the script's default overall timeout (20 s). */
    public static ErlangPeer start(Role role, Transport transport, Encoding encoding,
                                   int localPort, String remoteHost, int remotePort) {
        return start(role, transport, encoding, localPort, remoteHost, remotePort, null);
    }

    /**
     * Starts {@code erl -noshell -run hf_megaco_peer main <role> <transport> <encoding> <local_port>
     * <remote_host> <remote_port> [<timeout_s>]}.
     *
     * <p>MG role: sends from/listens on {@code localPort} (its mid is {@code [127.0.0.1]:localPort}; over
     * TCP it connects from an ephemeral port) to the MGC at {@code remoteHost:remotePort}. MGC role:
     * listens on {@code localPort}; {@code remoteHost/remotePort} are only informational.
     *
     * @param overallTimeout the peer gives up (HF-DONE fail timeout, exit 1) after this; null = 20 s
     */
    public static ErlangPeer start(Role role, Transport transport, Encoding encoding,
                                   int localPort, String remoteHost, int remotePort, Duration overallTimeout) {
        Path ebin = ensureCompiled();
        List<String> cmd = new ArrayList<>(List.of(
                executable("erl"), "-noshell", "-pa", ebin.toString(), "-run", PEER_MODULE, "main",
                lower(role), lower(transport), lower(encoding),
                Integer.toString(localPort), remoteHost, Integer.toString(remotePort)));
        if (overallTimeout != null) {
            cmd.add(Long.toString(Math.max(1, (overallTimeout.toMillis() + 999) / 1000)));
        }
        String name = lower(role) + "-" + lower(transport) + "-" + lower(encoding) + ":" + localPort;
        return new ErlangPeer(name, launch(cmd, ebin));
    }

    // ------------------------------------------------------------------------------------------------
    // Observing

    /**
     * Waits until a line starting with {@code prefix} has been printed and returns it. Searches the whole
     * output from the start, so a line printed before the call is found too (and calling twice with the
     * same prefix returns the same line). Fails fast if the process exits without printing it.
     *
     * @throws AssertionError on timeout or early exit, with the output so far
     */
    public String awaitLine(String prefix, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (true) {
                for (String l : lines) {
                    if (l.startsWith(prefix)) {
                        return l;
                    }
                }
                if (eof) {
                    throw new AssertionError("Erlang peer " + name + " ended (exit " + exitCodeOrNull()
                            + ") without printing a line starting with '" + prefix + "'. Output:\n" + outputLocked());
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("Erlang peer " + name + ": no line starting with '" + prefix
                            + "' within " + timeout + ". Output so far:\n" + outputLocked());
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while waiting for '" + prefix + "'", e);
                }
            }
        }
    }

    /**
     * Waits for the process to exit and returns its exit status (0 = every step passed). All output has
     * been collected when this returns.
     *
     * @throws AssertionError if it is still running after {@code timeout}; the process is then killed
     */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
                throw new AssertionError("Erlang peer " + name + " still running after " + timeout
                        + " (killed). Output:\n" + output());
            }
            reader.join(5_000); // drain the rest of stdout
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            throw new AssertionError("interrupted while waiting for Erlang peer " + name, e);
        }
        LIVE.remove(this);
        return process.exitValue();
    }

    /** Everything printed so far (stdout and stderr merged), one line per line. */
    public synchronized String output() {
        return outputLocked();
    }

    /** Snapshot of the lines printed so far. */
    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** The lines with the given prefix, e.g. {@code "HF-STEP"} or {@code "HF-SEND"}. */
    public synchronized List<String> lines(String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).collect(Collectors.toUnmodifiableList());
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Kills the process (and anything it started) if still running. Idempotent. */
    @Override
    public void close() {
        kill();
    }

    @Override
    public String toString() {
        return "ErlangPeer[" + name + ", pid " + process.pid() + "]";
    }

    // ------------------------------------------------------------------------------------------------
    // Codec benchmark

    /**
     * Runs {@code hf_megaco_codec_bench main <dir> <iterations> <encoding> [options...]} and returns its
     * JSON line, e.g. {@code {"codec":"otp-megaco","encoding":"pretty","flex":true,"messages":17,
     * "rejected":11,"iterations":N,"us_per_decode_encode":X,"us_per_decode":Y,"us_per_encode":Z,...}}.
     * Options: {@code any-version} (also accept MEGACO/2 and /3 messages), {@code noflex}.
     *
     * @throws IllegalStateException if the bench fails (no decodable message, bad arguments, crash)
     */
    public static String runCodecBench(Path dir, int iterations, String encoding, String... options) {
        Path ebin = ensureCompiled();
        List<String> cmd = new ArrayList<>(List.of(
                executable("erl"), "-noshell", "-pa", ebin.toString(), "-run", BENCH_MODULE, "main",
                dir.toAbsolutePath().toString(), Integer.toString(iterations), encoding));
        cmd.addAll(List.of(options));
        try (ErlangPeer bench = new ErlangPeer("codec-bench-" + encoding, launch(cmd, ebin))) {
            int exit = bench.awaitExit(Duration.ofMinutes(30));
            List<String> json = bench.lines("{");
            if (exit != 0 || json.isEmpty()) {
                throw new IllegalStateException("hf_megaco_codec_bench failed (exit " + exit + "):\n"
                        + bench.output());
            }
            return json.get(json.size() - 1);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Ports

    /**
     * A port that is free on 127.0.0.1 right now for the transport (small race: it is released before the
     * peer binds it).
     */
    public static int freePort(Transport transport) {
        InetAddress lo = InetAddress.getLoopbackAddress();
        try {
            if (transport == Transport.UDP) {
                try (DatagramSocket s = new DatagramSocket(0, lo)) {
                    return s.getLocalPort();
                }
            }
            try (ServerSocket s = new ServerSocket(0, 1, lo)) {
                return s.getLocalPort();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Compilation and process plumbing

    /** Compiles every {@code src/test/erlang/*.erl} into {@code target/erlang} (once per JVM). */
    public static synchronized Path ensureCompiled() {
        if (compiledDir != null) {
            return compiledDir;
        }
        Path moduleDir = moduleDir();
        Path src = moduleDir.resolve("src/test/erlang");
        Path out = moduleDir.resolve("target/erlang");
        List<String> cmd = new ArrayList<>(List.of(executable("erlc"), "-o", out.toString()));
        try (Stream<Path> files = Files.list(src)) {
            List<String> erls = files.filter(p -> p.toString().endsWith(".erl")).sorted()
                    .map(Path::toString).collect(Collectors.toList());
            if (erls.isEmpty()) {
                throw new IllegalStateException("no .erl files in " + src);
            }
            cmd.addAll(erls);
            Files.createDirectories(out);
            Process p = new ProcessBuilder(cmd).directory(out.toFile()).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("erlc timed out: " + cmd);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("erlc failed (exit " + p.exitValue() + "): " + cmd + "\n" + log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("compiling " + src, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted compiling " + src, e);
        }
        compiledDir = out;
        return out;
    }

    private static Path moduleDir() {
        String prop = System.getProperty("holdfast.h248.dir");
        List<Path> candidates = new ArrayList<>();
        if (prop != null) {
            candidates.add(Paths.get(prop));
        }
        Path cwd = Paths.get("").toAbsolutePath();
        candidates.add(cwd);
        candidates.add(cwd.resolve("h248"));
        for (Path c : candidates) {
            if (Files.isDirectory(c.resolve("src/test/erlang"))) {
                return c;
            }
        }
        throw new IllegalStateException("cannot find src/test/erlang under " + candidates
                + " (run from the h248 module directory or set -Dholdfast.h248.dir)");
    }

    /** Absolute path of an Erlang executable found on PATH. */
    private static String executable(String name) {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (dir.isEmpty()) {
                    continue;
                }
                Path p = Paths.get(dir, name);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return p.toString();
                }
            }
        }
        throw new IllegalStateException("'" + name + "' not found on PATH (" + path + "). The Erlang interop "
                + "tests need Erlang/OTP with megaco: on Debian `apt-get install erlang-base erlang-megaco` "
                + "(bin/test does this).");
    }

    private static Process launch(List<String> cmd, Path workDir) {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        // no erl_crash.dump files from a crashing VM
        pb.environment().put("ERL_CRASH_DUMP_SECONDS", "0");
        try {
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + cmd, e);
        }
    }

    private void readLoop() {
        try (BufferedReader r = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                System.out.println("[erl " + name + "] " + line);
                synchronized (this) {
                    lines.add(line);
                    notifyAll();
                }
            }
        } catch (IOException e) {
            synchronized (this) {
                lines.add("(ErlangPeer: reading output failed: " + e + ")");
            }
        } finally {
            synchronized (this) {
                eof = true;
                notifyAll();
            }
        }
    }

    private void kill() {
        try {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            LIVE.remove(this);
        }
    }

    private String exitCodeOrNull() {
        return process.isAlive() ? "still running" : Integer.toString(process.exitValue());
    }

    private String outputLocked() {
        return String.join("\n", lines);
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
