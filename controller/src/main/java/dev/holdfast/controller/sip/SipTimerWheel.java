package dev.holdfast.controller.sip;

import gov.nist.javax.sip.SipStackImpl;
import gov.nist.javax.sip.stack.SIPStackTimerTask;
import gov.nist.javax.sip.stack.timers.SipTimer;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.TimerTask;

import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The SIP stack's timer ({@code gov.nist.javax.sip.TIMER_CLASS_NAME}) on Netty's hashed wheel instead of the RI's
 * {@code java.util.Timer}. Every INVITE transaction of the RI is a periodic task that ticks every 500 ms (its timers
 * A-D, G-I are counted in those ticks) until it ends, 32 s after its last message for most, and every other
 * transaction, dialog and linger period is a one-shot task: at a few hundred calls/s the stack holds tens of
 * thousands of tasks. {@code java.util.Timer} keeps them in one binary heap behind one lock: every tick of every
 * transaction re-sorts a task down that heap (about 16 levels, a cache miss each) while the parsing and sending
 * threads wait on the same lock to add theirs. The wheel files a task in the slot of its deadline (constant time to
 * add, to cancel and to run), and tasks are added through a lock-free queue.
 * <p>
 * What the stack sees is unchanged: a task runs once after its delay, or every period after its delay until
 * cancelled (fixed delay, as {@code java.util.Timer}); a cancelled task never runs again and is cleaned up first
 * ({@link SIPStackTimerTask#cleanUpBeforeCancel()}); one thread runs them all, in deadline order within a slot. Deadlines
 * are kept to the wheel's tick ({@link #TICK_MILLIS}): a task runs up to one tick late, never early, which for timers
 * counted in 500 ms ticks (RFC 3261's T1) is within what the RFC's timers allow.
 */
public final class SipTimerWheel implements SipTimer {
    private static final System.Logger LOG = System.getLogger(SipTimerWheel.class.getName());
    /** The wheel's tick: a task runs at most this late. */
    static final long TICK_MILLIS = 10;
    /** Slots in the wheel: 5.12 s at 10 ms, so the stack's 500 ms ticks and most one-shot timers go round once. */
    static final int SLOTS = 512;

    private final AtomicBoolean started = new AtomicBoolean();
    private volatile HashedWheelTimer wheel;

    @Override public void start(SipStackImpl stack, Properties configuration) {
        String name = "holdfast-sip-timer-" + (stack == null ? "" : stack.getStackName());
        wheel = new HashedWheelTimer(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        }, TICK_MILLIS, TimeUnit.MILLISECONDS, SLOTS, false);
        started.set(true);
    }

    @Override public boolean isStarted() { return started.get(); }

    @Override public boolean schedule(SIPStackTimerTask task, long delay) {
        return arm(task, delay, 0);
    }

    @Override public boolean scheduleWithFixedDelay(SIPStackTimerTask task, long delay, long period) {
        if (period <= 0) throw new IllegalArgumentException("period " + period);
        return arm(task, delay, period);
    }

    private boolean arm(SIPStackTimerTask task, long delay, long period) {
        if (!started.get()) throw new IllegalStateException("the SIP stack's timer is stopped: no new task can be scheduled");
        if (delay < 0) throw new IllegalArgumentException("delay " + delay);
        Entry e = new Entry(task, period);
        task.setSipTimerTask(e);
        return e.arm(delay);
    }

    @Override public boolean cancel(SIPStackTimerTask task) {
        return task.getSipTimerTask() instanceof Entry e && e.cancel();
    }

    @Override public void stop() {
        if (!started.getAndSet(false)) return;
        HashedWheelTimer w = wheel;
        if (w == null) return;
        try {
            w.stop(); // the tasks not yet run are dropped, as java.util.Timer.cancel() drops them
        } catch (IllegalStateException fromOwnThread) {
            // stop() from one of its own tasks: the wheel cannot join itself; no task runs after this one
            LOG.log(System.Logger.Level.DEBUG, "SIP stack timer stopped from its own thread");
        }
    }

    /** A stack task in the wheel; a periodic one goes back in after each run until it is cancelled. */
    private final class Entry implements TimerTask {
        private final long period;
        /** Null once cancelled: it never runs again (and the stack's task can be collected). */
        private volatile SIPStackTimerTask task;
        private volatile Timeout timeout;

        Entry(SIPStackTimerTask task, long period) {
            this.task = task;
            this.period = period;
        }

        boolean arm(long delay) {
            try {
                timeout = wheel.newTimeout(this, delay, TimeUnit.MILLISECONDS);
                return true;
            } catch (IllegalStateException stopped) {
                return false;
            }
        }

        @Override public void run(Timeout expired) {
            SIPStackTimerTask t = task;
            if (t == null) return;
            try {
                t.runTask();
            } catch (Throwable e) {
                // as the RI's timers do: one failing task must not stop the thread that runs all the others
                LOG.log(System.Logger.Level.WARNING, "SIP stack timer task " + t.getClass().getName() + " failed", e);
            }
            if (period > 0 && task != null && started.get()) arm(period);
        }

        /**
         * As the RI's {@code java.util.Timer} task does: the stack's task is cleaned up (also after a one-shot run);
         * true when a run was prevented by it.
         */
        boolean cancel() {
            SIPStackTimerTask t = task;
            if (t == null) return false;
            t.cleanUpBeforeCancel();
            task = null;
            Timeout pending = timeout;
            // out of its slot at the next tick; a periodic task's next run is prevented by task == null in any case
            boolean prevented = pending != null && pending.cancel();
            return prevented || period > 0;
        }
    }
}
