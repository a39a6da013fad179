package dev.holdfast.controller.sip;

import gov.nist.javax.sip.stack.SIPStackTimerTask;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SIP stack's timer on a hashed wheel keeps the contract the stack relies on from its java.util.Timer: a task
 * runs once after its delay (never early), a periodic one every period until cancelled (also from its own run, as
 * the stack's transaction timers cancel themselves), a cancelled task is cleaned up and never runs again, a failing
 * task does not stop the others, and a stopped timer takes no task.
 */
class SipTimerWheelTest {
    private SipTimerWheel timer;

    @BeforeEach void start() {
        timer = new SipTimerWheel();
        timer.start(null, new java.util.Properties());
    }

    @AfterEach void stop() { timer.stop(); }

    /** A stack task that records when it ran (ms after it was made) and whether it was cleaned up. */
    private static final class Recorded extends SIPStackTimerTask {
        final long made = System.nanoTime();
        final List<Long> runs = new CopyOnWriteArrayList<>();
        final AtomicInteger cleanedUp = new AtomicInteger();
        final CountDownLatch ran;
        final Runnable body;

        Recorded(int expectedRuns, Runnable body) {
            this.ran = new CountDownLatch(expectedRuns);
            this.body = body;
        }

        @Override public void runTask() {
            runs.add((System.nanoTime() - made) / 1_000_000);
            body.run();
            ran.countDown();
        }

        @Override public void cleanUpBeforeCancel() { cleanedUp.incrementAndGet(); }

        @Override public Object getThreadHash() { return null; }
    }

    @Test void aOneShotTaskRunsOnceAfterItsDelayNeverEarly() throws Exception {
        Recorded t = new Recorded(1, () -> { });
        assertTrue(timer.schedule(t, 120));
        assertTrue(t.ran.await(2, TimeUnit.SECONDS));
        Thread.sleep(150);
        assertEquals(1, t.runs.size());
        long at = t.runs.get(0);
        assertTrue(at >= 120, "ran after " + at + " ms");
        assertTrue(at < 120 + 500, "ran after " + at + " ms"); // a tick late at most, plus a busy machine's lag
    }

    @Test void aPeriodicTaskRunsEveryPeriodUntilItCancelsItselfAsTheStacksTransactionTimersDo() throws Exception {
        AtomicInteger count = new AtomicInteger();
        Recorded[] self = new Recorded[1];
        self[0] = new Recorded(4, () -> {
            if (count.incrementAndGet() == 4) timer.cancel(self[0]); // a transaction that ended stops its ticks
        });
        timer.scheduleWithFixedDelay(self[0], 50, 50);
        assertTrue(self[0].ran.await(3, TimeUnit.SECONDS));
        Thread.sleep(300);
        assertEquals(4, self[0].runs.size(), "no run after the cancel: " + self[0].runs);
        assertEquals(1, self[0].cleanedUp.get());
        for (int i = 1; i < 4; i++) {
            long gap = self[0].runs.get(i) - self[0].runs.get(i - 1);
            assertTrue(gap >= 50, "runs " + self[0].runs + " less than a period apart");
        }
    }

    @Test void aTaskCancelledBeforeItsTimeNeverRunsAndIsCleanedUp() throws Exception {
        Recorded oneShot = new Recorded(1, () -> { });
        Recorded periodic = new Recorded(1, () -> { });
        timer.schedule(oneShot, 100);
        timer.scheduleWithFixedDelay(periodic, 100, 100);
        assertTrue(timer.cancel(oneShot));
        assertTrue(timer.cancel(periodic));
        assertFalse(timer.cancel(oneShot), "a second cancel has nothing to prevent");
        Recorded witness = new Recorded(1, () -> { });
        timer.schedule(witness, 300);
        assertTrue(witness.ran.await(2, TimeUnit.SECONDS));
        assertEquals(List.of(), oneShot.runs);
        assertEquals(List.of(), periodic.runs);
        assertEquals(1, oneShot.cleanedUp.get());
        assertEquals(1, periodic.cleanedUp.get());
    }

    @Test void aFailingTaskDoesNotStopTheOthers() throws Exception {
        Recorded failing = new Recorded(1, () -> { throw new IllegalStateException("a stack bug"); });
        Recorded after = new Recorded(1, () -> { });
        timer.schedule(failing, 20);
        timer.schedule(after, 80);
        assertTrue(after.ran.await(2, TimeUnit.SECONDS));
        assertEquals(1, failing.runs.size());
    }

    @Test void tasksRunInDeadlineOrderOnOneThread() throws Exception {
        List<Integer> order = new CopyOnWriteArrayList<>();
        List<Thread> threads = new CopyOnWriteArrayList<>();
        CountDownLatch all = new CountDownLatch(5);
        for (int i : new int[] {4, 1, 3, 0, 2}) {
            timer.schedule(new SIPStackTimerTask() {
                @Override public void runTask() {
                    order.add(i);
                    threads.add(Thread.currentThread());
                    all.countDown();
                }

                @Override public Object getThreadHash() { return null; }
            }, 40L + 60L * i);
        }
        assertTrue(all.await(3, TimeUnit.SECONDS));
        assertEquals(List.of(0, 1, 2, 3, 4), order);
        assertEquals(1, threads.stream().distinct().count());
        assertTrue(threads.get(0).getName().startsWith("holdfast-sip-timer"), threads.get(0).getName());
    }

    @Test void aStoppedTimerTakesNoTaskAndRunsNoneLeft() throws Exception {
        Recorded pending = new Recorded(1, () -> { });
        timer.schedule(pending, 100);
        assertTrue(timer.isStarted());
        timer.stop();
        assertFalse(timer.isStarted());
        assertThrows(IllegalStateException.class, () -> timer.schedule(new Recorded(1, () -> { }), 10));
        Thread.sleep(250);
        assertEquals(List.of(), pending.runs);
    }
}
