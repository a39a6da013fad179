package dev.holdfast.h248.transport.tcp;

import dev.holdfast.h248.transport.H248Counters;
import dev.holdfast.h248.transport.codec.InboundFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

class TpktFrameDecoderTest {
    final H248Counters counters = new H248Counters();

    EmbeddedChannel channel(int maxPayload) {
        return new EmbeddedChannel(new TpktFrameDecoder(maxPayload, counters));
    }

    static byte[] frame(String payload) {
        byte[] p = payload.getBytes(StandardCharsets.ISO_8859_1);
        byte[] f = new byte[p.length + 4];
        f[0] = 3;
        f[2] = (byte) ((p.length + 4) >> 8);
        f[3] = (byte) (p.length + 4);
        System.arraycopy(p, 0, f, 4, p.length);
        return f;
    }

    static String text(Object frame) {
        return new String(((InboundFrame) frame).bytes(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void framesSplitAndJoinedAnyHowComeOutWhole() {
        EmbeddedChannel ch = channel(1000);
        byte[] a = frame("MEGACO/1 [1.1.1.1] T=1{C=-{N=ROOT}}");
        byte[] b = frame("second");
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        // one byte at a time, then both at once
        for (byte x : all) ch.writeInbound(Unpooled.wrappedBuffer(new byte[]{x}));
        ch.writeInbound(Unpooled.wrappedBuffer(all));
        assertEquals("MEGACO/1 [1.1.1.1] T=1{C=-{N=ROOT}}", text(ch.readInbound()));
        assertEquals("second", text(ch.readInbound()));
        assertEquals("MEGACO/1 [1.1.1.1] T=1{C=-{N=ROOT}}", text(ch.readInbound()));
        assertEquals("second", text(ch.readInbound()));
        assertNull(ch.readInbound());
        assertTrue(ch.isOpen());
    }

    @Test
    void oversizedFrameClosesTheConnectionWithoutWaitingForTheClaimedLength() {
        EmbeddedChannel ch = channel(100);
        ByteBuf header = Unpooled.wrappedBuffer(new byte[]{3, 0, (byte) 0xFF, (byte) 0xFF, 'x'});
        ch.writeInbound(header);
        assertFalse(ch.isOpen(), "closed on the header alone");
        assertEquals(1, counters.oversized.sum());
        assertNull(ch.readInbound());
    }

    @Test
    void badVersionClosesTheConnection() {
        EmbeddedChannel ch = channel(1000);
        byte[] f = frame("MEGACO/1 [1.1.1.1] T=1{}");
        f[0] = 4;
        ch.writeInbound(Unpooled.wrappedBuffer(f));
        assertFalse(ch.isOpen());
        assertEquals(1, counters.malformedFrames.sum());
        assertNull(ch.readInbound());
    }

    @Test
    void plainTextWithoutTpktIsABadVersion() {
        EmbeddedChannel ch = channel(1000);
        ch.writeInbound(Unpooled.copiedBuffer("MEGACO/1 [1.1.1.1] T=1{}", StandardCharsets.US_ASCII));
        assertFalse(ch.isOpen());
        assertEquals(1, counters.malformedFrames.sum());
    }

    @Test
    void lengthShorterThanTheHeaderClosesTheConnection() {
        EmbeddedChannel ch = channel(1000);
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[]{3, 0, 0, 2}));
        assertFalse(ch.isOpen());
        assertEquals(1, counters.malformedFrames.sum());
    }

    @Test
    void emptyFrameIsDroppedAndTheStreamGoesOn() {
        EmbeddedChannel ch = channel(1000);
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[]{3, 0, 0, 4}));
        ch.writeInbound(Unpooled.wrappedBuffer(frame("after")));
        assertEquals("after", text(ch.readInbound()));
        assertTrue(ch.isOpen());
        assertEquals(1, counters.malformedFrames.sum());
    }

    @Test
    void frameOfExactlyTheMaximumIsAccepted() {
        EmbeddedChannel ch = channel(5);
        ch.writeInbound(Unpooled.wrappedBuffer(frame("12345")));
        assertEquals("12345", text(ch.readInbound()));
        ch.writeInbound(Unpooled.wrappedBuffer(frame("123456")));
        assertFalse(ch.isOpen());
    }

    @Test
    void encoderWritesVersionReservedAndLengthIncludingTheHeader() {
        EmbeddedChannel ch = new EmbeddedChannel(new TpktFrameEncoder());
        ch.writeOutbound(Unpooled.copiedBuffer("abc", StandardCharsets.US_ASCII));
        ByteBuf header = ch.readOutbound();
        ByteBuf payload = ch.readOutbound();
        assertEquals(3, header.readUnsignedByte());
        assertEquals(0, header.readUnsignedByte());
        assertEquals(7, header.readUnsignedShort());
        assertEquals("abc", payload.toString(StandardCharsets.US_ASCII));
        header.release();
        payload.release();
    }

    @Test
    void encoderOutputDecodesBack() {
        EmbeddedChannel enc = new EmbeddedChannel(new TpktFrameEncoder());
        EmbeddedChannel dec = channel(70000 > Tpkt.MAX_PAYLOAD ? Tpkt.MAX_PAYLOAD : 70000);
        String big = "x".repeat(Tpkt.MAX_PAYLOAD);
        enc.writeOutbound(Unpooled.copiedBuffer(big, StandardCharsets.US_ASCII));
        for (Object o; (o = enc.readOutbound()) != null; ) dec.writeInbound(o);
        assertEquals(big, text(dec.readInbound()));
    }
}
