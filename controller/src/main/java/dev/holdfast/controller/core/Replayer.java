package dev.holdfast.controller.core;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Feeds an event log into a fresh core and collects what it commands, as command-log lines. */
public final class Replayer {
    private Replayer() {}

    /**
     * @param coreFactory builds the core from the log's header
     * @return one line per command, in order (the bytes {@link EventCodec#encode(Command)} gives)
     */
    public static List<String> replay(Path log, Function<EventCodec.Header, Core> coreFactory) throws IOException {
        List<String> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
            String first = r.readLine();
            if (first == null) throw new IOException(log + " is empty");
            Core core = coreFactory.apply(EventCodec.decodeHeader(first));
            String line;
            int n = 1;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) continue;
                Event e;
                try {
                    e = EventCodec.decodeEvent(line);
                } catch (RuntimeException ex) {
                    throw new IOException(log + ":" + n + ": " + ex.getMessage(), ex);
                }
                for (Command c : core.handle(e)) out.add(EventCodec.encode(c));
            }
        }
        return out;
    }
}
