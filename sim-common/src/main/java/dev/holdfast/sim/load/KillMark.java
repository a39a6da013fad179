package dev.holdfast.sim.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * When a failover drill killed the controller: a file holding that moment as epoch milliseconds, written by whoever
 * killed it (bin/demo). Absent until the kill, and in a run without one.
 */
public final class KillMark {
    private final Path file;
    private long killedAtMillis = -1;

    /** {@code file} null: no kill in this run. */
    public KillMark(Path file) { this.file = file; }

    public boolean enabled() { return file != null; }

    /** The kill's time (epoch ms), or -1 before it (or without a file, or while the file is being written). */
    public synchronized long killedAtMillis() {
        if (file == null || killedAtMillis >= 0) return killedAtMillis;
        try {
            if (Files.exists(file)) killedAtMillis = Long.parseLong(Files.readString(file).trim());
        } catch (IOException | NumberFormatException e) {
            // not complete yet: the next look reads it
        }
        return killedAtMillis;
    }
}
