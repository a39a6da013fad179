package dev.holdfast.controller.sip;

import gov.nist.javax.sip.stack.SIPTransactionStack;
import gov.nist.javax.sip.stack.TCPMessageProcessor;

import java.io.IOException;
import java.net.InetAddress;

/**
 * The RI's TCP listener, made safe to remove when it never listened: the RI registers it before it binds, and when
 * the bind fails (the port was taken) its {@code stop()} throws on the server socket it does not have, so the
 * failed listening point could be neither deleted nor the stack stopped ({@link SipEdge} picks another port then).
 */
final class TcpListener extends TCPMessageProcessor {
    private volatile boolean listening;

    TcpListener(InetAddress address, SIPTransactionStack stack, int port) {
        super(address, stack, port);
    }

    @Override public void start() throws IOException {
        super.start();
        listening = true;
    }

    @Override public synchronized void stop() {
        if (listening) super.stop();
    }
}
