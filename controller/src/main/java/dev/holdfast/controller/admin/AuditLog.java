package dev.holdfast.controller.admin;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every change made through the admin API, and every login and logout, one JSON line each appended to a file and
 * logged: time, user, role, action, target, result, source address. Written and flushed before the client is
 * answered.
 */
final class AuditLog implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AuditLog.class.getName());
    private final Path file;
    private final Writer out;

    AuditLog(Path file) throws IOException {
        this.file = file;
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) Files.createDirectories(dir);
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    Path file() { return file; }

    /** @param role null for a login that failed (no role is known) */
    synchronized void record(String user, Role role, String action, String target, String result, String source) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("time", Instant.now().toString());
        e.put("user", user);
        e.put("role", role == null ? null : role.text());
        e.put("action", action);
        e.put("target", target);
        e.put("result", result);
        e.put("source", source);
        String line;
        try {
            line = AdminJson.MAPPER.writeValueAsString(e);
        } catch (IOException x) {
            throw new IllegalStateException(x);
        }
        LOG.log(System.Logger.Level.INFO, "audit: " + line);
        try {
            out.write(line);
            out.write('\n');
            out.flush();
        } catch (IOException x) {
            LOG.log(System.Logger.Level.ERROR, "audit log " + file + " write failed: " + line, x);
        }
    }

    @Override public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, "audit log " + file + " close failed", e);
        }
    }
}
