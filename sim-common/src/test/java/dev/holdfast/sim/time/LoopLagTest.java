package dev.holdfast.sim.time;

import io.netty.channel.DefaultEventLoop;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A stall of the event loop shows as lateness of the 10 ms timer and is counted; a mark starts the "since" figure afresh. */
class LoopLagTest {
    @Test void aBlockedLoopIsSeenLate() throws Exception {
        DefaultEventLoop loop = new DefaultEventLoop();
        try {
            java.util.List<Long> seen = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            LoopLag lag = new LoopLag(new EventLoopSimScheduler(loop), "test loop", java.time.Duration.ofMillis(400))
                    .observe(seen::add);
            Thread.sleep(100);
            lag.mark();
            loop.execute(() -> {
                try {
                    Thread.sleep(600);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Thread.sleep(800);
            // a 600 ms stall, told from the lateness a loaded machine adds by itself (a few hundred ms at load 30)
            assertTrue(lag.maxLateMillis() >= 550, "a 600 ms stall: " + lag.maxLateMillis());
            lag.mark();
            Thread.sleep(100);
            assertTrue(lag.maxLateMillis() < 550, "after the mark: " + lag.maxLateMillis());
            assertTrue(lag.maxLateEverMillis() >= 550, "the largest since the start stays: " + lag.maxLateEverMillis());
            assertTrue(lag.stalls() >= 1, "the stall is counted: " + lag.stalls());
            assertTrue(seen.size() >= 10, "every tick's lateness is handed on: " + seen.size());
            assertTrue(seen.stream().mapToLong(Long::longValue).max().orElse(0) >= 550_000_000L, "the stall among them");
            lag.stop();
        } finally {
            loop.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
        }
    }
}
