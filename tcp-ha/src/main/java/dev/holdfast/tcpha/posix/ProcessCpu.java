package dev.holdfast.tcpha.posix;

/**
 * This process's CPU time, all threads (those that ended too), in nanoseconds: clock_gettime(CLOCK_PROCESS_CPUTIME_ID).
 * The JDK's OperatingSystemMXBean.getProcessCpuTime counts clock ticks (10 ms here), too coarse for the cost of a
 * second's work.
 */
public final class ProcessCpu {
    private ProcessCpu() {}

    public static long nanos() {
        long[] ts = new long[2];
        LibC.INSTANCE.clock_gettime(LibC.CLOCK_PROCESS_CPUTIME_ID, ts);
        return ts[0] * 1_000_000_000L + ts[1];
    }
}
