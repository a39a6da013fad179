package dev.holdfast.controller.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * The changes made to a provisioning file's content while controllers ran, so that a restart keeps them: one JSON
 * line per accepted change in {@code <file>.changes.jsonl} next to the file ({@code {"time","user","origin",
 * "change"}}), appended and synced to disk before the admin API answers. At start the controller applies the
 * journal after the file ({@link #replay}); a line that no longer applies (the file was edited since) is skipped
 * with a warning. To fold the changes into the file: edit the file, then delete the journal.
 */
public final class ProvisioningJournal implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ProvisioningJournal.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private FileOutputStream out;

    private ProvisioningJournal(Path file) { this.file = file; }

    /** The journal of a provisioning file: {@code <file>.changes.jsonl} in the same directory. */
    public static ProvisioningJournal of(Path provisioningFile) {
        return new ProvisioningJournal(provisioningFile.resolveSibling(provisioningFile.getFileName() + ".changes.jsonl"));
    }

    public Path file() { return file; }

    /** {@code p} with every journalled change that still applies, in order. */
    public Provisioning replay(Provisioning p) throws IOException {
        if (!Files.exists(file)) return p;
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        int applied = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) continue;
            int n = i + 1;
            ProvisioningChange change;
            try {
                change = ProvisioningChange.fromJson(JSON.readTree(line).get("change"));
            } catch (IOException | IllegalArgumentException e) {
                // a line cut short by a crash while it was written is the usual cause: the rest is still good
                LOG.log(System.Logger.Level.WARNING, () -> file + ":" + n + ": not a change, skipped: " + e.getMessage());
                continue;
            }
            ChangeOutcome o = ProvisioningEdits.apply(p, change);
            if (!o.accepted()) {
                LOG.log(System.Logger.Level.WARNING, () -> file + ":" + n + ": " + change.op() + " " + change.target()
                        + " no longer applies, skipped: " + o);
                continue;
            }
            p = o.result();
            applied++;
        }
        int count = applied;
        LOG.log(System.Logger.Level.INFO, () -> file + ": " + count + " provisioning changes applied after the file");
        return p;
    }

    /** Appends one accepted change and syncs it to disk. */
    public synchronized void append(ProvisioningChange change, String user, String origin, Instant time) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("time", time.toString());
        n.put("user", user);
        n.put("origin", origin);
        n.set("change", change.toJson());
        if (out == null) {
            boolean torn = endsTorn();
            out = new FileOutputStream(file.toFile(), true);
            // a line cut short by a crash stays a line of its own (skipped at start), not the head of this one
            if (torn) out.write('\n');
        }
        out.write((JSON.writeValueAsString(n) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        out.getFD().sync();
    }

    private boolean endsTorn() throws IOException {
        if (!Files.exists(file) || Files.size(file) == 0) return false;
        try (var raf = new java.io.RandomAccessFile(file.toFile(), "r")) {
            raf.seek(raf.length() - 1);
            return raf.read() != '\n';
        }
    }

    @Override public synchronized void close() {
        if (out == null) return;
        try {
            out.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "journal " + file + " close failed", e);
        }
        out = null;
    }

    /** Reads one journal line's change (tools and tests). */
    public static ProvisioningChange changeOf(JsonNode line) { return ProvisioningChange.fromJson(line.get("change")); }
}
