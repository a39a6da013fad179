package dev.holdfast.tcpha.posix;

/**
 * This process's CPU time, all threads (those that ended too), in nanoseconds: clock_gettime(CLOCK_PROCESS_CPUTIME_ID);
 * and one thread's.
 * The JDK's OperatingSystemMXBean.getProcessCpuTime counts clock ticks (10 ms here), too coarse for the cost of a
 * second's work.
 */
public final class ProcessCpu {
    private ProcessCpu() {}

    public static long nanos() { return clock(LibC.CLOCK_PROCESS_CPUTIME_ID); }

    /** The calling thread's CPU time (CLOCK_THREAD_CPUTIME_ID), in nanoseconds. */
    public static long threadNanos() { return clock(LibC.CLOCK_THREAD_CPUTIME_ID); }

    private static long clock(int id) {
        long[] ts = new long[2];
        LibC.INSTANCE.clock_gettime(id, ts);
        return ts[0] * 1_000_000_000L + ts[1];
    }
}
