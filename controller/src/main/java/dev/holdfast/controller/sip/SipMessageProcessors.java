package dev.holdfast.controller.sip;

import gov.nist.javax.sip.SipStackImpl;
import gov.nist.javax.sip.stack.MessageProcessor;
import gov.nist.javax.sip.stack.MessageProcessorFactory;
import gov.nist.javax.sip.stack.OIOMessageProcessorFactory;
import gov.nist.javax.sip.stack.SIPTransactionStack;

import javax.sip.ListeningPoint;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetAddress;

/**
 * The stack's listeners (its {@code MESSAGE_PROCESSOR_FACTORY}): the RI's own for TCP ({@link TcpListener}: one that
 * could not bind can be removed), {@link UdpReceiver} for UDP.
 * The stack makes it by class name; it finds its edge's buffer size through {@link SipEdge#guard(String)}.
 */
public final class SipMessageProcessors implements MessageProcessorFactory {
    private static final System.Logger LOG = System.getLogger(SipMessageProcessors.class.getName());
    /**
     * The stack's flag "answer from the UDP listener's socket" (package-private in the RI, set by its own factories):
     * without it every datagram would leave from a new socket and port, and a phone would drop the answers.
     */
    private static final Field UDP_FLAG = udpFlag();

    private final OIOMessageProcessorFactory plain = new OIOMessageProcessorFactory();

    @Override public MessageProcessor createMessageProcessor(SIPTransactionStack stack, InetAddress address, int port,
                                                           String transport) throws IOException {
        SipEdge.Guard guard = SipEdge.guard(((SipStackImpl) stack).getStackName());
        if (ListeningPoint.TCP.equalsIgnoreCase(transport)) return new TcpListener(address, stack, port);
        if (!ListeningPoint.UDP.equalsIgnoreCase(transport) || guard == null || UDP_FLAG == null) {
            return plain.createMessageProcessor(stack, address, port, transport);
        }
        UdpReceiver receiver = new UdpReceiver(address, stack, port, guard.datagramBufferBytes(), SipEdge.PARSING_THREADS);
        try {
            UDP_FLAG.setBoolean(stack, true);
        } catch (IllegalAccessException e) {
            throw new IOException("cannot make the SIP stack answer from its UDP socket", e);
        }
        return receiver;
    }

    private static Field udpFlag() {
        try {
            Field f = SIPTransactionStack.class.getDeclaredField("udpFlag");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "the SIP stack's own UDP listener is used (" + e + ")");
            return null;
        }
    }
}
