package dev.holdfast.endpointsim;

import dev.holdfast.endpointsim.sip.SipEndpoint;
import dev.holdfast.endpointsim.sip.SipStackPort;
import dev.holdfast.endpointsim.sip.VirtualSipNetwork;
import dev.holdfast.sim.time.VirtualSimScheduler;
import org.junit.jupiter.api.Test;

import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The virtual SIP network's transaction layer over UDP (RFC 3261 section 17): what a lost message costs, as on the
 * JAIN-SIP stack the network stands in for. Two bare ports, a user agent server that answers what it is told to, and
 * a drop rule; every time and count below follows from T1 = 500 ms, T2 = 4 s and a 2 ms one-way latency.
 */
class VirtualSipTransactionsTest {
    private static final InetSocketAddress UAC = new InetSocketAddress("198.18.0.1", 5060);
    private static final InetSocketAddress UAS = new InetSocketAddress("198.18.0.2", 5060);

    private final VirtualSimScheduler clock = new VirtualSimScheduler();
    private final VirtualSipNetwork sip = new VirtualSipNetwork(clock, Duration.ofMillis(2));
    private final VirtualSipNetwork.Port uac = sip.open(UAC);
    private final VirtualSipNetwork.Port uas = sip.open(UAS);
    /** Requests the UAS's user agent got (each delivered once, whatever the copies on the wire). */
    private final List<Request> delivered = new ArrayList<>();
    /** Every message on the wire, as its first line, in order (dropped ones too). */
    private final List<String> wire = new ArrayList<>();
    /** The UAS's answer to each request (null: none). */
    private java.util.function.Function<Request, Integer> answer = r -> 200;
    private final List<String> outcomes = new ArrayList<>();
    private int branch;

    VirtualSipTransactionsTest() {
        uas.bindDefault(new SipEndpoint() {
            @Override public void request(Request r, ServerRef tx) {
                delivered.add(r);
                Integer status = answer.apply(r);
                if (tx == null || status == null) return;
                try {
                    Response resp = uas.messages().createResponse(status, r);
                    ToHeader to = (ToHeader) resp.getHeader(ToHeader.NAME);
                    if (status > 100 && to.getTag() == null) to.setTag("uas");
                    tx.respond(resp);
                } catch (java.text.ParseException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
    }

    private void drop(Predicate<String> firstLine) {
        sip.dropWhen(text -> {
            String line = text.substring(0, text.indexOf('\r'));
            wire.add(line);
            return firstLine.test(line);
        });
    }

    private long count(String firstLinePrefix) { return wire.stream().filter(l -> l.startsWith(firstLinePrefix)).count(); }

    private Request request(String method, String transport) throws Exception {
        var af = uac.addresses();
        var hf = uac.headers();
        Request r = uac.messages().createRequest(af.createURI("sip:bob@198.18.0.2:5060"), method,
                hf.createCallIdHeader("call" + (++branch) + "@uac"), hf.createCSeqHeader(1L, method),
                hf.createFromHeader(af.createAddress("sip:alice@198.18.0.1"), "a" + branch),
                hf.createToHeader(af.createAddress("sip:bob@198.18.0.2"), null),
                new ArrayList<>(List.of(hf.createViaHeader("198.18.0.1", 5060, transport, "z9hG4bKt" + branch))),
                hf.createMaxForwardsHeader(70));
        r.addHeader(hf.createContactHeader(af.createAddress("sip:alice@198.18.0.1:5060")));
        return r;
    }

    private SipStackPort.ClientRef send(Request r) {
        return uac.send(r, new SipStackPort.ResponseHandler() {
            @Override public void response(Response response) { outcomes.add(String.valueOf(response.getStatusCode())); }
            @Override public void timeout() { outcomes.add("timeout@" + clock.elapsed().toMillis()); }
            @Override public void failed(String why) { outcomes.add("failed " + why); }
        });
    }

    private void advance(long millis) { clock.advance(Duration.ofMillis(millis)); }

    @Test void aLostRequestIsSentAgainAtT1AndDeliveredOnce() throws Exception {
        int[] options = {0};
        drop(l -> l.startsWith("OPTIONS") && options[0]++ == 0);
        send(request(Request.OPTIONS, "udp"));
        advance(499);
        assertEquals(0, delivered.size(), "the first copy was lost");
        advance(10);
        assertEquals(1, delivered.size(), "the copy sent at T1 arrived");
        assertEquals(List.of("200"), outcomes);
        advance(40_000);
        assertEquals(2, count("OPTIONS"), "no third copy after the response");
        assertEquals(1, delivered.size());
        assertEquals(1, sip.retransmitted());
    }

    @Test void aLostResponseIsSentAgainForTheRequestsNextCopyAndTheUserAgentSeesTheRequestOnce() throws Exception {
        int[] oks = {0};
        drop(l -> l.startsWith("SIP/2.0 200") && oks[0]++ == 0);
        send(request(Request.OPTIONS, "udp"));
        advance(600);
        assertEquals(List.of("200"), outcomes, "the copy of the OPTIONS got the stored 200");
        assertEquals(1, delivered.size(), "the copy was absorbed by the server transaction");
        assertEquals(2, count("SIP/2.0 200"));
    }

    @Test void unansweredRequestsAreSentAgainDoublingToT2AndTimeOutAt64T1() throws Exception {
        drop(l -> l.startsWith("OPTIONS") || l.startsWith("INVITE"));
        send(request(Request.OPTIONS, "udp"));
        send(request(Request.INVITE, "udp"));
        advance(40_000);
        // non-INVITE (timer E): 0, 0.5, 1.5, 3.5, 7.5, then every T2 up to 31.5 s
        assertEquals(11, count("OPTIONS"));
        // INVITE (timer A): 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s
        assertEquals(7, count("INVITE"));
        assertEquals(List.of("timeout@32000", "timeout@32000"), outcomes);
    }

    @Test void aProvisionalResponseStopsTheInvitesCopies() throws Exception {
        answer = r -> Request.INVITE.equals(r.getMethod()) ? 180 : 200;
        drop(l -> false);
        send(request(Request.INVITE, "udp"));
        advance(10_000);
        assertEquals(1, count("INVITE"));
        assertEquals(List.of("180"), outcomes);
    }

    @Test void aRingingInviteWaitsForItsFinalResponsePast64T1() throws Exception {
        answer = r -> Request.INVITE.equals(r.getMethod()) ? 180 : 200;
        drop(l -> false);
        send(request(Request.INVITE, "udp"));
        advance(90_000);
        assertEquals(List.of("180"), outcomes, "timer B runs only while no provisional response came: no timeout");
    }

    @Test void aRefusedInviteIsAcknowledgedByTheTransactionsAndALostAckBringsTheRefusalAgain() throws Exception {
        answer = r -> Request.INVITE.equals(r.getMethod()) ? 486 : 200;
        int[] acks = {0};
        drop(l -> l.startsWith("ACK") && acks[0]++ == 0);
        send(request(Request.INVITE, "udp"));
        advance(40_000);
        assertEquals(List.of("486"), outcomes, "the UAC's user agent sees the refusal once");
        assertEquals(2, count("SIP/2.0 486"), "sent again at T1 (timer G) after the lost ACK");
        assertEquals(2, count("ACK"), "each copy acknowledged by the UAC's transaction");
        assertEquals(1, delivered.size(), "the ACKs are the transactions' business: the UAS's user agent got only the INVITE");
    }

    @Test void theCopyOfAnInviteAnsweredWith2xxIsAbsorbed() throws Exception {
        int[] oks = {0};
        drop(l -> l.startsWith("SIP/2.0 200") && oks[0]++ == 0);
        send(request(Request.INVITE, "udp"));
        advance(2_000);
        assertEquals(1, delivered.size(), "the INVITE's copies are not delivered again (RFC 6026 Accepted)");
        assertTrue(count("INVITE") >= 2, "the INVITE went again: its 2xx was lost");
        assertEquals(1, count("SIP/2.0 200"), "the 2xx is the user agent's to send again, not the transaction's");
        assertEquals(List.of(), outcomes);
    }

    @Test void overTcpNothingIsSentAgain() throws Exception {
        drop(l -> l.startsWith("OPTIONS"));
        send(request(Request.OPTIONS, "tcp"));
        advance(40_000);
        assertEquals(1, count("OPTIONS"));
        assertEquals(List.of("timeout@32000"), outcomes);
        assertEquals(0, sip.retransmitted());
    }
}
