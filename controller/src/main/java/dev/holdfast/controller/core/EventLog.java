package dev.holdfast.controller.core;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The append-only event log: a header (provisioning and seed), then one JSON line per event in the order the core
 * handled them. Everything needed to replay the run is in it.
 */
public final class EventLog implements AutoCloseable {
    private final BufferedWriter out;
    private long seq;

    private EventLog(BufferedWriter out) { this.out = out; }

    /**
     * Creates (or truncates) {@code file} and writes the header. The header is the provisioning as loaded, secrets
     * included (subscribers' passwords, the cookie keys), because a replay must verify the same cookies and answer
     * the same challenges: so the file is readable and writable by its owner only, like a key file.
     */
    public static EventLog create(Path file, JsonNode provisioning, long seed) throws IOException {
        ownerOnly(file);
        BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        w.write(EventCodec.header(provisioning, seed));
        w.newLine();
        w.flush();
        return new EventLog(w);
    }

    /** {@code file} created empty with permissions rw------- (or narrowed to them), where the file system has them. */
    static void ownerOnly(Path file) throws IOException {
        if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) return;
        var perms = java.nio.file.attribute.PosixFilePermissions.fromString("rw-------");
        if (Files.exists(file)) {
            Files.setPosixFilePermissions(file, perms);
        } else {
            Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(perms));
        }
    }

    public void append(Event e) throws IOException {
        out.write(EventCodec.encode(++seq, e));
        out.newLine();
    }

    public void flush() throws IOException { out.flush(); }

    public long events() { return seq; }

    @Override public void close() throws IOException { out.close(); }
}
