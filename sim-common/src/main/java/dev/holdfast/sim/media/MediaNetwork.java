package dev.holdfast.sim.media;

import dev.holdfast.sim.time.SimScheduler;

import java.io.IOException;
import java.net.InetAddress;

/**
 * Where media sockets come from: real UDP ({@link UdpMediaNetwork}) or an in-memory network in virtual time
 * ({@link VirtualMediaNetwork}). Everything a socket delivers arrives on {@link #scheduler()}'s thread, so logic
 * that uses the sockets from that scheduler needs no locks.
 */
public interface MediaNetwork {
    /** Binds a socket to a free port of {@code address}, now (the port is known when this returns). */
    MediaSocket open(InetAddress address, MediaSocket.Receiver receiver) throws IOException;

    /** The thread and clock the sockets deliver on. */
    SimScheduler scheduler();
}
