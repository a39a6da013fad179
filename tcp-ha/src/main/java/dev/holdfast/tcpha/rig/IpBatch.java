package dev.holdfast.tcpha.rig;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A long-lived {@code ip -force -batch -} process fed one command at a time: a takeover cannot afford to start a
 * process per command (tens of milliseconds each on a busy machine). Each command is followed by an
 * {@code addr show dev lo} whose output marks that the command before it has been carried out.
 */
public final class IpBatch implements AutoCloseable {
    private final Process process;
    private final Writer in;
    private final BufferedReader out;

    /** {@code namespace} null: the namespace this process runs in. */
    public IpBatch(String namespace) throws IOException { this(namespace, false); }

    /**
     * {@code realtime}: the ip process runs SCHED_FIFO ({@code chrt -f 10}): it sleeps on its input until a command
     * comes, and a command on a takeover's path must not wait behind a busy host's other work (measured: 3-5 ms
     * usually, 17-25 ms in one run of four at load 10-50 without it).
     */
    public IpBatch(String namespace, boolean realtime) throws IOException {
        List<String> cmd = new ArrayList<>(realtime ? List.of("chrt", "-f", "10", "ip") : List.of("ip"));
        if (namespace != null) cmd.addAll(List.of("-n", namespace));
        cmd.addAll(List.of("-o", "-force", "-batch", "-"));
        process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII);
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
        run(); // proves the process answers
    }

    /** Runs the commands (ip syntax without the leading "ip"), returns what they printed (errors included). */
    public synchronized String run(String... commands) throws IOException {
        String marker = "lo"; // 'addr show dev lo' prints one line per address of lo, starting with "1: lo"
        StringBuilder w = new StringBuilder();
        for (String c : commands) w.append(c).append('\n');
        w.append("link show dev ").append(marker).append('\n');
        in.write(w.toString());
        in.flush();
        StringBuilder printed = new StringBuilder();
        String line;
        while ((line = out.readLine()) != null) {
            if (line.matches("^\\d+: lo: .*")) return printed.toString();
            printed.append(line).append('\n');
        }
        throw new IOException("ip batch process ended: " + printed);
    }

    @Override
    public void close() {
        try { in.close(); } catch (IOException ignored) { /* process gone */ }
        process.destroy();
    }
}
