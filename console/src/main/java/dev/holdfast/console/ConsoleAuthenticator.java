package dev.holdfast.console;

import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.server.auth.password.PasswordAuthenticator;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;

import java.security.PublicKey;
import java.util.List;

/**
 * Who may log in to the console. Passwords are the admin API's: the console logs in to the controllers with the SSH
 * user and password and keeps the tokens in the SSH session. Public keys are the console's own
 * ({@link AuthorizedKeys}); such a session uses the API through the configured service account.
 */
final class ConsoleAuthenticator implements PasswordAuthenticator, PublickeyAuthenticator {
    private static final System.Logger LOG = System.getLogger(ConsoleAuthenticator.class.getName());
    static final AttributeRepository.AttributeKey<ConsoleSession> SESSION = new AttributeRepository.AttributeKey<>();

    private final List<AdminApiClient> controllers;
    private final AuthorizedKeys keys;
    private final ConsoleConfig.ServiceAccount service;
    private final PasswordLogin passwords;
    private final ClusterView cluster;

    ConsoleAuthenticator(List<AdminApiClient> controllers, AuthorizedKeys keys, ConsoleConfig.ServiceAccount service,
                         LoginThrottle throttle, ClusterView cluster) {
        this.cluster = cluster;
        this.controllers = controllers;
        this.keys = keys;
        this.service = service;
        this.passwords = new PasswordLogin(controllers, throttle);
    }

    @Override public boolean authenticate(String user, String password, ServerSession ssh) {
        java.net.InetAddress from = ssh.getClientAddress() instanceof java.net.InetSocketAddress a ? a.getAddress() : null;
        PasswordLogin.Result r = passwords.check(user, password, from, "ssh");
        if (r.outcome() != PasswordLogin.Outcome.OK) return false;
        replace(ssh, r.session());
        return true;
    }

    @Override public boolean authenticate(String user, PublicKey key, ServerSession ssh) {
        if (keys == null || service == null) return false;
        AuthorizedKeys.Entry e = keys.find(user, key);
        if (e == null) {
            LOG.log(System.Logger.Level.INFO, "console: public key of " + user + " from " + ssh.getClientAddress() + " not authorized");
            return false;
        }
        LOG.log(System.Logger.Level.INFO, "console: " + user + " logged in with a public key from " + ssh.getClientAddress()
                + " (role " + e.role().apiName() + ", API through service account " + service.user() + ")");
        replace(ssh, ConsoleSession.withKey(user, e.role(), service, controllers));
        return true;
    }

    private void replace(ServerSession ssh, ConsoleSession s) {
        s.cluster(cluster);
        ConsoleSession old = ssh.setAttribute(SESSION, s);
        if (old != null) old.close();
    }
}
