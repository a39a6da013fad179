package dev.holdfast.drill;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A process the drill started: its output (stdout and stderr) goes to a log file that the drill reads; it is
 * stopped by its process id (SIGTERM, then SIGKILL if it does not go), or killed at once ({@link #kill9}).
 */
final class ChildProcess {
    final String name;
    final Process process;
    final Path log;

    private ChildProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static ChildProcess start(String name, List<String> command, Path log) throws IOException {
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        return new ChildProcess(name, b.start(), log);
    }

    long pid() { return process.pid(); }

    boolean alive() { return process.isAlive(); }

    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Waits until the output has a line matching {@code pattern}; returns the match, or null when the process
     * ended first or {@code limit} passed.
     */
    Matcher await(Pattern pattern, Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            Matcher m = pattern.matcher(output());
            if (m.find()) return m;
            if (!alive()) {
                m = pattern.matcher(output());
                return m.find() ? m : null;
            }
            Thread.sleep(50);
        }
        return null;
    }

    /** SIGKILL, as a crash: nothing runs in the process after it. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM and a few seconds to stop cleanly, then SIGKILL. */
    void stop() {
        if (!process.isAlive()) return;
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The last {@code n} lines of the output, for a failure message. */
    String tail(int n) {
        String[] lines = output().split("\n");
        StringBuilder b = new StringBuilder();
        for (int i = Math.max(0, lines.length - n); i < lines.length; i++) b.append("    ").append(lines[i]).append('\n');
        return b.toString();
    }
}
