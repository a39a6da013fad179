package dev.holdfast.sim.load;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a load step cost this JVM in memory: bytes allocated (by every live thread; a load generator's event loops
 * live through the run) and the collector's pauses (how many, their sum, the longest). Counted figures: unlike
 * latency, other work on a shared machine does not change them, so they compare runs made at different load
 * averages. A pause stops every event loop, so the longest one is a floor under the loops' lateness.
 */
public final class JvmStepStats {
    private final com.sun.management.ThreadMXBean threads;
    private final List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
    private final AtomicLong pauses = new AtomicLong();
    private final AtomicLong pauseMillis = new AtomicLong();
    private final AtomicLong longestMillis = new AtomicLong();
    private final List<Runnable> unsubscribe = new ArrayList<>();

    private long allocatedAtMark;
    private long pausesAtMark;
    private long pauseMillisAtMark;

    /** One step's figures. */
    public record Step(long allocatedBytes, long pauses, long pauseMillis, long longestPauseMillis) {
        /** As JSON members with {@code prefix}, each followed by a comma; per call over {@code completed} calls. */
        public String json(String prefix, long completed) {
            return String.format(Locale.ROOT, "\"%s_alloc_kb_per_call\":%.1f,\"%s_gc_pauses\":%d,\"%s_gc_pause_ms\":%d,"
                            + "\"%s_gc_pause_max_ms\":%d,", prefix, completed > 0 ? allocatedBytes / 1024.0 / completed : 0.0,
                    prefix, pauses, prefix, pauseMillis, prefix, longestPauseMillis);
        }
    }

    public JvmStepStats() {
        this.threads = ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                && t.isThreadAllocatedMemorySupported() ? t : null;
        if (threads != null && !threads.isThreadAllocatedMemoryEnabled()) threads.setThreadAllocatedMemoryEnabled(true);
        // a notification per collection gives each pause's length (the beans give only sums)
        for (GarbageCollectorMXBean gc : collectors) {
            if (!(gc instanceof NotificationEmitter emitter)) continue;
            javax.management.NotificationListener l = (n, handback) -> {
                if (!com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) return;
                var info = com.sun.management.GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                // concurrent collectors report their concurrent cycles here too: only stop-the-world pauses count
                if (info.getGcName().contains("Cycles")) return;
                long ms = info.getGcInfo().getDuration();
                pauses.incrementAndGet();
                pauseMillis.addAndGet(ms);
                longestMillis.accumulateAndGet(ms, Math::max);
            };
            emitter.addNotificationListener(l, null, null);
            unsubscribe.add(() -> {
                try {
                    emitter.removeNotificationListener(l);
                } catch (javax.management.ListenerNotFoundException ignored) {
                    // already gone
                }
            });
        }
        mark();
    }

    /** The start of a step. */
    public void mark() {
        allocatedAtMark = allocatedNow();
        pausesAtMark = pauses.get();
        pauseMillisAtMark = pauseMillis.get();
        longestMillis.set(0);
    }

    /** The step since {@link #mark}. */
    public Step step() {
        return new Step(Math.max(0, allocatedNow() - allocatedAtMark), pauses.get() - pausesAtMark,
                pauseMillis.get() - pauseMillisAtMark, longestMillis.get());
    }

    /** Bytes allocated so far by the threads alive now (-1 per thread where the JVM does not tell is left out). */
    private long allocatedNow() {
        if (threads == null) return 0;
        long[] ids = threads.getAllThreadIds();
        long sum = 0;
        for (long b : threads.getThreadAllocatedBytes(ids)) if (b > 0) sum += b;
        return sum;
    }

    public void close() { unsubscribe.forEach(Runnable::run); }
}
