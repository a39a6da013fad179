package dev.holdfast.tcpha.posix;

import com.sun.jna.LastErrorException;

import java.lang.System.Logger.Level;

/**
 * Puts the calling thread in the SCHED_FIFO real-time class (needs CAP_SYS_NICE). Failure detection lives or dies by
 * heartbeat threads running on time: on a loaded machine a normal thread can wait tens of milliseconds for a CPU,
 * which a 10 ms heartbeat with a few misses allowed cannot absorb. Only threads that mostly sleep should use this.
 */
public final class RealtimeThread {
    private static final System.Logger LOG = System.getLogger(RealtimeThread.class.getName());
    private static final int SCHED_FIFO = 1;

    private RealtimeThread() {}

    /** Returns whether the thread is now real-time; logs once per thread why not otherwise. */
    public static boolean elevate(int priority) {
        try {
            LibC.INSTANCE.sched_setscheduler(LibC.INSTANCE.gettid(), SCHED_FIFO, new int[] {priority});
            return true;
        } catch (LastErrorException | UnsatisfiedLinkError e) {
            LOG.log(Level.WARNING, "could not make thread {0} real-time: {1}", Thread.currentThread().getName(), e.getMessage());
            return false;
        }
    }

    /**
     * Puts the calling thread back in the normal class (SCHED_OTHER). Threads inherit the class of the thread that
     * started them: one started by a real-time thread that does ordinary work must step down.
     */
    public static void lower() {
        try {
            LibC.INSTANCE.sched_setscheduler(LibC.INSTANCE.gettid(), 0, new int[] {0});
        } catch (LastErrorException | UnsatisfiedLinkError e) {
            LOG.log(Level.WARNING, "could not make thread {0} normal: {1}", Thread.currentThread().getName(), e.getMessage());
        }
    }
}
