package dev.holdfast.controller.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The event log's header carries the provisioning, secrets included: only its owner may read the file. */
class EventLogTest {
    private static final String PROVISIONING = "{\"subscribers\":[{\"user\":\"alice\",\"password\":\"wonderland\"}]}";

    @Test
    void aNewLogIsReadableByItsOwnerOnly(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("core.events");
        try (EventLog log = EventLog.create(file, new ObjectMapper().readTree(PROVISIONING), 7)) {
            log.flush();
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(Files.readString(file).contains("wonderland"), "the header keeps what a replay needs");
    }

    @Test
    void anOldWorldReadableLogIsNarrowedBeforeTheHeaderIsWritten(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("core.events");
        Files.writeString(file, "an older run\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        try (EventLog log = EventLog.create(file, new ObjectMapper().readTree(PROVISIONING), 7)) {
            log.flush();
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(!Files.readString(file).contains("an older run"), "truncated");
    }
}
