package dev.holdfast.console;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Follows the admin API's live event stream (server-sent events) of every controller until the admin stops it,
 * one line per event: {@code 07:05:10.001 call-state call 1 RINGING (was SETUP) setup 4 ms}.
 */
final class EventFollower {
    private final ConsoleSession session;
    private final PrintWriter out;
    private final PrintWriter err;

    EventFollower(ConsoleSession session, PrintWriter out, PrintWriter err) {
        this.session = session;
        this.out = out;
        this.err = err;
    }

    int follow(StopSignal stop) throws InterruptedException {
        List<InputStream> streams = new ArrayList<>();
        List<String> names = new ArrayList<>();
        boolean failed = false;
        for (String c : session.controllerNames()) {
            try {
                InputStream in = open(c);
                if (in == null) {
                    failed = true;
                    continue;
                }
                streams.add(in);
                names.add(c);
            } catch (IOException e) {
                err.println("error: " + e.getMessage());
                failed = true;
            }
        }
        err.flush();
        if (streams.isEmpty()) return 1;
        out.println("following events of " + String.join(", ", names) + " (Ctrl-C stops)");
        out.flush();
        AtomicInteger running = new AtomicInteger(streams.size());
        List<Thread> readers = new ArrayList<>();
        boolean prefix = session.controllerNames().size() > 1;
        for (int i = 0; i < streams.size(); i++) {
            InputStream in = streams.get(i);
            String c = names.get(i);
            Thread t = new Thread(() -> {
                try {
                    read(c, in, prefix);
                } finally {
                    running.decrementAndGet();
                }
            }, "console-events-" + c);
            t.setDaemon(true);
            t.start();
            readers.add(t);
        }
        try {
            while (!stop.awaitStop(200)) {
                if (running.get() == 0) {
                    synchronized (out) {
                        out.println("(the event streams ended)");
                        out.flush();
                    }
                    return 1;
                }
            }
        } finally {
            for (InputStream in : streams) {
                try {
                    in.close();
                } catch (IOException e) {
                    // closing is all we want
                }
            }
            for (Thread t : readers) t.interrupt();
        }
        synchronized (out) {
            out.println("(stopped)");
            out.flush();
        }
        return failed ? 1 : 0;
    }

    private InputStream open(String c) throws IOException, InterruptedException {
        for (int attempt = 0; attempt < 2; attempt++) {
            Object r = session.api(c).openEvents(session.token(c));
            if (r instanceof InputStream in) return in;
            AdminApiClient.Reply reply = (AdminApiClient.Reply) r;
            if (reply.status() == 401 && attempt == 0 && session.login(c)) continue;
            err.println("error: controller " + c + ": " + TextTable.clean(reply.error()));
            return null;
        }
        return null;
    }

    private void read(String controller, InputStream in, boolean prefix) {
        StringBuilder data = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data.length() > 0) print(controller, data.toString(), prefix);
                    data.setLength(0);
                } else if (line.startsWith("data:")) {
                    if (data.length() > 0) data.append('\n');
                    data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
                }
                // "event:", "id:", "retry:" and ": comments" say nothing the data does not
            }
        } catch (IOException e) {
            // closed when the admin stopped, or the controller went away: the loop in follow() notices
        }
    }

    private void print(String controller, String json, boolean prefix) {
        String line;
        try {
            line = describe(AdminApiClient.JSON.readTree(json));
        } catch (IOException e) {
            line = "(not JSON) " + json;
        }
        synchronized (out) {
            out.println(TextTable.clean((prefix ? controller + " " : "") + line));
            out.flush();
        }
    }

    /** One event as a line: its time of day, its kind, then what it says (call structures summed up by their parties). */
    static String describe(JsonNode e) {
        String time = e.path("time").asText("");
        int t = time.indexOf('T');
        String clock = t >= 0 ? time.substring(t + 1).replace("Z", "") : time;
        StringBuilder b = new StringBuilder(clock).append(' ').append(e.path("kind").asText("?"));
        if (e.has("callId")) b.append(" call ").append(e.get("callId").asText());
        if (e.has("phoneCallId")) b.append(" phone-call ").append(e.get("phoneCallId").asText());
        if (e.has("state")) b.append(' ').append(e.get("state").asText());
        if (e.has("previousState")) b.append(" (was ").append(e.get("previousState").asText()).append(')');
        JsonNode call = e.get("call");
        if (call != null && call.has("parties")) b.append(" parties ").append(CallDrawing.join(call.get("parties")));
        for (Map.Entry<String, JsonNode> f : e.properties()) {
            String k = f.getKey();
            if (k.equals("kind") || k.equals("time") || k.equals("callId") || k.equals("phoneCallId") || k.equals("state")
                    || k.equals("previousState") || k.equals("call") || !f.getValue().isValueNode()) continue;
            b.append(' ').append(k).append('=').append(f.getValue().asText());
        }
        return b.toString();
    }
}
