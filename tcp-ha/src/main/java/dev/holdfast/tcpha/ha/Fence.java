package dev.holdfast.tcpha.ha;

/** Makes sure the primary can no longer answer clients before the backup takes over (so two servers never do). */
public interface Fence {
    /** Returns only when the primary is fenced; throws if that cannot be made sure. */
    void fence() throws Exception;

    /** A fence that runs a shell command (in tests: kill the primary's processes by pid, take its interfaces down). */
    static Fence command(String shellCommand) {
        return () -> {
            Process p = new ProcessBuilder("sh", "-c", shellCommand).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) throw new IllegalStateException("fence command failed: " + shellCommand + "\n" + out);
        };
    }
}
