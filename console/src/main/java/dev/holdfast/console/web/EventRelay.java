package dev.holdfast.console.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.console.AdminApiClient;
import dev.holdfast.console.ConsoleSession;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Relays the controllers' live event streams (server-sent events, {@code /api/events}) to a browser as one stream
 * of its own ({@code GET /live/events}), opened with the web session's tokens: each event's JSON is wrapped as
 * {@code {"controller": NAME, "event": {...}}}. A controller's stream that ends (the controller died, as in a drill)
 * becomes a {@code controller-down} event and is opened again every two seconds while the browser listens (then
 * {@code controller-up}). A comment every 10 s finds browsers that went away; the stream ends with the session.
 */
final class EventRelay implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EventRelay.class.getName());
    static final int MAX_STREAMS = 32;
    static final long RETRY_MS = 2000, HEARTBEAT_MS = 10_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AtomicInteger open = new AtomicInteger();
    private final WebSessions sessions;

    EventRelay(WebSessions sessions) { this.sessions = sessions; }

    private final Set<Runnable> closers = ConcurrentHashMap.newKeySet();

    void relay(WebExchange x) throws IOException {
        if (open.incrementAndGet() > MAX_STREAMS) {
            open.decrementAndGet();
            x.send(503, "text/plain; charset=utf-8", "too many live streams".getBytes(StandardCharsets.UTF_8));
            return;
        }
        try {
            OutputStream out = x.stream("text/event-stream; charset=utf-8");
            new Stream(x.session, out).run();
            try {
                out.close();
            } catch (IOException e) {
                // the browser went away first (it left the page): nothing to finish
            }
        } finally {
            open.decrementAndGet();
            x.http.close();
        }
    }

    /** One browser's stream: a reader thread per controller, the writes serialized, the request's thread watching. */
    private final class Stream {
        private final WebSession session;
        private final ConsoleSession api;
        private final OutputStream out;
        private final AtomicBoolean closed = new AtomicBoolean();
        private final List<InputStream> upstreams = new ArrayList<>();
        private final List<Thread> readers = new ArrayList<>();

        Stream(WebSession session, OutputStream out) {
            this.session = session;
            this.api = session.api();
            this.out = out;
        }

        void run() {
            Runnable closer = this::close;
            closers.add(closer);
            try {
                write("retry: 3000\n: relaying " + api.controllerNames().size() + " controller(s)\n\n");
                for (String c : api.controllerNames()) {
                    Thread t = new Thread(() -> follow(c), "console-web-relay-" + c);
                    t.setDaemon(true);
                    t.start();
                    readers.add(t);
                }
                long beat = System.nanoTime();
                while (!closed.get()) {
                    synchronized (this) {
                        wait(1000);
                    }
                    if (!sessions.alive(session)) {
                        // logged out or timed out: the stream ends, and the page's next fetch goes to the login page
                        write("data: {\"kind\":\"session-ended\"}\n\n");
                        break;
                    }
                    if (System.nanoTime() - beat >= HEARTBEAT_MS * 1_000_000) {
                        write(": keepalive\n\n");
                        beat = System.nanoTime();
                    }
                }
            } catch (IOException e) {
                // the browser went away
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                closers.remove(closer);
                close();
            }
        }

        private void follow(String controller) {
            boolean wasUp = true;
            while (!closed.get()) {
                InputStream in = open(controller);
                if (in != null) {
                    if (!wasUp) emit(controller, "controller-up", null);
                    wasUp = true;
                    read(controller, in);
                }
                if (closed.get()) return;
                if (wasUp) emit(controller, "controller-down", null);
                wasUp = false;
                try {
                    Thread.sleep(RETRY_MS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private InputStream open(String controller) {
            try {
                for (int attempt = 0; attempt < 2; attempt++) {
                    Object r = api.api(controller).openEvents(api.token(controller));
                    if (r instanceof InputStream in) {
                        synchronized (upstreams) {
                            if (closed.get()) {
                                in.close();
                                return null;
                            }
                            upstreams.add(in);
                        }
                        return in;
                    }
                    if (((AdminApiClient.Reply) r).status() != 401 || !api.login(controller)) return null;
                }
            } catch (IOException e) {
                // not reachable: tried again later
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }

        private void read(String controller, InputStream in) {
            StringBuilder data = new StringBuilder();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null && !closed.get()) {
                    if (line.isEmpty()) {
                        if (data.length() > 0) relay(controller, data.toString());
                        data.setLength(0);
                    } else if (line.startsWith("data:")) {
                        if (data.length() > 0) data.append('\n');
                        data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
                    }
                }
            } catch (IOException e) {
                // the controller went away, or we closed it
            } finally {
                synchronized (upstreams) {
                    upstreams.remove(in);
                }
            }
        }

        private void relay(String controller, String data) {
            JsonNode event;
            try {
                event = JSON.readTree(data);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "console: event from " + controller + " is not JSON: dropped");
                return;
            }
            emit(controller, event.path("kind").asText("event"), event);
        }

        private void emit(String controller, String kind, JsonNode event) {
            ObjectNode n = JSON.createObjectNode().put("controller", controller).put("kind", kind);
            if (event != null) n.set("event", event);
            try {
                // the kind goes in the data only: "event:" lines would need the browser to listen per kind
                write("data: " + JSON.writeValueAsString(n) + "\n\n");
            } catch (IOException e) {
                close();
            }
        }

        private void write(String frame) throws IOException {
            synchronized (out) {
                out.write(frame.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        }

        void close() {
            if (!closed.compareAndSet(false, true)) return;
            synchronized (upstreams) {
                for (InputStream in : upstreams) {
                    try {
                        in.close();
                    } catch (IOException e) {
                        // closing is all we want
                    }
                }
                upstreams.clear();
            }
            for (Thread t : readers) t.interrupt();
            synchronized (this) {
                notifyAll();
            }
        }
    }

    @Override public void close() {
        for (Runnable c : List.copyOf(closers)) c.run();
    }
}
