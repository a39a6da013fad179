package dev.holdfast.endpointsim;

import dev.holdfast.endpointsim.sip.JainSipStack;
import dev.holdfast.endpointsim.sip.SipEndpoint;

import javax.sip.header.ContactHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal registrar on its own JAIN-SIP stack for failover tests: accepts every REGISTER (200, echoing the
 * Contact with the asked expiry) and answers OPTIONS. {@link #silence} makes it drop everything, like a
 * controller that hangs; {@link #close} takes its ports away, like one that died.
 */
final class TestRegistrar implements SipEndpoint, AutoCloseable {
    private final JainSipStack stack;
    private final AtomicInteger registers = new AtomicInteger();
    private final AtomicInteger options = new AtomicInteger();
    private volatile boolean silent;

    TestRegistrar() throws IOException {
        stack = JainSipStack.start(InetAddress.getLoopbackAddress(), 0);
        stack.bindDefault(this);
    }

    InetSocketAddress address() {
        InetSocketAddress a = stack.localAddress("udp");
        return new InetSocketAddress("127.0.0.1", a.getPort());
    }

    int registers() { return registers.get(); }

    int options() { return options.get(); }

    void silence(boolean s) { silent = s; }

    @Override public void request(Request request, ServerRef tx) {
        if (silent || tx == null) return;
        try {
            Response ok = stack.messages().createResponse(200, request);
            ((ToHeader) ok.getHeader(ToHeader.NAME)).setTag("reg" + System.identityHashCode(this));
            if (Request.REGISTER.equals(request.getMethod())) {
                registers.incrementAndGet();
                ContactHeader c = (ContactHeader) request.getHeader(ContactHeader.NAME);
                if (c != null) ok.addHeader((ContactHeader) c.clone());
            } else if (Request.OPTIONS.equals(request.getMethod())) {
                options.incrementAndGet();
            }
            tx.respond(ok);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override public void close() { stack.close(); }
}
