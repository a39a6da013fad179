package dev.holdfast.controller.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.holdfast.controller.cdr.CallRecord;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * CDRs not yet written to the cluster, oldest first: up to {@code memoryLimit} in memory, and every one of them also
 * appended to a spool file (one JSON line each) so that a restart does not lose them; past the memory limit, up to
 * as many again wait in the spool file only and are read back as the memory drains. Past both limits a CDR is
 * dropped (counted). The file is emptied once everything in it has been written. A restart re-reads the file: some of
 * its lines may have been written already, which is harmless because the cluster keys CDRs by id.
 *
 * <p>Single-threaded: only the cluster thread uses it.
 */
final class CdrOutbox {
    private static final System.Logger LOG = System.getLogger(CdrOutbox.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path spool;
    private final int memoryLimit;
    private final int spoolOnlyLimit;
    private final ArrayDeque<CallRecord> memory = new ArrayDeque<>();
    /** CDRs in the spool file behind those in memory. */
    private int spoolOnly;
    /** Lines of the spool file already written to the cluster (and gone from memory). */
    private long spoolWritten;
    /** Lines of the spool file read back into memory so far (spoolWritten + memory, while spoolOnly > 0). */
    private long spoolRead;
    private Writer writer;
    private boolean spoolBroken;

    /** @param spool the spool file, or null for memory only */
    CdrOutbox(Path spool, int memoryLimit) {
        this.spool = spool;
        this.memoryLimit = memoryLimit;
        this.spoolOnlyLimit = spool == null ? 0 : memoryLimit;
    }

    /** Reads what a previous run left in the spool file; returns how many CDRs it found. */
    int recover() {
        if (spool == null || !Files.exists(spool)) return 0;
        int n = 0;
        try (BufferedReader in = Files.newBufferedReader(spool, StandardCharsets.UTF_8)) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.isBlank()) continue;
                n++;
                if (memory.size() < memoryLimit) {
                    CallRecord r = parse(line);
                    if (r != null) memory.addLast(r);
                    spoolRead++;
                } else {
                    spoolOnly++;
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cluster: cannot read the CDR spool " + spool + ": " + e.getMessage());
        }
        return n;
    }

    /** Queues a CDR; false when it is dropped (memory and spool full). */
    boolean add(CallRecord r) {
        if (memory.size() < memoryLimit && spoolOnly == 0) {
            memory.addLast(r);
            spoolRead++;
            append(r);
            return true;
        }
        if (spoolOnly < spoolOnlyLimit && !spoolBroken) {
            if (!append(r)) return false;
            spoolOnly++;
            return true;
        }
        return false;
    }

    /** Up to {@code n} of the oldest CDRs, left queued until {@link #written}. */
    List<CallRecord> peek(int n) {
        if (memory.isEmpty() && spoolOnly > 0) refill();
        List<CallRecord> out = new ArrayList<>(Math.min(n, memory.size()));
        for (CallRecord r : memory) {
            if (out.size() == n) break;
            out.add(r);
        }
        return out;
    }

    /** The {@code n} oldest CDRs are in the cluster. */
    void written(int n) {
        for (int i = 0; i < n && !memory.isEmpty(); i++) memory.pollFirst();
        spoolWritten += n;
        if (memory.isEmpty() && spoolOnly == 0) truncate();
    }

    int size() { return memory.size() + spoolOnly; }

    boolean isEmpty() { return size() == 0; }

    private void refill() {
        try (BufferedReader in = Files.newBufferedReader(spool, StandardCharsets.UTF_8)) {
            long skip = spoolRead;
            for (String line; (line = in.readLine()) != null && memory.size() < memoryLimit && spoolOnly > 0; ) {
                if (line.isBlank()) continue;
                if (skip > 0) { skip--; continue; }
                CallRecord r = parse(line);
                if (r != null) memory.addLast(r);
                spoolRead++;
                spoolOnly--;
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cluster: cannot read the CDR spool " + spool + ": " + e.getMessage()
                    + "; " + spoolOnly + " CDRs in it are lost");
            spoolOnly = 0;
        }
    }

    private boolean append(CallRecord r) {
        if (spool == null || spoolBroken) return spool == null;
        try {
            if (writer == null) {
                if (spool.getParent() != null) Files.createDirectories(spool.getParent());
                writer = Files.newBufferedWriter(spool, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            }
            writer.write(JSON.writeValueAsString(r));
            writer.write('\n');
            writer.flush();
            return true;
        } catch (IOException e) {
            spoolBroken = true;
            LOG.log(System.Logger.Level.WARNING, "cluster: cannot write the CDR spool " + spool + ": " + e.getMessage()
                    + "; queued CDRs are in memory only from now on");
            return false;
        }
    }

    private void truncate() {
        spoolWritten = 0;
        spoolRead = 0;
        if (spool == null || spoolBroken) return;
        try {
            if (writer != null) writer.close();
            writer = null;
            Files.deleteIfExists(spool);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cluster: cannot empty the CDR spool " + spool + ": " + e.getMessage());
        }
    }

    void close() {
        try {
            if (writer != null) writer.close();
        } catch (IOException ignored) {
            // the lines were flushed as written
        }
    }

    private static CallRecord parse(String line) {
        try {
            return CallRecord.fromJson(JSON.readTree(line));
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cluster: a line of the CDR spool is not a CDR: skipped");
            return null;
        }
    }
}
