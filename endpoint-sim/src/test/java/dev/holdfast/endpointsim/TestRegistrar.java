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
    private final java.util.List<Request> notifies = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.Map<String, String> contacts = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong cseq = new java.util.concurrent.atomic.AtomicLong(1);

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

    /** OPTIONS get 503, with a Retry-After of this many seconds (null: none); {@code false}: 200 again. */
    void refuseOptions(boolean refuse, Integer retryAfter) {
        optionsRefused = refuse;
        optionsRetryAfter = retryAfter;
    }

    private volatile boolean optionsRefused;
    private volatile Integer optionsRetryAfter;

    @Override public void request(Request request, ServerRef tx) {
        if (silent || tx == null) return;
        try {
            Response ok = stack.messages().createResponse(200, request);
            ((ToHeader) ok.getHeader(ToHeader.NAME)).setTag("reg" + System.identityHashCode(this));
            if (Request.REGISTER.equals(request.getMethod())) {
                registers.incrementAndGet();
                ContactHeader c = (ContactHeader) request.getHeader(ContactHeader.NAME);
                if (c != null) ok.addHeader((ContactHeader) c.clone());
                if (c != null && c.getAddress().getURI() instanceof javax.sip.address.SipURI u) contacts.put(u.getUser(), u.toString());
            } else if (Request.NOTIFY.equals(request.getMethod())) {
                notifies.add(request);
            } else if (Request.OPTIONS.equals(request.getMethod())) {
                options.incrementAndGet();
                if (optionsRefused) {
                    Response busy = stack.messages().createResponse(503, request);
                    if (optionsRetryAfter != null) busy.addHeader(stack.headers().createRetryAfterHeader(optionsRetryAfter));
                    tx.respond(busy);
                    return;
                }
            }
            tx.respond(ok);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The NOTIFYs received so far. */
    java.util.List<Request> notifies() { return java.util.List.copyOf(notifies); }

    /** The Contact {@code user} registered last, or null. */
    String contactOf(String user) { return contacts.get(user); }

    /**
     * Sends SUBSCRIBE Event: dialog to {@code target} (a new subscription when {@code dialog} is null, else a refresh
     * in that one: its Call-ID, our tag and the notifier's tag); the final response goes to {@code responses}.
     */
    void subscribe(String target, int expires, String[] dialog, java.util.function.Consumer<Response> responses) throws Exception {
        var af = stack.addresses();
        var hf = stack.headers();
        InetSocketAddress me = address();
        var ruri = af.createURI(target);
        String callId = dialog == null ? "sub" + System.nanoTime() + "@test" : dialog[0];
        String fromTag = dialog == null ? "s" + System.nanoTime() : dialog[1];
        var from = hf.createFromHeader(af.createAddress("sip:registrar@127.0.0.1"), fromTag);
        var to = hf.createToHeader(af.createAddress("sip:phone@127.0.0.1"), dialog == null ? null : dialog[2]);
        Request r = stack.messages().createRequest(ruri, Request.SUBSCRIBE, hf.createCallIdHeader(callId),
                hf.createCSeqHeader(cseq.incrementAndGet(), Request.SUBSCRIBE), from, to,
                new java.util.ArrayList<>(java.util.List.of(hf.createViaHeader("127.0.0.1", me.getPort(), "udp", "z9hG4bK" + System.nanoTime()))),
                hf.createMaxForwardsHeader(70));
        r.addHeader(hf.createContactHeader(af.createAddress("sip:registrar@127.0.0.1:" + me.getPort())));
        r.addHeader(hf.createEventHeader("dialog"));
        r.addHeader(hf.createHeader("Accept", "application/dialog-info+xml"));
        r.addHeader(hf.createExpiresHeader(expires));
        stack.send(r, new dev.holdfast.endpointsim.sip.SipStackPort.ResponseHandler() {
            @Override public void response(Response response) { if (response.getStatusCode() >= 200) responses.accept(response); }
            @Override public void timeout() { }
            @Override public void failed(String why) { }
        });
    }

    @Override public void close() { stack.close(); }
}
