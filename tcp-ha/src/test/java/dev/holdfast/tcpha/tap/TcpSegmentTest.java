package dev.holdfast.tcpha.tap;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class TcpSegmentTest {
    static byte[] synWithOptions() {
        ByteBuffer b = ByteBuffer.allocate(20 + 40);
        b.put((byte) 0x45).put((byte) 0).putShort((short) 60).putShort((short) 1).putShort((short) 0x4000)
                .put((byte) 64).put((byte) 6).putShort((short) 0);
        b.put(new byte[] {(byte) 198, 18, 0, 1}).put(new byte[] {(byte) 198, 18, 0, 100});
        b.putShort((short) 40000).putShort((short) 7000).putInt(0xDEADBEEF).putInt(0);
        b.put((byte) 0xa0).put((byte) TcpSegment.SYN).putShort((short) 64240).putShort((short) 0).putShort((short) 0);
        b.put(new byte[] {2, 4, 0x05, (byte) 0xb4, 4, 2, 8, 10, 0, 0, 0, 7, 0, 0, 0, 0, 1, 3, 3, 10});
        return b.array();
    }

    @Test
    void parsesTheHandshakeOptions() {
        byte[] p = synWithOptions();
        TcpSegment s = TcpSegment.parse(p, p.length);
        assertNotNull(s);
        assertEquals(40000, s.srcPort());
        assertEquals(7000, s.dstPort());
        assertEquals(0xDEADBEEF, s.seq());
        assertTrue(s.has(TcpSegment.SYN));
        assertEquals(1460, s.mss());
        assertEquals(10, s.wscale());
        assertTrue(s.sackPermitted());
        assertTrue(s.hasTimestamp());
        assertEquals(7, s.tsVal());
        assertEquals(0, s.payloadLength());
    }

    @Test
    void malformedPacketsAreRejectedWithoutExceptions() {
        byte[] good = synWithOptions();
        Random rnd = new Random(1);
        for (int i = 0; i < 20_000; i++) {
            byte[] p = good.clone();
            for (int k = 0; k < 1 + rnd.nextInt(6); k++) p[rnd.nextInt(p.length)] = (byte) rnd.nextInt();
            int len = rnd.nextInt(p.length + 1);
            TcpSegment s = TcpSegment.parse(p, len); // null or a segment whose payload lies inside the packet
            if (s != null) {
                assertTrue(s.payloadOffset() >= 40 && s.payloadOffset() + s.payloadLength() <= len, "payload inside");
            }
        }
        assertNull(TcpSegment.parse(new byte[0], 0));
        assertNull(TcpSegment.parse(new byte[19], 19));
    }
}
