package dev.holdfast.console;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;

/**
 * A password login through the console (SSH or web): the user and password are an admin API user's. The console
 * throttles the client's address itself, then logs in to the first controller that answers; its answer decides and
 * gives the role. A refused password is not tried at the other controllers, so their throttles count it once.
 */
public final class PasswordLogin {
    private static final System.Logger LOG = System.getLogger(PasswordLogin.class.getName());

    /** What came of it: a session (logged in at one controller at least), or why not. */
    public enum Outcome { OK, WRONG, THROTTLED, UNCHECKED }

    public record Result(Outcome outcome, ConsoleSession session) {}

    private final List<AdminApiClient> controllers;
    private final LoginThrottle throttle;

    public PasswordLogin(List<AdminApiClient> controllers, LoginThrottle throttle) {
        this.controllers = controllers;
        this.throttle = throttle;
    }

    /** Checks the password; {@code from} (may be null) is the client's address, {@code via} says how it came (for logs). */
    public Result check(String user, String password, InetAddress from, String via) {
        if (from != null && throttle.throttled(from, System.nanoTime())) {
            LOG.log(System.Logger.Level.WARNING, "console: " + via + " password login of " + user + " from " + from
                    + " refused unchecked: too many failed logins from there");
            return new Result(Outcome.THROTTLED, null);
        }
        ConsoleSession s = ConsoleSession.withPassword(user, password, controllers);
        boolean refused = false;
        for (AdminApiClient c : controllers) {
            try {
                if (s.login(c.name())) {
                    LOG.log(System.Logger.Level.INFO, "console: " + user + " logged in (" + via + ") with a password from "
                            + from + " (checked at controller " + c.name() + ", role " + s.role(c.name()).apiName() + ")");
                    return new Result(Outcome.OK, s);
                }
                refused = true;
                if (from != null) throttle.failed(from, System.nanoTime());
                break; // the API said no: do not ask the others (their throttles would count it too)
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "console: cannot check " + user + "'s password at " + c.name() + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        LOG.log(System.Logger.Level.WARNING, "console: " + via + " password login of " + user + " from " + from
                + (refused ? " refused (wrong user or password)" : " failed: no controller could check it"));
        s.close();
        return new Result(refused ? Outcome.WRONG : Outcome.UNCHECKED, null);
    }
}
