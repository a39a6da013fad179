package dev.holdfast.controller.sip;

import gov.nist.javax.sip.stack.DatagramQueuedMessageDispatch;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import gov.nist.javax.sip.stack.UDPMessageChannel;
import gov.nist.javax.sip.stack.UDPMessageProcessor;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.SocketException;
import java.util.Arrays;
import java.util.LinkedList;

/**
 * The SIP stack's UDP listener, receiving every datagram into one buffer that it keeps and handing the parser a copy
 * of just the octets received. The RI's own listener allocates a fresh buffer of the stack's full message size for
 * each datagram (32 KB here, to tell a cut datagram from a whole one) and queues it whole: at 400 calls/s that was
 * three fifths of all the controller allocated, and the garbage collector's work followed it. What the parser sees is
 * the same: a datagram that filled the buffer still arrives as long as the buffer, and is counted as oversized.
 * The rest is the RI's: the same parsing threads ({@code THREAD_POOL_SIZE}), the same socket; their queue hands a
 * call's datagrams out one at a time ({@link CallOrderedDatagrams}).
 * <p>
 * The parsing threads read the socket themselves (through {@link CallOrderedDatagrams}): a datagram is read, parsed
 * and processed on one thread, without the RI's receive thread and the hand-off from it to a parsing thread (a
 * wake-up and a queue per datagram; docs/sip.md "Figures", session 12). {@code -Dholdfast.sip.receiveThread=true}
 * keeps the receive thread (for CPU-per-call comparisons).
 */
final class UdpReceiver extends UDPMessageProcessor {
    private static final System.Logger LOG = System.getLogger(UdpReceiver.class.getName());

    /** A receive thread that queues every datagram for the parsing threads, as before (see the class comment). */
    static final boolean RECEIVE_THREAD = Boolean.getBoolean("holdfast.sip.receiveThread");

    private final int bufferBytes;
    private final int parsingThreads;
    /** The buffer every datagram is read into, by one parsing thread at a time (the parser gets a copy of its octets). */
    private final DatagramPacket received;
    private int receiveErrors;

    UdpReceiver(InetAddress address, SIPTransactionStack stack, int port, int bufferBytes, int parsingThreads)
            throws IOException {
        super(address, stack, port);
        // a call's datagrams are processed one after the other, in the order they came (CallOrderedDatagrams)
        // (the RI's congestion auditor, made in super(), watches the queue it made there: that one stays empty)
        this.messageQueue = RECEIVE_THREAD ? new CallOrderedDatagrams(stack.getStackCongestionControlTimeout())
                : new CallOrderedDatagrams(stack.getStackCongestionControlTimeout(), this::receive);
        this.bufferBytes = bufferBytes;
        this.received = new DatagramPacket(new byte[bufferBytes], bufferBytes);
        this.parsingThreads = parsingThreads;
        // the kernel may grant less than the stack asked for (net.core.rmem_max), silently: say so
        ReceiveBufferCheck.of(sock, stack.getReceiveUdpBufferSize()).log(port);
    }

    /**
     * Starts the parsing threads (and the receive thread, {@link #RECEIVE_THREAD}). These are made here, not on the receiving thread as the
     * RI does: {@code stop()} closes them, and one called right after the start (a listening point deleted again when
     * another transport could not bind its port) found none yet and failed.
     */
    @Override public void start() throws IOException {
        if (RECEIVE_THREAD) super.start();
        else isRunning = true; // no receive thread: the parsing threads read the socket
        LinkedList<UDPMessageChannel> channels = new LinkedList<>();
        String stackName = ((gov.nist.javax.sip.SipStackImpl) sipStack).getStackName();
        for (int i = 0; i < parsingThreads; i++) {
            // each starts its thread, which takes datagrams off messageQueue and parses them (the RI's own code)
            channels.add(new UDPMessageChannel(sipStack, this, stackName + "-UDPMessageChannelThread-" + i) { });
        }
        this.messageChannels = channels;
    }

    /**
     * The next datagram off the socket, copied to an array of its own (the RI logs a failed datagram's whole array);
     * called by one parsing thread at a time ({@link CallOrderedDatagrams}), or by the receive thread. A receive error other than the socket closing is logged (the first ten in a
     * row) and the thread reads on.
     */
    private DatagramPacket receive() throws InterruptedException {
        DatagramPacket packet = received;
        byte[] buffer = packet.getData();
        while (true) {
            if (!isRunning) throw new InterruptedException("SIP UDP listener on port " + getPort() + " stopped");
            try {
                packet.setData(buffer, 0, buffer.length);
                sock.receive(packet);
                receiveErrors = 0;
                return new DatagramPacket(Arrays.copyOf(buffer, packet.getLength()), packet.getLength(),
                        packet.getAddress(), packet.getPort());
            } catch (SocketException e) {
                if (!isRunning) throw new InterruptedException("SIP UDP listener on port " + getPort() + " stopped");
                if (receiveErrors++ < 10) LOG.log(System.Logger.Level.WARNING, "SIP UDP receive on port " + getPort(), e);
            } catch (IOException | RuntimeException e) {
                if (receiveErrors++ < 10) LOG.log(System.Logger.Level.WARNING, "SIP UDP receive on port " + getPort(), e);
            }
        }
    }

    /** The receive thread ({@link #RECEIVE_THREAD} only): the same reading, each datagram queued for the parsing threads. */
    @Override public void run() {
        while (isRunning) {
            try {
                messageQueue.offer(new DatagramQueuedMessageDispatch(receive(), System.currentTimeMillis()));
            } catch (InterruptedException stopped) {
                return;
            }
        }
    }
}
