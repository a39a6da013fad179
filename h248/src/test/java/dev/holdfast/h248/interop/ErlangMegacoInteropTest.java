package dev.holdfast.h248.interop;

import dev.holdfast.h248.interop.ErlangPeer.Encoding;
import dev.holdfast.h248.interop.ErlangPeer.Role;
import dev.holdfast.h248.interop.ErlangPeer.Transport;
import dev.holdfast.h248.message.ActionReply;
import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.Command;
import dev.holdfast.h248.message.CommandReply;
import dev.holdfast.h248.message.CommandRequest;
import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.message.MediaDescriptor;
import dev.holdfast.h248.message.TerminationId;
import dev.holdfast.h248.message.Transaction;
import dev.holdfast.h248.text.TextForm;
import dev.holdfast.h248.transaction.IncomingRequest;
import dev.holdfast.h248.transaction.TransactionErrorException;
import dev.holdfast.h248.transaction.TransactionOptions;
import dev.holdfast.h248.message.ErrorDescriptor;
import dev.holdfast.h248.transport.EndpointOptions;
import dev.holdfast.h248.transport.H248Endpoint;
import dev.holdfast.h248.transport.Messages;
import dev.holdfast.h248.transport.Peer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Our stack (H248Endpoint: Netty transport, text codec, transaction layer) against Erlang/OTP megaco
 * ({@code hf_megaco_peer.erl}) over real sockets, UDP and TCP, pretty and compact text, in both roles. The
 * scenario is the peer script's: ServiceChange Restart/901 from the MG, Modify A4444 with Media and Events
 * 2222{al/of} from the MGC, Notify A4444 ObservedEvents 2222{al/of} from the MG, AuditValue A4444 Audit{Media}
 * from the MGC. Both sides check every request and reply; the Erlang side exits 0 only if all passed.
 */
class ErlangMegacoInteropTest {
    private static final Duration STEP = Duration.ofSeconds(15);
    private static final Duration EXIT = Duration.ofSeconds(30);
    /** OTP's UDP request timer is 1.5 s; ours are made similar so neither side floods the other. */
    private static final TransactionOptions TIMERS = TransactionOptions.DEFAULTS
            .withRetransmission(Duration.ofMillis(1000), Duration.ofSeconds(2), 4)
            .withReliableReplyTimeout(Duration.ofSeconds(8));

    static List<Arguments> combinations() {
        return List.of(
                Arguments.of(Transport.UDP, Encoding.PRETTY),
                Arguments.of(Transport.UDP, Encoding.COMPACT),
                Arguments.of(Transport.TCP, Encoding.PRETTY),
                Arguments.of(Transport.TCP, Encoding.COMPACT));
    }

    static EndpointOptions options(Encoding encoding) {
        return EndpointOptions.DEFAULTS.withTransactions(TIMERS)
                .withTextForm(encoding == Encoding.PRETTY ? TextForm.PRETTY : TextForm.COMPACT);
    }

    /** What the scenario's requests are answered with, on either side; records what came in. */
    static final class ScenarioHandler {
        final CompletableFuture<Peer> serviceChange = new CompletableFuture<>();
        final CompletableFuture<Command.Amm> modify = new CompletableFuture<>();
        final CompletableFuture<Command.Notify> notify = new CompletableFuture<>();
        final CompletableFuture<Command.Audit> audit = new CompletableFuture<>();

        CompletionStage<List<ActionReply>> handle(IncomingRequest r) {
            List<ActionRequest> actions = r.request().actions();
            if (actions.size() != 1 || actions.get(0).commands().size() != 1) {
                return CompletableFuture.failedFuture(new TransactionErrorException(
                        ErrorDescriptor.of(ErrorDescriptor.NOT_IMPLEMENTED, "one command expected")));
            }
            CommandRequest cr = actions.get(0).commands().get(0);
            Command c = cr.command();
            if (c instanceof Command.ServiceChange) {
                serviceChange.complete(r.peer());
                return CompletableFuture.completedFuture(Messages.serviceChangeReply());
            } else if (c instanceof Command.Amm amm && amm.verb() == Command.AmmVerb.MODIFY) {
                modify.complete(amm);
                return CompletableFuture.completedFuture(Messages.modifyReply());
            } else if (c instanceof Command.Notify n) {
                notify.complete(n);
                return CompletableFuture.completedFuture(Messages.notifyReply());
            } else if (c instanceof Command.Audit a && !a.capabilities()) {
                audit.complete(a);
                return CompletableFuture.completedFuture(Messages.auditMediaReply());
            }
            return CompletableFuture.failedFuture(new TransactionErrorException(
                    ErrorDescriptor.of(ErrorDescriptor.NOT_IMPLEMENTED, "not in the scenario")));
        }
    }

    static CommandReply onlyReply(Transaction.Reply reply) {
        assertNull(reply.error(), () -> "transaction error " + reply.error());
        assertEquals(1, reply.actions().size());
        ActionReply ar = reply.actions().get(0);
        assertNull(ar.error(), () -> "action error " + ar.error());
        assertEquals(1, ar.replies().size());
        return ar.replies().get(0);
    }

    static void assertA4444(List<TerminationId> ids) {
        assertEquals(1, ids.size());
        assertTrue(ids.get(0).value().equalsIgnoreCase("A4444"), ids.toString());
    }

    static H248Endpoint ourEndpoint(Transport transport, int port, Encoding encoding, InetSocketAddress remote)
            throws Exception {
        MId mid = MId.ipv4("127.0.0.1", port);
        InetSocketAddress local = new InetSocketAddress("127.0.0.1", port);
        if (transport == Transport.UDP) return H248Endpoint.udp(mid, local, options(encoding));
        if (remote == null) return H248Endpoint.tcpServer(mid, local, options(encoding));
        return H248Endpoint.tcpClient(mid, remote, options(encoding));
    }

    @ParameterizedTest(name = "our MGC, Erlang MG, {0} {1}")
    @MethodSource("combinations")
    @Timeout(90)
    void ourMgcAgainstErlangMg(Transport transport, Encoding encoding) throws Exception {
        int mgcPort = ErlangPeer.freePort(transport);
        int mgPort = ErlangPeer.freePort(Transport.UDP);
        while (mgPort == mgcPort) mgPort = ErlangPeer.freePort(Transport.UDP);
        ScenarioHandler handler = new ScenarioHandler();
        try (H248Endpoint mgc = ourEndpoint(transport, mgcPort, encoding, null)) {
            mgc.onRequest(handler::handle);
            try (ErlangPeer mg = ErlangPeer.start(Role.MG, transport, encoding, mgPort, "127.0.0.1", mgcPort)) {
                // 1. ServiceChange Restart from the MG, answered by our handler
                Peer mgPeer = handler.serviceChange.get(STEP.toSeconds(), TimeUnit.SECONDS);
                mg.awaitLine("HF-STEP servicechange-reply ok", STEP);

                // 2. our Modify with Media and Events
                CommandReply mod = onlyReply(mgc.send(mgPeer, Messages.modifyWithEvents())
                        .get(STEP.toSeconds(), TimeUnit.SECONDS));
                CommandReply.Amms amms = assertInstanceOf(CommandReply.Amms.class, mod);
                assertEquals(CommandReply.AmmsVerb.MODIFY, amms.verb());
                assertA4444(amms.terminationIds());
                mg.awaitLine("HF-STEP modify-request received", STEP);

                // 3. their Notify, our reply
                Command.Notify notify = handler.notify.get(STEP.toSeconds(), TimeUnit.SECONDS);
                assertA4444(notify.terminationIds());
                assertEquals(2222, notify.observedEvents().requestId().value());
                assertTrue(notify.observedEvents().events().get(0).name().equalsIgnoreCase("al/of"));
                mg.awaitLine("HF-STEP notify-reply ok", STEP);

                // 4. our AuditValue, their reply with a Media descriptor
                CommandReply av = onlyReply(mgc.send(mgPeer, Messages.auditMedia())
                        .get(STEP.toSeconds(), TimeUnit.SECONDS));
                CommandReply.Audit audit = assertInstanceOf(CommandReply.Audit.class, av);
                assertA4444(audit.terminationIds());
                assertTrue(audit.terminationAudit().stream().anyMatch(d -> d instanceof MediaDescriptor),
                        audit.toString());

                assertEquals(0, mg.awaitExit(EXIT), mg::output);
                assertEquals(ErlangPeer.DONE_OK, mg.awaitLine(ErlangPeer.DONE_PREFIX, STEP), mg::output);
                assertEquals(0, mgc.counters().decodeErrors.sum(), mg::output);
                assertEquals(0, mgc.counters().messageErrorsReceived.sum(), mg::output);
                assertWireForm(mg, encoding);
            }
        }
    }

    @ParameterizedTest(name = "our MG, Erlang MGC, {0} {1}")
    @MethodSource("combinations")
    @Timeout(90)
    void ourMgAgainstErlangMgc(Transport transport, Encoding encoding) throws Exception {
        int mgcPort = ErlangPeer.freePort(transport);
        int mgPort = ErlangPeer.freePort(Transport.UDP);
        while (mgPort == mgcPort) mgPort = ErlangPeer.freePort(Transport.UDP);
        ScenarioHandler handler = new ScenarioHandler();
        try (ErlangPeer mgc = ErlangPeer.start(Role.MGC, transport, encoding, mgcPort, "127.0.0.1", mgPort)) {
            mgc.awaitLine(ErlangPeer.LISTEN_OK, STEP);
            InetSocketAddress mgcAddress = new InetSocketAddress("127.0.0.1", mgcPort);
            try (H248Endpoint mg = ourEndpoint(transport, transport == Transport.UDP ? mgPort : 0, encoding,
                    mgcAddress)) {
                mg.onRequest(handler::handle);
                Peer mgcPeer = mg.remotePeer() != null ? mg.remotePeer() : Peer.of(mgcAddress);

                // 1. our ServiceChange Restart
                CommandReply sc = onlyReply(mg.send(mgcPeer, Messages.serviceChangeRestart())
                        .get(STEP.toSeconds(), TimeUnit.SECONDS));
                CommandReply.ServiceChange scr = assertInstanceOf(CommandReply.ServiceChange.class, sc);
                assertTrue(scr.terminationIds().get(0).isRoot());
                mgc.awaitLine("HF-STEP servicechange-request received", STEP);

                // 2. their Modify, our reply
                Command.Amm modify = handler.modify.get(STEP.toSeconds(), TimeUnit.SECONDS);
                assertA4444(modify.terminationIds());
                mgc.awaitLine("HF-STEP modify-reply ok", STEP);

                // 3. our Notify
                CommandReply n = onlyReply(mg.send(mgcPeer, Messages.notifyOnOff())
                        .get(STEP.toSeconds(), TimeUnit.SECONDS));
                assertA4444(assertInstanceOf(CommandReply.Notify.class, n).terminationIds());

                // 4. their AuditValue, our reply
                Command.Audit audit = handler.audit.get(STEP.toSeconds(), TimeUnit.SECONDS);
                assertA4444(audit.terminationIds());
                mgc.awaitLine("HF-STEP auditvalue-reply ok", STEP);

                assertEquals(0, mgc.awaitExit(EXIT), mgc::output);
                assertEquals(ErlangPeer.DONE_OK, mgc.awaitLine(ErlangPeer.DONE_PREFIX, STEP), mgc::output);
                assertEquals(0, mg.counters().decodeErrors.sum(), mgc::output);
                assertWireForm(mgc, encoding);
            }
        }
    }

    /** What the Erlang side received from us was in the chosen text form. */
    static void assertWireForm(ErlangPeer peer, Encoding encoding) {
        String header = encoding == Encoding.PRETTY ? "MEGACO/1 [127.0.0.1]:" : "!/1 [127.0.0.1]:";
        List<String> received = peer.lines("HF-RECV");
        assertFalse(received.isEmpty(), peer::output);
        for (String l : received) {
            String wire = l.split(" ", 3)[2];
            assertTrue(wire.startsWith(header), () -> "not " + encoding + ": " + l);
        }
    }
}
