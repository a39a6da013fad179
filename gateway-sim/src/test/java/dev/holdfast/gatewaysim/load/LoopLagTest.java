package dev.holdfast.gatewaysim.load;

import dev.holdfast.sim.time.EventLoopSimScheduler;
import io.netty.channel.DefaultEventLoop;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A stall of the event loop shows as lateness of the 10 ms timer; a mark starts counting afresh. */
class LoopLagTest {
    @Test void aBlockedLoopIsSeenLate() throws Exception {
        DefaultEventLoop loop = new DefaultEventLoop();
        try {
            LoopLag lag = new LoopLag(new EventLoopSimScheduler(loop));
            Thread.sleep(100);
            lag.mark();
            loop.execute(() -> {
                try {
                    Thread.sleep(150);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Thread.sleep(300);
            assertTrue(lag.maxLateMillis() >= 100, "a 150 ms stall: " + lag.maxLateMillis());
            assertTrue(lag.lateness().snapshot().percentileMillis(100) >= 100, "the stall in the histogram too");
            assertTrue(lag.lateness().snapshot().count() >= 10, "every tick is recorded");
            lag.mark();
            Thread.sleep(100);
            assertTrue(lag.maxLateMillis() < 100, "after the mark: " + lag.maxLateMillis());
            lag.stop();
        } finally {
            loop.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
        }
    }
}
