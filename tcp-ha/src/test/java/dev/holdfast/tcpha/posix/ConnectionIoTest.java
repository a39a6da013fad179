package dev.holdfast.tcpha.posix;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/** The connection data path over a real loopback TCP connection: bytes in order, writes larger than the buffer, EOF, errors. */
class ConnectionIoTest {
    @Test
    void bytesArriveInOrder_writesLargerThanTheBufferGoOutWhole_endOfStreamReadsZero() throws Exception {
        int[] pair = Sockets.loopbackPair();
        int client = pair[0], server = pair[1];
        try {
            ConnectionIo small = new ConnectionIo(1000), reader = new ConnectionIo(16 * 1024);
            byte[] sent = new byte[10_000];
            for (int i = 0; i < sent.length; i++) sent[i] = (byte) (i * 31 + 7);
            // 7 bytes into the array are skipped: the offset is honoured; 9,993 bytes through a 1,000-byte buffer
            small.writeFully(client, sent, 7, sent.length - 7);
            Sockets.shutdownOutput(client);
            byte[] got = new byte[sent.length - 7], buf = new byte[4096];
            int have = 0, n;
            while ((n = reader.read(server, buf)) > 0) {
                assertTrue(n <= buf.length, "a read fills at most the caller's array");
                System.arraycopy(buf, 0, got, have, n);
                have += n;
            }
            assertEquals(got.length, have, "every byte, then end of stream as 0");
            assertArrayEquals(Arrays.copyOfRange(sent, 7, sent.length), got);
            byte[] at = new byte[10];
            assertEquals(0, reader.read(server, at, 3, 5), "end of stream stays 0");
        } finally {
            Sockets.close(client);
            Sockets.close(server);
        }
    }

    @Test
    void aBadDescriptorIsAnIOExceptionNamingTheCall() {
        ConnectionIo io = new ConnectionIo(64);
        IOException r = assertThrows(IOException.class, () -> io.read(-1, new byte[8]));
        assertTrue(r.getMessage().startsWith("read failed: errno 9"), r.getMessage());
        IOException w = assertThrows(IOException.class, () -> io.writeFully(-1, new byte[8], 0, 8));
        assertTrue(w.getMessage().startsWith("write failed: errno 9"), w.getMessage());
    }
}
