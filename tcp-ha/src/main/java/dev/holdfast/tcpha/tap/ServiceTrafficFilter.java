package dev.holdfast.tcpha.tap;

/**
 * The classic BPF program the tap's packet socket runs in the kernel (cooked socket: offset 0 is the IPv4 header):
 * whole client-to-service TCP segments (VIP:port as destination), the headers only of service-to-client segments
 * (the tap wants the SYN-ACK's options and the window, never the server's payload), nothing else (ARP, other
 * ports, fragments). Fewer and smaller frames queued means the tap's receive buffer lasts longer in a burst.
 *
 * <p>A server segment is cut to exactly its IP and TCP headers, not to a fixed 120 bytes (session 14): with any of
 * its payload kept, the queued copy holds a reference to the server socket's page fragment (the kernel trims a
 * clone by copying the headers and dropping only the fragment references past the cut) until the tap's reader
 * takes it, up to a millisecond later; meanwhile the server's socket cannot refill that page in place and takes a
 * fresh 32 KB one every few replies, freed later on the backup's CPU. On a one-kernel rig that is the primary's
 * cost, per reply.
 */
public final class ServiceTrafficFilter {
    // linux/filter.h, linux/bpf_common.h
    static final int LD_W_ABS = 0x20, LD_H_ABS = 0x28, LD_B_ABS = 0x30, LD_H_IND = 0x48, LDX_B_MSH = 0xb1;
    static final int JEQ_K = 0x15, JSET_K = 0x45, RET_K = 0x06;
    static final int LD_B_IND = 0x50, RSH_K = 0x74, AND_K = 0x54, ADD_X = 0x0c, RET_A = 0x16;
    /** The most a server segment can keep: IPv4 header (at most 60 bytes) plus TCP header (at most 60). */
    public static final int HEADERS_ONLY = 120;
    public static final int WHOLE = 0x40000;

    private ServiceTrafficFilter() {}

    public static int[][] program(int vip, int port) { return program(vip, port, true); }

    /**
     * {@code serverHeaders} false: the service's own segments are dropped too (a measurement knob: how much of the
     * primary's CPU is the tap's kernel work on its frames, done in its context on a one-kernel rig; without them
     * the takeover knows neither the primary's window nor what it sent, see Takeover.queuedAsSent).
     */
    public static int[][] program(int vip, int port, boolean serverHeaders) {
        final int drop = 20, whole = 14, headers = serverHeaders ? 15 : drop;
        int[][] p = {
            /* 0 */ {LD_B_ABS, 0, 0, 9},             // protocol
            /* 1 */ {JEQ_K, 0, drop - 2, 6},          // TCP, else drop
            /* 2 */ {LD_H_ABS, 0, 0, 6},             // flags + fragment offset
            /* 3 */ {JSET_K, drop - 4, 0, 0x1fff},   // a fragment: drop
            /* 4 */ {LD_W_ABS, 0, 0, 16},            // destination address
            /* 5 */ {JEQ_K, 0, 9 - 6, vip},          // to the VIP, else look at the source (9)
            /* 6 */ {LDX_B_MSH, 0, 0, 0},            // X = IP header length
            /* 7 */ {LD_H_IND, 0, 0, 2},             // TCP destination port
            /* 8 */ {JEQ_K, whole - 9, 0, port},     // else it may still come from VIP:port (9)
            /* 9 */ {LD_W_ABS, 0, 0, 12},            // source address
            /* 10 */ {JEQ_K, 0, drop - 11, vip},
            /* 11 */ {LDX_B_MSH, 0, 0, 0},
            /* 12 */ {LD_H_IND, 0, 0, 0},            // TCP source port
            /* 13 */ {JEQ_K, headers - 14, drop - 14, port},
            /* 14 */ {RET_K, 0, 0, WHOLE},
            /* 15 */ {LD_B_IND, 0, 0, 12},           // TCP data offset (X is still the IP header length)
            /* 16 */ {RSH_K, 0, 0, 2},
            /* 17 */ {AND_K, 0, 0, 0x3c},            // A = TCP header length
            /* 18 */ {ADD_X, 0, 0, 0},               // + IP header length: the headers, no payload byte
            /* 19 */ {RET_A, 0, 0, 0},
            /* 20 */ {RET_K, 0, 0, 0},
        };
        return p;
    }
}
