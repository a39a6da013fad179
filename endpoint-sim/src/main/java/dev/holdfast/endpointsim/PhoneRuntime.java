package dev.holdfast.endpointsim;

import dev.holdfast.endpointsim.phone.Phone;
import dev.holdfast.endpointsim.phone.PhoneConfig;
import dev.holdfast.endpointsim.sip.JainSipStack;
import dev.holdfast.sim.media.UdpMediaNetwork;
import dev.holdfast.sim.time.SimScheduler;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Phones in real time on one machine: one SIP stack (one UDP and one TCP port for all of them) and one or a few
 * event-loop threads; each phone lives on one of them with its talk-path probes. A thousand phones cost a thousand
 * media ports and nothing else per phone.
 */
public final class PhoneRuntime implements AutoCloseable {
    private final JainSipStack sip;
    private final List<UdpMediaNetwork> loops;
    private final SplittableRandom seeds;
    private final List<Phone> phones = new ArrayList<>();

    private PhoneRuntime(JainSipStack sip, List<UdpMediaNetwork> loops, long seed) {
        this.sip = sip;
        this.loops = List.copyOf(loops);
        this.seeds = new SplittableRandom(seed);
    }

    /** A runtime with one event loop whose SIP stack listens on {@code address}:{@code port} (0: any free port). */
    public static PhoneRuntime start(InetAddress address, int port, long seed) throws IOException {
        return start(address, port, seed, 1);
    }

    /** A runtime with {@code threads} event loops; phones are dealt to them in turn. */
    public static PhoneRuntime start(InetAddress address, int port, long seed, int threads) throws IOException {
        if (threads < 1) throw new IllegalArgumentException("threads " + threads);
        JainSipStack sip = JainSipStack.start(address, port);
        List<UdpMediaNetwork> loops = new ArrayList<>();
        for (int i = 0; i < threads; i++) loops.add(UdpMediaNetwork.ownLoop());
        return new PhoneRuntime(sip, loops, seed);
    }

    public static PhoneRuntime loopback() throws IOException {
        return start(InetAddress.getLoopbackAddress(), 0, System.nanoTime());
    }

    public JainSipStack sip() { return sip; }

    /** The first event loop's scheduler (the only one with one thread). */
    public SimScheduler scheduler() { return loops.get(0).scheduler(); }

    /** Every event loop's scheduler, in the order phones are dealt to them. */
    public List<SimScheduler> schedulers() { return loops.stream().map(UdpMediaNetwork::scheduler).toList(); }

    /** A phone on this runtime, started (registering when it has controllers). */
    public synchronized Phone phone(PhoneConfig config) {
        return phone(config, null);
    }

    /** A phone with {@code listener} attached before it starts (so that it hears its first registration). */
    public synchronized Phone phone(PhoneConfig config, dev.holdfast.endpointsim.phone.PhoneListener listener) {
        UdpMediaNetwork media = loops.get(phones.size() % loops.size());
        Phone p = new Phone(config, media.scheduler(), sip, media, seeds.split());
        if (listener != null) p.addListener(listener);
        phones.add(p);
        p.start();
        return p;
    }

    public synchronized List<Phone> phones() { return List.copyOf(phones); }

    /** Stops the phones (hanging up, un-registering) and the media loop; the SIP stack stops in the background. */
    @Override public void close() {
        for (Phone p : phones()) p.stop();
        try {
            Thread.sleep(50); // let the stops' un-REGISTERs and BYEs leave
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loops.forEach(UdpMediaNetwork::close);
        // JAIN-SIP's stop waits about a second for its threads: let it do that on a thread of its own
        Thread stopper = new Thread(sip::close, "sip-stack-stop");
        stopper.start();
    }
}
