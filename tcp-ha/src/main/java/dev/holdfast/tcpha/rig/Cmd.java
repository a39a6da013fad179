package dev.holdfast.tcpha.rig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs one system command (ip, tc, kill) and fails with the command line and its stderr when it does. */
public final class Cmd {
    private Cmd() {}

    /** Runs argv, waits up to 20 s, returns stdout; throws RigException naming the command on non-zero exit. */
    public static String run(String... argv) {
        Result r = tryRun(argv);
        if (r.exitCode != 0) {
            throw new RigException("command failed (exit " + r.exitCode + "): " + String.join(" ", argv)
                    + (r.stderr.isBlank() ? "" : "\n  stderr: " + r.stderr.strip()));
        }
        return r.stdout;
    }

    /** Runs argv and returns its exit code and output without judging them (for teardown and probes). */
    public static Result tryRun(String... argv) {
        ProcessBuilder pb = new ProcessBuilder(List.of(argv));
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new RigException("command timed out: " + String.join(" ", argv));
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new RigException("cannot run " + argv[0] + " (is iproute2 installed?): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RigException("interrupted while running " + String.join(" ", argv), e);
        }
    }

    public record Result(int exitCode, String stdout, String stderr) {}
}
