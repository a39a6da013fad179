package dev.holdfast.sim.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Datagrams the kernel dropped on UDP sockets because their receive buffer was full, by local port: the {@code drops}
 * column of {@code /proc/net/udp} and {@code /proc/net/udp6} (Linux; this network namespace). A reply that never
 * reached a process may have been dropped there, not lost by its sender: this tells the two apart.
 */
public final class UdpDrops {
    private UdpDrops() {}

    /** Drops per local port, for the ports asked (summed over sockets on that port; absent: no such socket). */
    public static Map<Integer, Long> of(Set<Integer> ports) {
        Map<Integer, Long> out = new HashMap<>();
        for (String table : List.of("/proc/net/udp", "/proc/net/udp6")) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of(table));
            } catch (IOException | RuntimeException e) {
                continue; // not Linux, or no IPv6
            }
            for (int i = 1; i < lines.size(); i++) {
                String[] f = lines.get(i).trim().split("\\s+");
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ref pointer drops
                if (f.length < 13) continue;
                int colon = f[1].lastIndexOf(':');
                if (colon < 0) continue;
                int port;
                try {
                    port = Integer.parseInt(f[1].substring(colon + 1), 16);
                } catch (NumberFormatException e) {
                    continue;
                }
                if (!ports.contains(port)) continue;
                try {
                    out.merge(port, Long.parseLong(f[f.length - 1]), Long::sum);
                } catch (NumberFormatException ignored) {
                    // a line of another layout
                }
            }
        }
        return out;
    }

    /** Drops on {@code port}'s sockets, or -1 when there is none (or no /proc). */
    public static long of(int port) { return of(Set.of(port)).getOrDefault(port, -1L); }
}
