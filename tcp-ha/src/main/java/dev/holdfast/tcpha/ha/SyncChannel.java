package dev.holdfast.tcpha.ha;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The sync channel between backup and primary (TCP over a heartbeat link). Frames, backup to primary:
 * HAS(conn, offset): the replica has the connection's bytes before offset (the primary may drop them);
 * FETCH(conn, offset, max): send kept bytes from offset; CLOSED(conn, offset): the replica's application closed its
 * output after offset bytes (the primary may now send its FIN). Primary to backup: READ(conn, offset): its application has
 * read up to offset; WRITTEN(conn, offset): its application has written offset bytes; DATA(conn, offset, bytes). A connection is named by the client's IPv4 address and port.
 */
public final class SyncChannel {
    public static final int PORT = 7101;
    static final byte HAS = 1, FETCH = 2, READ = 3, DATA = 4, WRITTEN = 5, CLOSED = 6, CONSUMED = 7;

    private SyncChannel() {}

    public static long key(int clientIp, int clientPort) { return ((long) clientIp << 16) | clientPort; }

    record Frame(byte type, long conn, long offset, int max, byte[] data) {}

    static void write(DataOutputStream out, byte type, long conn, long offset, int max, byte[] data) throws IOException {
        out.writeByte(type);
        out.writeLong(conn);
        out.writeLong(offset);
        out.writeInt(type == DATA ? data.length : max);
        if (type == DATA) out.write(data);
    }

    static Frame read(DataInputStream in) throws IOException {
        byte type = in.readByte();
        long conn = in.readLong(), offset = in.readLong();
        int n = in.readInt();
        if (type < HAS || type > CONSUMED || n < 0 || n > 16 * 1024 * 1024) throw new IOException("bad sync frame type " + type + " length " + n);
        byte[] data = null;
        if (type == DATA) { data = new byte[n]; in.readFully(data); }
        return new Frame(type, conn, offset, n, data);
    }
}
