package dev.holdfast.controller.sip;

import dev.holdfast.controller.core.Command;
import dev.holdfast.controller.core.Event;
import dev.holdfast.controller.mgc.CoreRunner;
import dev.holdfast.controller.provisioning.SipSettings;
import gov.nist.javax.sip.RequestEventExt;

import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.ListeningPoint;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionAlreadyExistsException;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The SIP edge: a JAIN-SIP stack listening on UDP and TCP that turns requests, responses and transaction outcomes
 * into core events, and the core's SIP commands into responses and requests. It keeps only what JAIN-SIP needs to
 * act (server transactions by handle, client transactions and dialogs by Call-ID); every decision is the core's.
 * It answers 100 Trying to an INVITE at once (hop by hop, no decision in it); floods, oversized and malformed
 * messages are handled by {@link EdgeValve} and {@link CountingParserFactory} before the core sees them.
 */
public final class SipEdge implements SipListener, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SipEdge.class.getName());
    private static final AtomicLong STACKS = new AtomicLong();
    private static final Map<String, Guard> GUARDS = new ConcurrentHashMap<>();
    /**
     * SO_RCVBUF asked for on the UDP socket (see the constructor): 16 MB holds about 14,000 datagrams on loopback, two
     * seconds at 1000 calls/s through the B2BUA. The kernel caps it at net.core.rmem_max ({@link ReceiveBufferCheck}
     * logs what it granted).
     */
    static final int UDP_RECEIVE_BUFFER_BYTES = 16 * 1024 * 1024;
    /** SO_SNDBUF asked for on the UDP socket (a full one blocks the sender, it does not drop). */
    static final int UDP_SEND_BUFFER_BYTES = 4 * 1024 * 1024;
    /**
     * Threads that send the core's SIP commands (see {@link #senders}); {@code -Dholdfast.sip.senderThreads=N} sets
     * another number (for CPU-per-call comparisons, docs/sip.md "Figures").
     */
    private static final int SENDER_THREADS = Integer.getInteger("holdfast.sip.senderThreads",
            Math.max(2, Runtime.getRuntime().availableProcessors()));
    /**
     * The stack's threads that read, parse and process received datagrams ({@code THREAD_POOL_SIZE}; see
     * {@link UdpReceiver});
     * {@code -Dholdfast.sip.parsingThreads=N} sets another number.
     */
    static final int PARSING_THREADS = Integer.getInteger("holdfast.sip.parsingThreads", 4);

    /** What the valve and the parser of one stack need: limits and the counters. */
    record Guard(int maxMessageBytes, int datagramBufferBytes, FloodGuard flood, int retryAfterSeconds, SipEdgeCounters counters,
                 Map<String, Long> registerArrivals, java.util.function.Predicate<Response> earlyAnswer,
                 java.util.function.Consumer<Request> ackArrived) {
        /** Most REGISTERs remembered between the valve and the listener (retransmissions absorbed are never taken). */
        static final int MAX_REGISTER_ARRIVALS = 20_000;

        /** Notes when a REGISTER or an OPTIONS came off the wire (nanoTime), by transaction id, for {@link SipEdge#lateRegister} and the late keepalives. */
        void registerArrived(String transactionId, long nanoTime) {
            if (registerArrivals.size() > MAX_REGISTER_ARRIVALS) registerArrivals.clear();
            registerArrivals.putIfAbsent(transactionId, nanoTime);
        }
    }

    /**
     * The stack's MAX_MESSAGE_SIZE. A stream message larger than this closes the connection (the valve drops anything
     * above maxMessageBytes). It is also the size of the buffer the RI allocates for every datagram it receives: at
     * its 64 KB that buffer was more than half of all the controller allocated at 400 calls/s, and the garbage
     * collector's pauses followed. A datagram that fills this buffer was cut: the parser counts it as oversized.
     */
    static int datagramBufferBytes(int maxMessageBytes) {
        return Math.max(4096, Math.min(2 * maxMessageBytes, 65_536));
    }

    static Guard guard(String stackName) { return GUARDS.get(stackName); }

    private final CoreRunner runner;
    private final SipStack stack;
    private final String stackName;
    private final SipProvider provider;
    private final AddressFactory addresses;
    private final HeaderFactory headers;
    private final MessageFactory messages;
    /** JAIN-SIP messages to and from the core's SIP values (shared with the simulation's SIP port). */
    private final SipMessageMapping mapping;
    private final String host;
    private final int port;
    private final List<String> transports;
    private final SipEdgeCounters counters = new SipEdgeCounters();
    /** This stack's guard (shared with its {@link EdgeValve}). */
    private final Guard guard;
    private final Map<Long, ServerTransaction> serverTransactions = new ConcurrentHashMap<>();
    /** Our INVITE client transaction of each leg B, by Call-ID (for CANCEL and the dialog). */
    private final Map<String, ClientTransaction> invites = new ConcurrentHashMap<>();
    /** The dialog of each leg, by Call-ID, and the CSeq of the 2xx to acknowledge on leg B. */
    private final Map<String, Dialog> dialogs = new ConcurrentHashMap<>();
    private final Map<String, Long> answeredCSeq = new ConcurrentHashMap<>();
    /**
     * Early dialogs taken over from a dead controller, in which we are the UAC, by Call-ID: the phone's final response
     * to the INVITE we never sent comes here outside any client transaction, and goes to the core with the token.
     */
    private final Map<String, EarlyDialog> earlyDialogs = new ConcurrentHashMap<>();

    private record EarlyDialog(String localTag, String remoteTag, long inviteCSeq, long token) {}

    /**
     * Phones' INVITEs taken over from a dead controller (we are the UAS of their early dialogs), by token: what the
     * response needs (the INVITE as the phone sent it, rebuilt from its dialog and the branch of its Via).
     */
    private final Map<Long, Request> earlyInvites = new ConcurrentHashMap<>();
    /** Our 2xx to such an INVITE, by Call-ID, sent again (RFC 3261 13.3.1.4) until the phone's ACK comes. */
    private final Map<String, Response> unackedEarlyOks = new ConcurrentHashMap<>();
    private final java.util.concurrent.ScheduledExecutorService okTimer =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "holdfast-sip-2xx-again");
                t.setDaemon(true);
                return t;
            });
    private final AtomicLong branches = new AtomicLong();
    /**
     * Makes our Via branches unique in space and time (RFC 3261 8.1.1.7): a counter alone repeats across the two
     * controllers of a pair and across restarts, and a phone then takes the alternate's first request for a
     * retransmission of the primary's (same branch, same method) and drops it.
     */
    private final String branchNonce = Long.toHexString(new java.security.SecureRandom().nextLong());
    /**
     * Where the core's SIP commands are carried out: building, encoding and sending a message in JAIN-SIP is most of
     * a call's cost, so it runs off the core thread, on one of these single threads chosen by Call-ID (a leg's
     * messages keep the core's order; different calls go out in parallel).
     */
    private final java.util.concurrent.ExecutorService[] senders;
    /** Numbered on the core thread only (inside the event factory), so handles follow event order. */
    private long nextHandle = 1;
    /**
     * Each REGISTER in the core's hands, by handle: when it arrived and when the core took it up (nanoTime), so a late
     * answer says where it waited (queued for the core, or between the core's decision and the wire).
     */
    private final Map<Long, long[]> registerTimes = new ConcurrentHashMap<>();
    /** Which REGISTERs go ahead of the core's queued work. */
    private final RegistrationLane registrationLane = new RegistrationLane();
    /** A REGISTER answered later than this is counted and logged ({@link SipEdgeCounters#REGISTERS_ANSWERED_LATE}). */
    static final long LATE_REGISTER_NANOS = 1_000_000_000L;

    /** Picks a port number for port 0 (a test makes it pick one that is taken). */
    interface PortPicker {
        int pick(String host, List<String> transports) throws IOException;
    }

    /** How often a port picked free is picked again when it was taken before the stack bound it. */
    static final int PORT_PICKS = 10;

    private SipEdge(CoreRunner runner, SipSettings s, String host, PortPicker picker) throws Exception {
        this.runner = runner;
        this.host = host;
        this.senders = new java.util.concurrent.ExecutorService[SENDER_THREADS];
        for (int i = 0; i < senders.length; i++) {
            String name = "holdfast-sip-out-" + i;
            // answers to REGISTERs go ahead of the other sendings queued (Sending's order)
            senders[i] = new java.util.concurrent.ThreadPoolExecutor(1, 1, 0L, java.util.concurrent.TimeUnit.MILLISECONDS,
                    new java.util.concurrent.PriorityBlockingQueue<>(), r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
            });
        }
        this.transports = s.transports();
        this.stackName = "holdfast-sip-" + STACKS.incrementAndGet();
        int datagramBuffer = datagramBufferBytes(s.maxMessageBytes());
        GUARDS.put(stackName, new Guard(s.maxMessageBytes(), datagramBuffer, new FloodGuard(s.floodRequestsPerSecond(), s.floodBurst()),
                s.retryAfterSeconds(), counters, new ConcurrentHashMap<>(), this::earlyAnswer,
                this::ackArrived));
        this.guard = GUARDS.get(stackName);
        SipFactory factory = SipFactory.getInstance();
        factory.setPathName("gov.nist");
        Properties p = new Properties();
        p.setProperty("javax.sip.STACK_NAME", stackName);
        p.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "on");
        p.setProperty("gov.nist.javax.sip.STACK_LOGGER", StackLogBridge.class.getName());
        // the transactions' 500 ms ticks and the stack's other timers on a hashed wheel, not java.util.Timer's heap
        // (SipTimerWheel; docs/sip.md "Figures", session 10)
        p.setProperty("gov.nist.javax.sip.TIMER_CLASS_NAME", SipTimerWheel.class.getName());
        p.setProperty("gov.nist.javax.sip.SIP_MESSAGE_VALVE", EdgeValve.class.getName());
        p.setProperty("gov.nist.javax.sip.MESSAGE_PARSER_FACTORY", CountingParserFactory.class.getName());
        p.setProperty("gov.nist.javax.sip.MAX_MESSAGE_SIZE", String.valueOf(datagramBuffer));
        p.setProperty("gov.nist.javax.sip.MESSAGE_PROCESSOR_FACTORY", SipMessageProcessors.class.getName());
        p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", String.valueOf(PARSING_THREADS));
        // one listener call at a time: events reach the core in the order the stack produced them. (A reentrant
        // listener, called on the parsing threads, was tried for its fewer hand-offs: under load its runs lost calls,
        // the stack killed hundreds of dialogs as "ACK was not sent" and CPU per call rose; docs/sip.md, "Figures".)
        p.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "false");
        p.setProperty("gov.nist.javax.sip.CACHE_CLIENT_CONNECTIONS", "true");
        // the NOTIFY of a dialog-package fetch may come before the SUBSCRIBE's 200: it must reach us all the same
        p.setProperty("gov.nist.javax.sip.DELIVER_UNSOLICITED_NOTIFY", "true");
        // The stack sets SO_RCVBUF to 64 KB by default (the kernel's own default is larger): about a hundred
        // datagrams, so a pause of some tens of ms (GC, a busy machine) at a few hundred calls/s overflows it and the
        // kernel drops 180/200/ACKs; a lost 2xx or ACK costs a call. The kernel caps this at net.core.rmem_max
        // (UdpReceiver logs what it granted).
        p.setProperty("gov.nist.javax.sip.RECEIVE_UDP_BUFFER_SIZE", String.valueOf(UDP_RECEIVE_BUFFER_BYTES));
        p.setProperty("gov.nist.javax.sip.SEND_UDP_BUFFER_SIZE", String.valueOf(UDP_SEND_BUFFER_BYTES));
        // A transaction or dialog that has done its part keeps the octets of its messages, not the parsed objects
        // (re-parsed if ever asked for): the stack holds every call's transactions for 32 s after they end (RFC 3261
        // Timers J and L) and its dialogs 8 s more. With the parsed objects, 400 calls/s kept 250-270 MB alive, every
        // collection copied it, and the old generation's full collections stopped the controller for 0.5-1.9 s.
        p.setProperty("gov.nist.javax.sip.RELEASE_REFERENCES_STRATEGY", "Normal");
        this.stack = factory.createSipStack(p);
        this.addresses = factory.createAddressFactory();
        this.headers = factory.createHeaderFactory();
        this.messages = factory.createMessageFactory();
        this.mapping = new SipMessageMapping(messages, headers, addresses);
        int chosen = s.port();
        SipProvider prov = null;
        try {
            List<ListeningPoint> points = null;
            for (int pick = 1; points == null; pick++) {
                if (s.port() == 0) chosen = picker.pick(host, transports);
                points = listen(host, chosen, s.port() == 0 && pick < PORT_PICKS);
            }
            for (ListeningPoint lp : points) {
                if (prov == null) prov = stack.createSipProvider(lp);
                else prov.addListeningPoint(lp);
            }
            prov.addSipListener(this);
        } catch (Exception e) {
            stack.stop();
            GUARDS.remove(stackName);
            for (java.util.concurrent.ExecutorService x : senders) x.shutdownNow();
            okTimer.shutdownNow();
            throw e;
        }
        this.provider = prov;
        this.port = chosen;
    }

    /**
     * A listening point on {@code port} for each transport. The RI cannot bind port 0 and read the number back, so a
     * number is picked free and then bound; meanwhile another socket may take it (UDP or TCP: they are separate).
     * With {@code pickAgain}, a port taken so gives null (nothing stays bound) and another is picked.
     */
    private List<ListeningPoint> listen(String host, int port, boolean pickAgain) throws Exception {
        List<ListeningPoint> points = new ArrayList<>();
        try {
            for (String t : transports) points.add(stack.createListeningPoint(host, port, t));
            return points;
        } catch (javax.sip.InvalidArgumentException e) {
            if (!pickAgain || !takenMeanwhile(e)) throw e;
            // the RI keeps a TCP listening point whose bind failed: it goes too
            List<ListeningPoint> onPort = new ArrayList<>();
            for (java.util.Iterator<?> it = stack.getListeningPoints(); it.hasNext(); ) {
                if (it.next() instanceof ListeningPoint lp && lp.getPort() == port) onPort.add(lp);
            }
            for (ListeningPoint lp : onPort) stack.deleteListeningPoint(lp);
            LOG.log(System.Logger.Level.INFO, () -> "SIP port " + port + " was taken before the stack bound it: another");
            return null;
        }
    }

    private static boolean takenMeanwhile(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            // the RI wraps it, for UDP sometimes only by its text
            if (c instanceof java.net.BindException || String.valueOf(c.getMessage()).contains("BindException")
                    || String.valueOf(c.getMessage()).contains("Address already in use")) return true;
        }
        return false;
    }

    /** Starts the SIP edge feeding {@code runner}; the runner's commands must reach {@link #execute}. */
    public static SipEdge start(CoreRunner runner, SipSettings settings, String host) throws IOException {
        return start(runner, settings, host, SipEdge::freePort);
    }

    static SipEdge start(CoreRunner runner, SipSettings settings, String host, PortPicker picker) throws IOException {
        try {
            return new SipEdge(runner, settings, host, picker);
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("SIP edge on " + host + ":" + settings.port() + ": " + e.getMessage(), e);
        }
    }

    /** A port free for UDP and TCP at once on {@code host}. */
    static int freePort(String host, List<String> transports) throws IOException {
        InetAddress a = InetAddress.getByName(host);
        for (int attempt = 0; attempt < 50; attempt++) {
            try (DatagramSocket u = new DatagramSocket(new InetSocketAddress(a, 0))) {
                int candidate = u.getLocalPort();
                if (!transports.contains("tcp")) return candidate;
                try (ServerSocket t = new ServerSocket(candidate, 1, a)) {
                    return candidate;
                } catch (IOException busy) {
                    // taken for TCP: try another
                }
            }
        }
        throw new IOException("no port free for both UDP and TCP on " + host);
    }

    public int port() { return port; }

    public String host() { return host; }

    public List<String> transports() { return transports; }

    public SipEdgeCounters counters() { return counters; }

    // ------------------------------------------------------------------------------------------ in

    @Override public void processRequest(RequestEvent ev) {
        Request req = ev.getRequest();
        String method = req.getMethod();
        String transport = transportOf(req);
        String source = transport + ":" + ((RequestEventExt) ev).getRemoteIpAddress() + ":" + ((RequestEventExt) ev).getRemotePort();
        SipRequest converted;
        try {
            converted = SipMessageMapping.toCore(req, transport);
        } catch (RuntimeException e) {
            counters.count(SipEdgeCounters.MALFORMED, method + " from " + source + ": " + e.getMessage());
            if (!Request.ACK.equals(method)) answerDirectly(ev, Response.BAD_REQUEST, "Bad Request (" + e.getMessage() + ")");
            return;
        }
        if (Request.ACK.equals(method)) {
            runner.submit(now -> new Event.SipRequestReceived(now, source, 0, converted));
            return;
        }
        ServerTransaction st = ev.getServerTransaction();
        try {
            if (st == null) st = provider.getNewServerTransaction(req);
        } catch (TransactionAlreadyExistsException e) {
            counters.count(SipEdgeCounters.RETRANSMISSIONS);
            return;
        } catch (javax.sip.TransactionUnavailableException e) {
            // the stack's lenient parser dropped a header it could not read, and the request lacks it now
            counters.count(SipEdgeCounters.MALFORMED, method + " from " + source + ": " + e.getMessage());
            answerStatelessly(req, "Bad Request (" + e.getMessage() + ")");
            return;
        } catch (Exception e) {
            counters.count(SipEdgeCounters.SEND_FAILED, "no server transaction for " + method + " from " + source + ": " + e);
            return;
        }
        if (Request.INVITE.equals(method)) {
            // at once, before the core sees the INVITE. Leaving it to the stack (its INVITE server transaction sends a
            // 100 when none went out within 200 ms, RFC 3261 17.2.1) saves a message per call, but the RI's timer
            // checks the state and sends without a lock: under load its 100 went out after our 180 and 200, and SIPp's
            // uac failed the call on it (tried and taken back, docs/sip.md "Figures", session 13)
            try {
                st.sendResponse(messages.createResponse(Response.TRYING, req));
            } catch (Exception e) {
                counters.count(SipEdgeCounters.SEND_FAILED, "100 Trying to " + source + ": " + e);
            }
            if (st.getDialog() != null) dialogs.put(converted.callId(), st.getDialog());
        }
        KeepaliveTimes keepalive = null;
        if (Request.OPTIONS.equals(method)) {
            long heard = System.nanoTime();
            Long valve = req instanceof gov.nist.javax.sip.message.SIPRequest r ? guard.registerArrivals().remove(r.getTransactionId()) : null;
            keepalive = new KeepaliveTimes(valve != null ? valve : heard, heard);
            keepalive.attachTo(st);
        }
        boolean answered = Request.OPTIONS.equals(method) && converted.toTag() == null && !sentAway(converted)
                && answerKeepalive(st);
        ServerTransaction tx = st;
        long arrived = 0;
        if (Request.REGISTER.equals(method)) {
            // off the wire when the valve saw it (the stack's own queue is part of the wait), else now
            Long valve = req instanceof gov.nist.javax.sip.message.SIPRequest r
                    ? guard.registerArrivals().remove(r.getTransactionId()) : null;
            arrived = valve != null ? valve : System.nanoTime();
        }
        long registerArrived = arrived;
        KeepaliveTimes keepaliveTimes = keepalive;
        long submitted = arrived != 0 ? System.nanoTime() : 0;
        java.util.function.LongFunction<Event> event = now -> {
            long handle = nextHandle++;
            if (!answered) serverTransactions.put(handle, tx);
            if (registerArrived != 0) registerTimes.put(handle, new long[] {registerArrived, submitted, System.nanoTime()});
            if (keepaliveTimes != null && !answered) keepaliveTimes.taken(System.nanoTime());
            return new Event.SipRequestReceived(now, source, handle, converted);
        };
        if (registerArrived != 0 && registrationLane.takes(converted)) runner.submitRegistration(event);
        else if (registerArrived != 0) runner.submit(registrationLane.handled(converted, event));
        else runner.submit(event);
    }

    /** Users the core sends to the other controller (failback, {@link PhoneHandback}): their keepalives go to the core. */
    private volatile java.util.function.Predicate<String> away = u -> false;

    /** Tells the edge which users' keepalives the core answers itself (it sends them to the other controller). */
    public void sentAway(java.util.function.Predicate<String> away) { this.away = away; }

    private boolean sentAway(SipRequest r) {
        SipUri from = r.fromUri() == null ? null : SipUri.parse(r.fromUri());
        return from != null && from.user() != null && away.test(from.user());
    }

    /**
     * Answers an out-of-dialog OPTIONS (a phone's keepalive) here, with what the core answers (200, Allow, Accept),
     * while the core is {@linkplain CoreRunner#progressing progressing}: a controller busy with thousands of calls
     * (or rebuilding them after a failover) still answers at once and its phones stay; a stuck core does not, and
     * they fail over. The request still goes to the core, whose reply is then dropped.
     */
    private boolean answerKeepalive(ServerTransaction st) {
        if (!runner.progressing()) return false;
        respond(st, SipMessageMapping.keepaliveReply());
        counters.count(SipEdgeCounters.KEEPALIVES_AT_EDGE);
        keepaliveAnswered(st, "at the edge");
        return true;
    }

    /** A response outside any transaction we keep: used for requests the core never sees. */
    private void answerDirectly(RequestEvent ev, int status, String reason) {
        try {
            ServerTransaction st = ev.getServerTransaction() != null ? ev.getServerTransaction()
                    : provider.getNewServerTransaction(ev.getRequest());
            Response r = messages.createResponse(status, ev.getRequest());
            r.setReasonPhrase(reason);
            st.sendResponse(r);
        } catch (Exception e) {
            counters.count(SipEdgeCounters.SEND_FAILED, status + " " + reason + ": " + e);
        }
    }

    private void answerStatelessly(Request req, String reason) {
        try {
            Response r = messages.createResponse(Response.BAD_REQUEST, req);
            r.setReasonPhrase(reason);
            provider.sendResponse(r);
        } catch (Exception e) {
            counters.count(SipEdgeCounters.SEND_FAILED, "400 " + reason + ": " + e);
        }
    }

    @Override public void processResponse(ResponseEvent ev) {
        Response resp = ev.getResponse();
        ClientTransaction ct = ev.getClientTransaction();
        if (ct == null || !(ct.getApplicationData() instanceof Long token)) return; // stray or retransmitted
        CSeqHeader cseq = (CSeqHeader) resp.getHeader(CSeqHeader.NAME);
        String callId = ((CallIdHeader) resp.getHeader(CallIdHeader.NAME)).getCallId();
        int status = resp.getStatusCode();
        if (Request.INVITE.equals(cseq.getMethod()) && status >= 200 && status < 300) {
            answeredCSeq.put(callId, cseq.getSeqNumber());
            if (ev.getDialog() != null) dialogs.put(callId, ev.getDialog());
        }
        SipResponse r = SipMessageMapping.toCore(resp);
        runner.submit(now -> new Event.SipResponseReceived(now, token, r));
    }

    /**
     * A response no client transaction matched ({@link EdgeValve}): the phone's final response to the INVITE of an
     * early dialog we took over ({@link Command.SipAdoptEarlyDialog}) goes to the core as that INVITE's; true when it
     * was such a response (a provisional one is dropped). Its 2xx retransmissions find the dialog acknowledged and get
     * the ACK again, as any other. Runs on a stack thread.
     */
    private boolean earlyAnswer(Response resp) {
        CallIdHeader id = (CallIdHeader) resp.getHeader(CallIdHeader.NAME);
        EarlyDialog e = id == null ? null : earlyDialogs.get(id.getCallId());
        if (e == null) return false;
        CSeqHeader cseq = (CSeqHeader) resp.getHeader(CSeqHeader.NAME);
        FromHeader from = (FromHeader) resp.getHeader(FromHeader.NAME);
        ToHeader to = (ToHeader) resp.getHeader(ToHeader.NAME);
        if (cseq == null || !Request.INVITE.equals(cseq.getMethod()) || cseq.getSeqNumber() != e.inviteCSeq()
                || from == null || !e.localTag().equals(from.getTag()) || to == null || !e.remoteTag().equals(to.getTag())) {
            return false;
        }
        if (resp.getStatusCode() < 200 || !earlyDialogs.remove(id.getCallId(), e)) return true;
        counters.count(SipEdgeCounters.EARLY_ANSWERS);
        SipResponse r = SipMessageMapping.toCore(resp);
        runner.submit(now -> new Event.SipResponseReceived(now, e.token(), r));
        return true;
    }

    @Override public void processTimeout(TimeoutEvent ev) {
        if (ev.isServerTransaction()) return; // no ACK for our final response: the stack gave up, nothing to tell
        ClientTransaction ct = ev.getClientTransaction();
        if (ct != null && ct.getApplicationData() instanceof Long token) {
            runner.submit(now -> new Event.SipRequestFailed(now, token, "timeout"));
        }
    }

    @Override public void processIOException(IOExceptionEvent ev) {
        counters.count(SipEdgeCounters.IO_ERRORS, ev.getTransport() + " " + ev.getHost() + ":" + ev.getPort());
    }

    @Override public void processTransactionTerminated(TransactionTerminatedEvent ev) {
        if (ev.isServerTransaction()) return;
        ClientTransaction ct = ev.getClientTransaction();
        String callId = ((CallIdHeader) ct.getRequest().getHeader(CallIdHeader.NAME)).getCallId();
        invites.remove(callId, ct);
        // the core forgets a request at its final response; one that ended without any must not stay pending
        // (listener calls are in order, so this comes after the response or timeout it may follow)
        if (ct.getApplicationData() instanceof Long token && Request.INVITE.equals(ct.getRequest().getMethod())) {
            runner.submit(now -> new Event.SipRequestFailed(now, token, "terminated"));
        }
    }

    @Override public void processDialogTerminated(DialogTerminatedEvent ev) {
        String callId = ev.getDialog().getCallId().getCallId();
        if (dialogs.get(callId) == ev.getDialog()) earlyDialogs.remove(callId);
        dialogs.remove(callId, ev.getDialog());
        answeredCSeq.remove(callId);
        runner.submit(now -> new Event.SipDialogEnded(now, callId));
    }

    // ------------------------------------------------------------------------------------------ out

    /**
     * Takes the core's SIP commands (others are ignored) and has them carried out by the sender thread of their
     * Call-ID. Runs on the core thread: only the transaction lookup happens here.
     */
    public void execute(List<Command> commands) {
        for (Command c : commands) {
            if (c instanceof Command.SipRespond r && r.handle() < 0) {
                // the answer to a phone's INVITE taken over from a dead controller (no transaction here)
                Request invite = r.reply().status() >= 200 ? earlyInvites.remove(-r.handle()) : earlyInvites.get(-r.handle());
                if (invite != null) hand(((CallIdHeader) invite.getHeader(CallIdHeader.NAME)).getCallId(), () -> respondEarly(invite, r.reply()));
            } else if (c instanceof Command.SipRespond r) {
                SipReply reply = r.reply();
                ServerTransaction st = reply.status() >= 200 ? serverTransactions.remove(r.handle()) : serverTransactions.get(r.handle());
                if (st == null) {
                    LOG.log(System.Logger.Level.DEBUG, () -> "no transaction " + r.handle() + " for " + reply.status());
                    continue;
                }
                String callId = ((CallIdHeader) st.getRequest().getHeader(CallIdHeader.NAME)).getCallId();
                long[] times = reply.status() >= 200 ? registerTimes.remove(r.handle()) : null;
                if (times != null) registrationLane.answered(st.getRequest(), callId, reply.status());
                if (times == null && reply.status() >= 200 && Request.OPTIONS.equals(st.getRequest().getMethod())) {
                    long decided = System.nanoTime();
                    KeepaliveTimes k = KeepaliveTimes.of(st);
                    if (k != null) k.decided(decided);
                    hand(callId, () -> {
                        respond(st, reply);
                        keepaliveAnswered(st, "by the core");
                    });
                } else if (times == null) {
                    hand(callId, () -> respond(st, reply));
                } else {
                    long decided = System.nanoTime();
                    handFirst(callId, () -> {
                        respond(st, reply);
                        lateRegister(st, reply.status(), times[0], times[1], times[2], decided, System.nanoTime());
                    });
                }
            } else if (c instanceof Command.SipSend s) {
                hand(s.request().callId(), () -> send(s));
            } else if (c instanceof Command.SipAdoptDialog a) {
                // at once, on the core thread: the commands after it (a BYE in the dialog) need the dialog
                adopt(a.dialog());
            } else if (c instanceof Command.SipAdoptEarlyDialog a && a.inviteBranch() != null) {
                adoptEarlyInvite(a.dialog(), a.token(), a.inviteBranch());
            } else if (c instanceof Command.SipAdoptEarlyDialog a) {
                adoptEarly(a.dialog(), a.token());
            }
        }
    }

    /**
     * Counts and logs a REGISTER answered late, with where the time went. Every one at INFO: they are few (a phone
     * fails over after one) and each names a phone that may have left us.
     */
    private void lateRegister(ServerTransaction st, int status, long arrived, long submitted, long taken, long decided,
                              long sent) {
        if (sent - arrived < LATE_REGISTER_NANOS) return;
        counters.count(SipEdgeCounters.REGISTERS_ANSWERED_LATE);
        LOG.log(System.Logger.Level.INFO, () -> "REGISTER from "
                + ((FromHeader) st.getRequest().getHeader(FromHeader.NAME)).getAddress() + " answered " + status + " "
                + (sent - arrived) / 1_000_000 + " ms after it arrived: " + (submitted - arrived) / 1_000_000
                + " ms in the SIP stack, " + (taken - submitted) / 1_000_000 + " ms queued for the core, "
                + (decided - taken) / 1_000_000 + " ms in the core, "
                + (sent - decided) / 1_000_000 + " ms waiting for and in the sender");
    }

    /**
     * Counts and logs (WARNING) an OPTIONS answered late, with where the time went: a phone's keepalive unanswered for
     * its timeout makes it leave us, and the split tells a stack that delivered it late (parsing threads, the
     * listener's queue, a pause of this process) from a core that was not progressing.
     */
    private void keepaliveAnswered(ServerTransaction st, String how) {
        KeepaliveTimes k = KeepaliveTimes.of(st);
        if (k == null) return;
        String late = k.lateSplit(System.nanoTime());
        if (late == null) return;
        counters.count(SipEdgeCounters.KEEPALIVES_ANSWERED_LATE);
        LOG.log(System.Logger.Level.WARNING, () -> "OPTIONS from "
                + ((FromHeader) st.getRequest().getHeader(FromHeader.NAME)).getAddress() + " answered " + how + " " + late);
    }

    private void hand(String callId, Runnable task) { hand(callId, task, false); }

    /**
     * Like {@link #hand(String, Runnable)}, ahead of the sendings already queued (the answer to a REGISTER). After a
     * failover the senders carry the alternate's SUBSCRIBEs and answers to a thousand phones at once; a REGISTER's
     * answer waited up to 2.7 s behind them in a 10,000-call drill, and phones gave up on it. Only a REGISTER's answers
     * go first, and they keep their own order, so a Call-ID's sendings keep theirs (a registration's Call-ID carries
     * nothing else).
     */
    private void handFirst(String callId, Runnable task) { hand(callId, task, true); }

    private final AtomicLong sendings = new AtomicLong();

    private void hand(String callId, Runnable task, boolean first) {
        try {
            senders[Math.floorMod(callId == null ? 0 : callId.hashCode(), senders.length)]
                    .execute(new Sending(first, sendings.incrementAndGet(), task));
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            LOG.log(System.Logger.Level.DEBUG, "SIP edge closed: a command is dropped");
        }
    }

    /** A sender's task: those handed first before the others, each lane in the order handed. */
    private record Sending(boolean first, long seq, Runnable task) implements Runnable, Comparable<Sending> {
        @Override public void run() { task.run(); }

        @Override public int compareTo(Sending o) {
            if (first != o.first) return first ? -1 : 1;
            return Long.compare(seq, o.seq);
        }
    }

    private void respond(ServerTransaction st, SipReply reply) {
        try {
            Request req = st.getRequest();
            st.sendResponse(mapping.response(req, reply, reply.contact() ? ourContact(transportOf(req), reply.cookie()) : null));
        } catch (Exception e) {
            counters.count(SipEdgeCounters.SEND_FAILED, reply.status() + " for " + st.getRequest().getMethod() + ": " + e);
        }
    }

    private void send(Command.SipSend s) {
        SipOutgoingRequest q = s.request();
        try {
            switch (q.method()) {
                case Request.INVITE -> {
                    if (q.requestUri() != null) {
                        outOfDialog(s.token(), q);
                    } else {
                        // a re-INVITE in the dialog, with the SDP the other leg sent
                        Dialog d = dialogs.get(q.callId());
                        if (d == null) throw new IllegalStateException("no dialog " + q.callId());
                        Request re = d.createRequest(Request.INVITE);
                        re.setHeader(ourContact(transportOf(re), q.cookie()));
                        if (q.body() != null) re.setContent(q.body(), mapping.contentType(q.contentType()));
                        ClientTransaction ct = provider.getNewClientTransaction(re);
                        ct.setApplicationData(s.token());
                        d.sendRequest(ct);
                    }
                }
                case Request.SUBSCRIBE -> outOfDialog(s.token(), q);
                case Request.ACK -> {
                    Dialog d = dialogs.get(q.callId());
                    Long cseq = answeredCSeq.get(q.callId());
                    if (d == null || cseq == null) throw new IllegalStateException("no answered dialog " + q.callId());
                    Request ack = d.createAck(cseq);
                    // the answer to an offer the other side put in its 2xx (an INVITE or re-INVITE we sent without SDP)
                    if (q.body() != null) ack.setContent(q.body(), mapping.contentType(q.contentType()));
                    d.sendAck(ack);
                }
                case Request.CANCEL -> {
                    ClientTransaction invite = invites.get(q.callId());
                    if (invite == null) throw new IllegalStateException("no INVITE to cancel in " + q.callId());
                    ClientTransaction ct = provider.getNewClientTransaction(invite.createCancel());
                    ct.setApplicationData(s.token());
                    ct.sendRequest();
                }
                default -> {
                    Dialog d = dialogs.get(q.callId());
                    if (d == null) throw new IllegalStateException("no dialog " + q.callId());
                    Request req = d.createRequest(q.method());
                    // a NOTIFY of a REFER's implicit subscription: Event, Subscription-State, a sipfrag body
                    mapping.fillInDialog(req, q);
                    ClientTransaction ct = provider.getNewClientTransaction(req);
                    ct.setApplicationData(s.token());
                    d.sendRequest(ct);
                }
            }
        } catch (Exception e) {
            counters.count(SipEdgeCounters.SEND_FAILED, q.method() + " in " + q.callId() + ": " + e);
            if (s.token() != 0) runner.submit(now -> new Event.SipRequestFailed(now, s.token(), "not-sent"));
        }
    }

    /** An INVITE or SUBSCRIBE that starts a dialog. */
    private void outOfDialog(long token, SipOutgoingRequest q) throws Exception {
        String transport = mapping.transportTo(q);
        ViaHeader via = headers.createViaHeader(host, port, transport, "z9hG4bKhf" + branches.incrementAndGet() + "x" + branchNonce);
        Request req = mapping.dialogStarting(q, via, ourContact(transport, q.cookie()));
        ClientTransaction ct = provider.getNewClientTransaction(req);
        ct.setApplicationData(token);
        if (Request.INVITE.equals(q.method())) invites.put(q.callId(), ct);
        if (ct.getDialog() != null) dialogs.put(q.callId(), ct.getDialog());
        ct.sendRequest();
    }

    /**
     * Makes the stack know a dialog another controller set up, as if it had set it up itself: JAIN-SIP's RI keeps
     * dialogs only for transactions it saw, answers 481 to a BYE in any other dialog (automatic dialog support), and
     * offers no public way to create one from state. {@link AdoptedDialogs} builds the stack's dialog from the 2xx it
     * would have seen as the dialog's UAC (our tag in From, the phone's in To, the phone's Contact as remote target,
     * our CSeq) and registers it; from then on the phone's requests match it and {@code Dialog.createRequest} and
     * {@code sendAck} work in it like in any other.
     */
    private void adopt(AdoptedDialog a) {
        try {
            Dialog d = AdoptedDialogs.create(stack, provider, messages, headers, addresses, host, port, a);
            dialogs.put(a.callId(), d);
            counters.count(SipEdgeCounters.DIALOGS_ADOPTED);
        } catch (Exception | LinkageError e) {
            counters.count(SipEdgeCounters.SEND_FAILED, "cannot adopt dialog " + a.callId() + ": " + e);
        }
    }

    /**
     * An early dialog in which we are the UAC ({@link Command.SipAdoptEarlyDialog}; {@code a.localCSeq()} is the
     * INVITE's CSeq). The stack gets the dialog as {@link #adopt} makes it, as if the 2xx to that INVITE had come (the
     * RI has no early UAC dialog without the INVITE's transaction): a BYE in it (the caller leaves while the phone
     * rings, RFC 3261 15) and, once the phone's final response came, the ACK are sent with it as in any dialog.
     */
    private void adoptEarly(AdoptedDialog a, long token) {
        try {
            long invite = a.localCSeq();
            AdoptedDialog asAnswered = new AdoptedDialog(a.phoneUser(), a.callId(), a.localTag(), a.remoteTag(), a.localUri(),
                    a.remoteUri(), a.remoteTarget(), a.transport(), invite - 1, a.remoteCSeq(), a.routeSet(), a.cookie());
            Dialog d = AdoptedDialogs.create(stack, provider, messages, headers, addresses, host, port, asAnswered);
            dialogs.put(a.callId(), d);
            answeredCSeq.put(a.callId(), invite);
            earlyDialogs.put(a.callId(), new EarlyDialog(a.localTag(), a.remoteTag(), invite, token));
            counters.count(SipEdgeCounters.DIALOGS_ADOPTED);
        } catch (Exception | LinkageError e) {
            counters.count(SipEdgeCounters.SEND_FAILED, "cannot adopt early dialog " + a.callId() + ": " + e);
        }
    }

    /**
     * An early dialog in which we are the UAS: the phone's INVITE went to a controller that died while the line it
     * called rang. The stack gets the dialog as {@link #adopt} makes it (the phone's BYE and ACK then match it); the
     * INVITE is rebuilt as the phone sent it, as far as a response needs (Call-ID, CSeq, From with the phone's tag,
     * To, and a Via with the phone's address and the branch it reported), so that our response matches the phone's
     * INVITE client transaction.
     */
    private void adoptEarlyInvite(AdoptedDialog a, long token, String branch) {
        try {
            Dialog d = AdoptedDialogs.create(stack, provider, messages, headers, addresses, host, port, a);
            dialogs.put(a.callId(), d);
            Request invite = mapping.takenOverInvite(a, branch);
            earlyInvites.put(token, invite);
            counters.count(SipEdgeCounters.DIALOGS_ADOPTED);
        } catch (Exception | LinkageError e) {
            counters.count(SipEdgeCounters.SEND_FAILED, "cannot adopt early dialog " + a.callId() + ": " + e);
        }
    }

    /** A response to a phone's INVITE taken over: statelessly, to its Via; a 2xx again until the ACK (13.3.1.4). */
    private void respondEarly(Request invite, SipReply reply) {
        try {
            Response resp = mapping.response(invite, reply, reply.contact() ? ourContact(transportOf(invite), reply.cookie()) : null);
            provider.sendResponse(resp);
            counters.count(SipEdgeCounters.EARLY_ANSWERS);
            if (reply.status() / 100 == 2 && "udp".equals(transportOf(invite))) {
                String callId = ((CallIdHeader) invite.getHeader(CallIdHeader.NAME)).getCallId();
                unackedEarlyOks.put(callId, resp);
                okAgain(callId, resp, 500, 0);
            }
        } catch (Exception e) {
            counters.count(SipEdgeCounters.SEND_FAILED, reply.status() + " to an INVITE taken over: " + e);
        }
    }

    private void okAgain(String callId, Response ok, long interval, long waited) {
        try {
            okTimer.schedule(() -> {
                if (unackedEarlyOks.get(callId) != ok) return;
                if (waited + interval >= 64 * 500) { // no ACK in 64*T1: given up (the phone's dialog then times out)
                    unackedEarlyOks.remove(callId, ok);
                    return;
                }
                try {
                    provider.sendResponse(ok);
                } catch (Exception e) {
                    counters.count(SipEdgeCounters.SEND_FAILED, "2xx again in " + callId + ": " + e);
                }
                okAgain(callId, ok, Math.min(2 * interval, 4000), waited + interval);
            }, interval, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // the edge is closing
        }
    }

    /** An ACK came off the wire ({@link EdgeValve}): a 2xx we send again for an INVITE taken over is acknowledged. */
    private void ackArrived(Request ack) {
        if (unackedEarlyOks.isEmpty()) return;
        CallIdHeader id = (CallIdHeader) ack.getHeader(CallIdHeader.NAME);
        if (id != null) unackedEarlyOks.remove(id.getCallId());
    }

    /** Our Contact (see {@link SipMessageMapping#contact}). */
    private ContactHeader ourContact(String transport, String cookie) throws Exception {
        return mapping.contact(host, port, transport, cookie);
    }

    private static String transportOf(Request req) { return SipMessageMapping.transportOf(req); }

    @Override public void close() {
        okTimer.shutdownNow();
        for (java.util.concurrent.ExecutorService x : senders) x.shutdown();
        try {
            for (java.util.concurrent.ExecutorService x : senders) x.awaitTermination(2, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (java.util.concurrent.ExecutorService x : senders) x.shutdownNow();
        try {
            provider.removeSipListener(this);
        } catch (RuntimeException e) {
            // closing anyway
        }
        try {
            stack.stop();
        } catch (RuntimeException e) {
            // the RI can trip over its own UDP processor when stopped right after start; the sockets are closed
            LOG.log(System.Logger.Level.DEBUG, "SIP stack stop", e);
        } finally {
            GUARDS.remove(stackName);
        }
    }
}
