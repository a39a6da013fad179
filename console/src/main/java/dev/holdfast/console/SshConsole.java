package dev.holdfast.console;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.password.UserAuthPasswordFactory;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/** The console's SSH server (Apache MINA SSHD): the shell, exec, and password and public-key logins. */
public final class SshConsole implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SshConsole.class.getName());

    private final SshServer sshd;

    private final ClusterView cluster;

    private SshConsole(SshServer sshd, ClusterView cluster) {
        this.sshd = sshd;
        this.cluster = cluster;
    }

    public static SshConsole start(ConsoleConfig config) throws IOException {
        List<AdminApiClient> controllers = config.controllers().stream().map(AdminApiClient::new).toList();
        SshServer sshd = SshServer.setUpDefaultServer();
        sshd.setHost(config.address());
        sshd.setPort(config.port());
        sshd.setKeyPairProvider(hostKey(config.hostKey()));
        AuthorizedKeys keys = config.authorizedKeys() == null ? null : new AuthorizedKeys(config.authorizedKeys());
        ClusterView cluster = config.cluster() == null ? null : ClusterView.start(config.cluster());
        ConsoleAuthenticator auth = new ConsoleAuthenticator(controllers, keys, config.serviceAccount(),
                new LoginThrottle(config.loginFailureLimit(), config.loginFailureWindowSeconds()), cluster);
        sshd.setPasswordAuthenticator(auth);
        sshd.setPublickeyAuthenticator(keys == null ? null : auth);
        // keyboard-interactive would only ask for the same password again: offer public key and password only
        sshd.setUserAuthFactories(keys == null ? List.of(UserAuthPasswordFactory.INSTANCE)
                : List.of(UserAuthPublicKeyFactory.INSTANCE, UserAuthPasswordFactory.INSTANCE));
        sshd.setShellFactory(channel -> new ConsoleShell());
        sshd.setCommandFactory((channel, command) -> new ConsoleExec(command));
        CoreModuleProperties.IDLE_TIMEOUT.set(sshd, Duration.ofSeconds(config.idleTimeoutSeconds()));
        CoreModuleProperties.MAX_AUTH_REQUESTS.set(sshd, 6);
        CoreModuleProperties.AUTH_TIMEOUT.set(sshd, Duration.ofSeconds(60));
        sshd.addSessionListener(new SessionListener() {
            @Override public void sessionClosed(Session session) {
                ConsoleSession s = session.getAttribute(ConsoleAuthenticator.SESSION);
                if (s != null) {
                    // logging out is HTTP: not on the SSH I/O thread
                    Thread t = new Thread(s::close, "console-logout");
                    t.setDaemon(true);
                    t.start();
                }
            }
        });
        try {
            sshd.start();
        } catch (IOException | RuntimeException e) {
            if (cluster != null) cluster.close();
            throw e;
        }
        SshConsole c = new SshConsole(sshd, cluster);
        LOG.log(System.Logger.Level.INFO, "console: SSH on " + c.address() + ", controllers "
                + config.controllers().stream().map(r -> r.name() + " " + r.url()).toList());
        return c;
    }

    /** The host key: generated on first start (ECDSA P-256), kept in the file (owner-only) and reused after. */
    static SimpleGeneratorHostKeyProvider hostKey(Path file) throws IOException {
        boolean existed = Files.exists(file);
        if (!existed && file.toAbsolutePath().getParent() != null) Files.createDirectories(file.toAbsolutePath().getParent());
        SimpleGeneratorHostKeyProvider p = new SimpleGeneratorHostKeyProvider(file);
        p.setAlgorithm(KeyUtils.EC_ALGORITHM);
        p.setKeySize(256);
        p.loadKeys(null); // generates and writes it now, not at the first connection
        if (!existed) {
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: leave it
            }
            LOG.log(System.Logger.Level.INFO, "console: generated host key " + file);
        }
        return p;
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(sshd.getHost(), sshd.getPort());
    }

    public int port() { return sshd.getPort(); }

    @Override public void close() {
        if (cluster != null) cluster.close();
        try {
            sshd.stop(true);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "console: stopping SSH: " + e);
        }
    }
}
