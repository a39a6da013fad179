package dev.holdfast.sim.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Two load generators that call each other's parties start placing calls together: each, once its own side is
 * registered, creates its ready file and waits for the other's (a call placed before the other side is registered
 * would fail for a reason that is not the controller's).
 */
public final class StartBarrier {
    private StartBarrier() {}

    /**
     * Creates {@code readyFile} (when given) and waits up to {@code limit} for {@code awaitFile} (when given).
     *
     * @throws IllegalStateException when the other side does not arrive in time
     */
    public static void arriveAndAwait(String readyFile, String awaitFile, Duration limit)
            throws IOException, InterruptedException {
        if (readyFile != null) Files.writeString(Path.of(readyFile), "ready\n");
        if (awaitFile == null) return;
        long end = System.nanoTime() + limit.toNanos();
        while (!Files.exists(Path.of(awaitFile))) {
            if (System.nanoTime() > end) throw new IllegalStateException("waited " + limit.toSeconds() + " s for " + awaitFile);
            Thread.sleep(10);
        }
    }
}
