package dev.holdfast.controller.admin;

import dev.holdfast.controller.core.Notice;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The event stream's fan-out on Netty channels (embedded: the test drives the event loop): frames in SSE form, and a
 * client that stops taking what is written is dropped once its queue is full, while the others go on.
 */
class EventStreamTest {
    /** A peer that reads nothing: writes stay pending for ever. */
    private static final class StuckPeer extends ChannelOutboundHandlerAdapter {
        final List<ChannelPromise> pending = new ArrayList<>();

        @Override public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            ReferenceCountUtil.release(msg);
            pending.add(promise);
        }
    }

    private static Notice notice(long id) {
        Map<String, Object> f = new java.util.LinkedHashMap<>();
        f.put("callId", id);
        f.put("state", "SETUP");
        return new Notice(1_700_000_000_000L, "call-started", f);
    }

    @Test
    void aClientThatLagsIsDroppedAndTheOthersGoOn() {
        AdminCounters counters = new AdminCounters();
        TokenStore tokens = new TokenStore(60_000, System::currentTimeMillis);
        StuckPeer stuckPeer = new StuckPeer();
        EmbeddedChannel stuck = new EmbeddedChannel(stuckPeer);
        EmbeddedChannel healthy = new EmbeddedChannel();
        EmbeddedChannel loop = new EmbeddedChannel(); // its event loop is the admin server's, driven by the test
        EventStream stream = new EventStream(loop.eventLoop(), 4, counters, tokens);
        Session s = tokens.open("viewer", Role.VIEWER);
        stream.subscriber(s).attach(stuck);
        stream.subscriber(s).attach(healthy);
        assertEquals(2, stream.clients());
        readAll(healthy); // the greeting

        for (long i = 1; i <= 10; i++) stream.publish(List.of(notice(i)));
        loop.runPendingTasks();

        assertFalse(stuck.isOpen(), "the stuck client is dropped");
        assertEquals(1, counters.get("events.clients-dropped"));
        assertEquals(1, stream.clients());
        String got = readAll(healthy);
        assertTrue(healthy.isOpen());
        assertEquals(10, got.split("event: call-started\n", -1).length - 1, got);
        assertTrue(got.startsWith("id: 1\nevent: call-started\ndata: {\"kind\":\"call-started\",\"time\":\"2023-11-14T22:13:20Z\",\"callId\":1,\"state\":\"SETUP\"}\n\n"), got);
        assertTrue(got.contains("\"callId\":10"), got);
        stream.close();
    }

    @Test
    void aClientWhoseSessionEndedIsClosedAtTheHeartbeat() throws Exception {
        AdminCounters counters = new AdminCounters();
        TokenStore tokens = new TokenStore(60_000, System::currentTimeMillis);
        EmbeddedChannel client = new EmbeddedChannel();
        EventStream stream = new EventStream(client.eventLoop(), 16, counters, tokens);
        Session s = tokens.open("viewer", Role.VIEWER);
        stream.subscriber(s).attach(client);
        tokens.close(s.token());
        client.advanceTimeBy(EventStream.HEARTBEAT_SECONDS + 1, java.util.concurrent.TimeUnit.SECONDS);
        client.runScheduledPendingTasks();
        assertFalse(client.isOpen());
        assertEquals(0, stream.clients());
        stream.close();
    }

    private static String readAll(EmbeddedChannel ch) {
        StringBuilder b = new StringBuilder();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            HttpContent c = (HttpContent) o;
            b.append(c.content().toString(StandardCharsets.UTF_8));
            c.release();
        }
        return b.toString();
    }
}
