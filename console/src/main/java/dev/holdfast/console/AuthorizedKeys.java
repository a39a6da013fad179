package dev.holdfast.console;

import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The console's authorized keys: an OpenSSH {@code authorized_keys} file whose every line names, in its options,
 * the admin user the key belongs to and that user's role:
 *
 * <pre>user="noc",role="viewer" ecdsa-sha2-nistp256 AAAAE2VjZHNh... noc@desk</pre>
 *
 * A key lets in only the user its line names. The file is read at every public-key login, so an edit takes effect
 * without a restart; a line without a known role or user is skipped with a WARNING.
 */
final class AuthorizedKeys {
    private static final System.Logger LOG = System.getLogger(AuthorizedKeys.class.getName());

    /** One key: whose it is and the role it grants. */
    record Entry(String user, Role role, PublicKey key) {}

    private final Path file;

    AuthorizedKeys(Path file) { this.file = file; }

    /** The entry for this user and key, or null. */
    Entry find(String user, PublicKey key) {
        for (Entry e : read()) {
            if (e.user().equals(user) && KeyUtils.compareKeys(e.key(), key)) return e;
        }
        return null;
    }

    List<Entry> read() {
        List<AuthorizedKeyEntry> lines;
        try {
            if (!Files.exists(file)) {
                LOG.log(System.Logger.Level.WARNING, "authorized keys file " + file + " does not exist: no public-key logins");
                return List.of();
            }
            lines = AuthorizedKeyEntry.readAuthorizedKeys(file);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "authorized keys file " + file + " unreadable: " + e);
            return List.of();
        }
        List<Entry> entries = new ArrayList<>();
        for (AuthorizedKeyEntry a : lines) {
            Map<String, String> options = a.getLoginOptions();
            String user = unquote(options.get("user"));
            Role role = Role.ofApiName(unquote(options.get("role")));
            if (user == null || user.isBlank() || role == null) {
                LOG.log(System.Logger.Level.WARNING, file + ": key " + a.getComment() + " skipped: it needs user=\"NAME\" and role=\"viewer|operator|admin\"");
                continue;
            }
            try {
                PublicKey k = a.resolvePublicKey(null, PublicKeyEntryResolver.IGNORING);
                if (k == null) {
                    LOG.log(System.Logger.Level.WARNING, file + ": key of " + user + " skipped: key type " + a.getKeyType() + " not supported");
                    continue;
                }
                entries.add(new Entry(user, role, k));
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, file + ": key of " + user + " skipped: " + e);
            }
        }
        return entries;
    }

    private static String unquote(String v) {
        if (v == null) return null;
        String s = v.strip();
        if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) s = s.substring(1, s.length() - 1);
        return s;
    }
}
