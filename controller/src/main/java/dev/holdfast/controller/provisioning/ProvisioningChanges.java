package dev.holdfast.controller.provisioning;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * Live provisioning of one controller: changes go to its core as admin events (logged and replayed like any
 * event), are checked there with the rules of a provisioning file, and once accepted are journalled and told to
 * the listeners. The admin API {@link #submit submits} the changes its users make; a cluster directory listens for
 * them ({@link Listener}, origin null) to publish them, and hands in those made on other controllers with
 * {@link #applyRemote} (they are journalled and told to listeners with their origin, so they are not published
 * again).
 */
public interface ProvisioningChanges {
    /**
     * A change the core accepted.
     *
     * @param user   who made it (the admin user name)
     * @param origin null when made on this controller; else where it came from (e.g. the other controller's name)
     */
    record Accepted(ProvisioningChange change, String user, String origin, Instant time) {}

    /** Told of each accepted change, in the order the core applied them, on a thread of its own (not the core's). */
    interface Listener {
        void accepted(Accepted change);
    }

    void addListener(Listener l);

    void removeListener(Listener l);

    /** A change made on this controller by {@code user}; completes with its outcome once it is journalled. */
    CompletableFuture<ChangeOutcome> submit(ProvisioningChange change, String user);

    /**
     * A change accepted on another controller ({@code origin}): the same admin event. One that does not apply here
     * (already applied, say) completes with the refusal and is logged, nothing else.
     */
    CompletableFuture<ChangeOutcome> applyRemote(ProvisioningChange change, String user, String origin);

    /** The provisioning as it is now (the file, the journal and every change since start). */
    CompletableFuture<Provisioning> current();
}
