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

    /** Creates (or truncates) {@code file} and writes the header. */
    public static EventLog create(Path file, JsonNode provisioning, long seed) throws IOException {
        BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        w.write(EventCodec.header(provisioning, seed));
        w.newLine();
        w.flush();
        return new EventLog(w);
    }

    public void append(Event e) throws IOException {
        out.write(EventCodec.encode(++seq, e));
        out.newLine();
    }

    public void flush() throws IOException { out.flush(); }

    public long events() { return seq; }

    @Override public void close() throws IOException { out.close(); }
}
