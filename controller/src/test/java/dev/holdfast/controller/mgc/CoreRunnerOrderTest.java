package dev.holdfast.controller.mgc;

import dev.holdfast.controller.core.Core;
import dev.holdfast.controller.core.Event;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runner's order: events in arrival order, except registrations, which go ahead of the events already queued
 * (and keep their own order). The core here only records what it was given: the runner is what is under test.
 */
class CoreRunnerOrderTest {

    @Test
    void registrationsGoAheadOfQueuedEventsAndKeepTheirOwnOrder() throws Exception {
        List<String> handled = new ArrayList<>();
        Core recorder = e -> {
            handled.add(((Event.Admin) e).verb());
            return List.of();
        };
        try (CoreRunner runner = new CoreRunner(recorder, Clock.systemUTC(), null, null)) {
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            runner.query(() -> {
                held.countDown();
                release.await(10, TimeUnit.SECONDS);
                return null;
            });
            assertTrue(held.await(10, TimeUnit.SECONDS));
            for (String v : List.of("notify-1", "reply-2", "reply-3")) runner.submit(now -> new Event.Admin(now, v, List.of()));
            runner.submitRegistration(now -> new Event.Admin(now, "register-a", List.of()));
            runner.submit(now -> new Event.Admin(now, "reply-4", List.of()));
            runner.submitRegistration(now -> new Event.Admin(now, "register-b", List.of()));
            release.countDown();
            runner.inspect(() -> null); // after everything queued before it
            assertEquals(List.of("register-a", "register-b", "notify-1", "reply-2", "reply-3", "reply-4"), handled);
        }
    }
}
