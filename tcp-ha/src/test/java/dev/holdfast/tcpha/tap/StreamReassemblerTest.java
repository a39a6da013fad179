package dev.holdfast.tcpha.tap;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class StreamReassemblerTest {
    @Test
    void outOfOrderRepeatedAndOverlappingSegmentsComeOutInOrderOnce() {
        Random rnd = new Random(7);
        byte[] stream = new byte[20_000];
        rnd.nextBytes(stream);
        int isn = 0xFFFFF000; // the stream's sequence numbers wrap past 2^32
        List<int[]> segs = new ArrayList<>();
        for (int off = 0; off < stream.length; ) {
            int len = 1 + rnd.nextInt(1400);
            len = Math.min(len, stream.length - off);
            segs.add(new int[] {off, len});
            if (rnd.nextInt(4) == 0) segs.add(new int[] {off, len}); // retransmission
            if (rnd.nextInt(5) == 0 && off > 100) segs.add(new int[] {off - 100, Math.min(len + 100, stream.length - off + 100)}); // overlap
            off += len;
        }
        Collections.shuffle(segs, rnd);
        StreamReassembler r = new StreamReassembler(isn + 1, 1 << 20);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int[] s : segs) out.writeBytes(r.accept(isn + 1 + s[0], stream, s[0], s[1]));
        assertArrayEquals(stream, out.toByteArray());
        assertEquals(isn + 1 + stream.length, r.nextSeq());
        assertEquals(stream.length, r.delivered());
    }

    @Test
    void bufferLimitDropsFutureSegmentsButNeverDeliversWrongBytes() {
        byte[] data = new byte[3000];
        for (int i = 0; i < data.length; i++) data[i] = (byte) i;
        StreamReassembler r = new StreamReassembler(1, 1000);
        assertEquals(0, r.accept(1001, data, 1000, 1000).length); // buffered
        assertEquals(0, r.accept(2001, data, 2000, 1000).length); // over the limit: dropped
        byte[] got = r.accept(1, data, 0, 1000);
        assertEquals(2000, got.length); // the first two, contiguous; the third must come again
        assertEquals(2001, r.nextSeq());
    }
}
