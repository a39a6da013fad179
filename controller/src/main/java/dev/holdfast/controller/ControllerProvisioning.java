package dev.holdfast.controller;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.holdfast.controller.core.Event;
import dev.holdfast.controller.mgc.CoreRunner;
import dev.holdfast.controller.provisioning.ChangeOutcome;
import dev.holdfast.controller.provisioning.Provisioning;
import dev.holdfast.controller.provisioning.ProvisioningChange;
import dev.holdfast.controller.provisioning.ProvisioningChanges;
import dev.holdfast.controller.provisioning.ProvisioningJournal;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A running controller's {@link ProvisioningChanges}: each change is the admin event {@code provision <json>};
 * right after the core handled it (on the core thread, before the next event) an accepted change is appended to
 * the journal, if there is one, and the outcome is handed back; listeners hear of it on a thread of their own.
 */
final class ControllerProvisioning implements ProvisioningChanges, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ControllerProvisioning.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ControllerCore core;
    private final CoreRunner runner;
    private final ProvisioningJournal journal;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService notifier = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "holdfast-provisioning-listeners");
        t.setDaemon(true);
        return t;
    });

    /** @param journal where accepted changes are kept across restarts, or null */
    ControllerProvisioning(ControllerCore core, CoreRunner runner, ProvisioningJournal journal) {
        this.core = core;
        this.runner = runner;
        this.journal = journal;
    }

    @Override public void addListener(Listener l) { listeners.add(l); }

    @Override public void removeListener(Listener l) { listeners.remove(l); }

    @Override public CompletableFuture<ChangeOutcome> submit(ProvisioningChange change, String user) {
        return run(change, user, null);
    }

    @Override public CompletableFuture<ChangeOutcome> applyRemote(ProvisioningChange change, String user, String origin) {
        if (origin == null) throw new IllegalArgumentException("a remote change needs its origin");
        return run(change, user, origin).whenComplete((o, e) -> {
            if (o != null && !o.accepted()) {
                LOG.log(System.Logger.Level.INFO, () -> "change from " + origin + " not applied here: " + change.op() + " "
                        + change.target() + ": " + o);
            }
        });
    }

    @Override public CompletableFuture<Provisioning> current() {
        return runner.query(core::provisioning).orTimeout(5, TimeUnit.SECONDS);
    }

    private CompletableFuture<ChangeOutcome> run(ProvisioningChange change, String user, String origin) {
        CompletableFuture<ChangeOutcome> result = new CompletableFuture<>();
        String json;
        try {
            json = JSON.writeValueAsString(change.toJson());
        } catch (IOException e) {
            result.completeExceptionally(e);
            return result;
        }
        Event.Admin[] event = new Event.Admin[1];
        runner.submit(now -> event[0] = new Event.Admin(now, "provision", List.of(json)), () -> {
            if (event[0] == null) {
                result.completeExceptionally(new java.util.concurrent.RejectedExecutionException("controller stopped"));
                return;
            }
            ChangeOutcome o = core.lastProvisioningOutcome();
            if (o == null) {
                result.completeExceptionally(new IllegalStateException("the core failed on the change (see its log)"));
                return;
            }
            if (o.accepted()) {
                Accepted a = new Accepted(change, user, origin, Instant.ofEpochMilli(event[0].time()));
                if (journal != null) {
                    try {
                        journal.append(change, user, origin, a.time());
                    } catch (IOException e) {
                        // applied but not kept: say so loudly; the API answers 500 so the admin knows
                        LOG.log(System.Logger.Level.ERROR, "journal " + journal.file() + ": could not keep "
                                + change.op() + " " + change.target() + " (applied, lost on restart)", e);
                        result.completeExceptionally(e);
                        notifyListeners(a);
                        return;
                    }
                }
                notifyListeners(a);
            }
            result.complete(o);
        });
        return result.orTimeout(10, TimeUnit.SECONDS);
    }

    private void notifyListeners(Accepted a) {
        if (listeners.isEmpty()) return;
        try {
            notifier.execute(() -> notifyNow(a));
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            // the controller is stopping: nobody is left to tell
        }
    }

    private void notifyNow(Accepted a) {
        for (Listener l : listeners) {
            try {
                l.accepted(a);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "provisioning listener failed on " + a.change().target(), e);
            }
        }
    }

    @Override public void close() {
        notifier.shutdown();
        if (journal != null) journal.close();
    }
}
