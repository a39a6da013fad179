package dev.holdfast.controller.admin;

import dev.holdfast.controller.call.CallStructure;
import dev.holdfast.controller.core.Notice;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpContent;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live event stream (server-sent events, {@code GET /api/events}): the core's notices, handed over from the
 * core thread without blocking it, written once as SSE frames and fanned out on the admin event loop. A client that
 * lags more than its queue allows is dropped (logged and counted), never waited for; a client whose session ended
 * (logout, expiry) is closed at the next heartbeat.
 */
final class EventStream implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EventStream.class.getName());
    /** Notice batches handed to the event loop and not yet fanned out; past this the core's notices are dropped. */
    static final int MAX_IN_FLIGHT = 10_000;
    static final int HEARTBEAT_SECONDS = 15;

    /** A client of the stream: it takes the channel once the response head is written. */
    interface Subscriber {
        void attach(Channel channel);
    }

    private final EventLoop loop;
    private final int queueLimit;
    private final AdminCounters counters;
    private final TokenStore tokens;
    private final List<Client> clients = new ArrayList<>(); // on the loop only
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile int clientCount;
    private long nextId = 1;
    private final ScheduledFuture<?> heartbeat;

    private final class Client {
        final Channel channel;
        final Session session;
        /** Frames written and not yet handed to the socket. */
        int unsent;

        Client(Channel channel, Session session) {
            this.channel = channel;
            this.session = session;
        }

        void send(ByteBuf frame) {
            if (unsent >= queueLimit) {
                counters.count("events.clients-dropped");
                LOG.log(System.Logger.Level.WARNING, "admin: event stream client " + channel.remoteAddress() + " ("
                        + session.user() + ") dropped: " + unsent + " events behind");
                remove(this);
                channel.close();
                return;
            }
            unsent++;
            channel.writeAndFlush(new DefaultHttpContent(frame.retainedDuplicate())).addListener(f -> unsent--);
        }
    }

    EventStream(EventLoop loop, int queueLimit, AdminCounters counters, TokenStore tokens) {
        this.loop = loop;
        this.queueLimit = queueLimit;
        this.counters = counters;
        this.tokens = tokens;
        this.heartbeat = loop.scheduleAtFixedRate(this::heartbeat, HEARTBEAT_SECONDS, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
    }

    /** A subscriber for this session's request. */
    Subscriber subscriber(Session session) {
        return channel -> {
            Client c = new Client(channel, session);
            clients.add(c);
            clientCount = clients.size();
            counters.count("events.clients");
            channel.closeFuture().addListener(f -> remove(c));
            // the reconnection delay for EventSource, and a first line so that the client sees the stream is up
            ByteBuf hello = Unpooled.copiedBuffer("retry: 3000\n: connected\n\n", StandardCharsets.UTF_8);
            c.send(hello);
            hello.release();
        };
    }

    /** From the core thread: never blocks; drops (and counts) when the loop is that far behind. */
    void publish(List<Notice> notices) {
        if (clientCount == 0) return;
        if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
            inFlight.decrementAndGet();
            counters.count("events.notices-dropped");
            return;
        }
        try {
            loop.execute(() -> {
                inFlight.decrementAndGet();
                for (Notice n : notices) fanOut(n);
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            inFlight.decrementAndGet(); // the admin server is stopping: nobody to tell
        }
    }

    private void fanOut(Notice n) {
        if (clients.isEmpty()) return;
        ByteBuf frame = frame(nextId++, n);
        try {
            for (Client c : new ArrayList<>(clients)) c.send(frame);
            counters.count("events.sent");
        } finally {
            frame.release();
        }
    }

    /** {@code id: N}, {@code event: KIND}, {@code data: JSON} (one line: JSON has no raw newlines), blank line. */
    static ByteBuf frame(long id, Notice n) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("kind", n.kind());
        data.put("time", Instant.ofEpochMilli(n.time()).toString());
        for (Map.Entry<String, Object> e : n.fields().entrySet()) {
            data.put(e.getKey(), e.getValue() instanceof CallStructure s
                    ? AdminApi.callJson(s, Boolean.TRUE.equals(n.fields().get("migrated"))) : e.getValue());
        }
        String json;
        try {
            json = AdminJson.MAPPER.writeValueAsString(data);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return Unpooled.copiedBuffer("id: " + id + "\nevent: " + n.kind() + "\ndata: " + json + "\n\n", StandardCharsets.UTF_8);
    }

    private void heartbeat() {
        ByteBuf beat = Unpooled.copiedBuffer(": keepalive\n\n", StandardCharsets.UTF_8);
        try {
            for (Client c : new ArrayList<>(clients)) {
                if (tokens.use(c.session.token()) == null) { // logged out or expired
                    remove(c);
                    c.channel.close();
                } else {
                    c.send(beat);
                }
            }
        } finally {
            beat.release();
        }
    }

    private void remove(Client c) {
        if (clients.remove(c)) clientCount = clients.size();
    }

    int clients() { return clientCount; }

    @Override public void close() { heartbeat.cancel(false); }
}
