package dev.holdfast.drill;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One process's {@code /proc/PID/stat} (Linux, proc(5)): its command name and the fields after it. The name is cut at
 * the last ')' because it may hold spaces and parentheses itself.
 */
record ProcStat(String command, String[] fields) {

    /** Read from {@code statFile}; throws when the process is gone or the text is not that of a stat file. */
    static ProcStat read(Path statFile) throws IOException {
        String stat = Files.readString(statFile);
        int close = stat.lastIndexOf(')');
        if (close < 0) throw new IOException("not a /proc stat file: " + statFile);
        return new ProcStat(stat.substring(stat.indexOf('(') + 1, close), stat.substring(close + 2).split(" "));
    }

    static ProcStat of(long pid) throws IOException { return read(Path.of("/proc/" + pid + "/stat")); }

    /** utime + stime, in clock ticks (USER_HZ, 100 a second). */
    long cpuTicks() { return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); }

    long minorFaults() { return Long.parseLong(fields[7]); }

    long majorFaults() { return Long.parseLong(fields[9]); }
}
