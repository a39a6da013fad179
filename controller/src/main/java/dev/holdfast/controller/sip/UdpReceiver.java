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
 */
final class UdpReceiver extends UDPMessageProcessor {
    private static final System.Logger LOG = System.getLogger(UdpReceiver.class.getName());

    private final int bufferBytes;
    private final int parsingThreads;

    UdpReceiver(InetAddress address, SIPTransactionStack stack, int port, int bufferBytes, int parsingThreads)
            throws IOException {
        super(address, stack, port);
        // a call's datagrams are processed one after the other, in the order they came (CallOrderedDatagrams)
        // (the RI's congestion auditor, made in super(), watches the queue it made there: that one stays empty)
        this.messageQueue = new CallOrderedDatagrams(stack.getStackCongestionControlTimeout());
        this.bufferBytes = bufferBytes;
        this.parsingThreads = parsingThreads;
        // the kernel may grant less than the stack asked for (net.core.rmem_max), silently: say so
        ReceiveBufferCheck.of(sock, stack.getReceiveUdpBufferSize()).log(port);
    }

    /**
     * Starts the receiving thread, then the parsing threads. These are made here, not on the receiving thread as the
     * RI does: {@code stop()} closes them, and one called right after the start (a listening point deleted again when
     * another transport could not bind its port) found none yet and failed.
     */
    @Override public void start() throws IOException {
        super.start();
        LinkedList<UDPMessageChannel> channels = new LinkedList<>();
        String stackName = ((gov.nist.javax.sip.SipStackImpl) sipStack).getStackName();
        for (int i = 0; i < parsingThreads; i++) {
            // each starts its thread, which takes datagrams off messageQueue and parses them (the RI's own code)
            channels.add(new UDPMessageChannel(sipStack, this, stackName + "-UDPMessageChannelThread-" + i) { });
        }
        this.messageChannels = channels;
    }

    @Override public void run() {
        byte[] buffer = new byte[bufferBytes];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        int reported = 0;
        while (isRunning) {
            try {
                packet.setData(buffer, 0, buffer.length);
                sock.receive(packet);
                DatagramPacket copy = new DatagramPacket(Arrays.copyOf(buffer, packet.getLength()), packet.getLength(),
                        packet.getAddress(), packet.getPort());
                messageQueue.offer(new DatagramQueuedMessageDispatch(copy, System.currentTimeMillis()));
                reported = 0;
            } catch (SocketException e) {
                if (!isRunning) return;
                if (reported++ < 10) LOG.log(System.Logger.Level.WARNING, "SIP UDP receive on port " + getPort(), e);
            } catch (IOException | RuntimeException e) {
                if (reported++ < 10) LOG.log(System.Logger.Level.WARNING, "SIP UDP receive on port " + getPort(), e);
            }
        }
    }
}
