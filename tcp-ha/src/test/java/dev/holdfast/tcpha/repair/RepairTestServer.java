package dev.holdfast.tcpha.repair;

import dev.holdfast.tcpha.posix.LibC;
import dev.holdfast.tcpha.posix.Sockets;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test process for the repair test: an echo server on the VIP; when the trigger file appears it reads its one
 * connection's state with TCP_REPAIR, writes it as JSON and exits (the repair-mode socket closes silently).
 * Args: VIP PORT TRIGGER_FILE STATE_FILE
 */
public final class RepairTestServer {
    public static void main(String[] args) throws Exception {
        int lfd = Sockets.tcpSocket();
        Sockets.setInt(lfd, LibC.SOL_SOCKET, LibC.SO_REUSEADDR, 1, "SO_REUSEADDR");
        Sockets.bind(lfd, Sockets.addr(args[0], Integer.parseInt(args[1])));
        Sockets.listen(lfd, 16);
        System.out.println("listening");
        int fd = Sockets.accept(lfd);
        Path trigger = Path.of(args[2]);
        byte[] buf = new byte[65536];
        byte[] pfd = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putInt(fd).putShort((short) LibC.POLLIN).array();
        while (!Files.exists(trigger)) {
            if (LibC.INSTANCE.poll(pfd, 1, 5) <= 0) continue;
            int n = Sockets.read(fd, buf);
            if (n <= 0) { System.out.println("client closed"); System.exit(2); }
            Sockets.writeFully(fd, buf, 0, n);
        }
        ConnectionState s = TcpRepair.dump(fd);
        System.out.println("dumped " + s);
        Files.writeString(Path.of(args[3] + ".tmp"), ConnectionStateJson.write(s));
        Files.move(Path.of(args[3] + ".tmp"), Path.of(args[3]));
        Runtime.getRuntime().halt(0);
    }
}
