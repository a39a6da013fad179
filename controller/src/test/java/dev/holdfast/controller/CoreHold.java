package dev.holdfast.controller;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Holds a running controller's core thread (a query that sleeps on it), for tests of what the edges do meanwhile. */
public final class CoreHold {
    private CoreHold() { }

    /**
     * Holds the core thread for {@code millis}; returns once the hold has begun, with a future done when it ends. The
     * future is completed on the core thread itself, before the core takes its next event: whatever the core answers
     * after the hold (and the test then receives) comes after it is done, however late the test's threads run.
     */
    public static CompletableFuture<Void> hold(Controller c, long millis) throws InterruptedException {
        CountDownLatch begun = new CountDownLatch(1);
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture.runAsync(() -> {
            try {
                c.inspect(core -> {
                    begun.countDown();
                    try {
                        Thread.sleep(millis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    done.complete(null);
                    return null;
                });
            } catch (Exception e) {
                done.completeExceptionally(e);
            }
        });
        if (!begun.await(10, TimeUnit.SECONDS)) throw new AssertionError("the core thread did not take the hold");
        return done;
    }
}
