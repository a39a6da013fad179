package dev.holdfast.h248.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.h248.interop.ErlangPeer.Encoding;
import dev.holdfast.h248.interop.ErlangPeer.Role;
import dev.holdfast.h248.interop.ErlangPeer.Transport;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the Erlang MG script against the Erlang MGC script (two OTP megaco nodes, no Java H.248 code
 * involved), proving the interop peer itself works before it is pointed at the Java stack.
 */
class ErlangPeerSelfTest {

    private static final Duration STEP = Duration.ofSeconds(15);
    private static final Duration EXIT = Duration.ofSeconds(30);

    static List<Arguments> combinations() {
        return List.of(
                Arguments.of(Transport.UDP, Encoding.PRETTY),
                Arguments.of(Transport.UDP, Encoding.COMPACT),
                Arguments.of(Transport.TCP, Encoding.PRETTY),
                Arguments.of(Transport.TCP, Encoding.COMPACT));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("combinations")
    @Timeout(90)
    void erlangMgAgainstErlangMgc(Transport transport, Encoding encoding) {
        int mgcPort = ErlangPeer.freePort(transport);
        int mgPort = ErlangPeer.freePort(Transport.UDP);
        while (mgPort == mgcPort) {
            mgPort = ErlangPeer.freePort(Transport.UDP);
        }
        try (ErlangPeer mgc = ErlangPeer.start(Role.MGC, transport, encoding, mgcPort, "127.0.0.1", mgPort)) {
            mgc.awaitLine(ErlangPeer.LISTEN_OK, STEP);
            try (ErlangPeer mg = ErlangPeer.start(Role.MG, transport, encoding, mgPort, "127.0.0.1", mgcPort)) {
                mg.awaitLine("HF-STEP servicechange-reply ok", STEP);
                mg.awaitLine("HF-STEP modify-request received", STEP);
                mg.awaitLine("HF-STEP notify-reply ok", STEP);
                mg.awaitLine("HF-STEP auditvalue-request received", STEP);

                int mgExit = mg.awaitExit(EXIT);
                int mgcExit = mgc.awaitExit(EXIT);

                assertEquals(ErlangPeer.DONE_OK, mg.awaitLine(ErlangPeer.DONE_PREFIX, STEP), mg::output);
                assertEquals(ErlangPeer.DONE_OK, mgc.awaitLine(ErlangPeer.DONE_PREFIX, STEP), mgc::output);
                assertEquals(0, mgExit, mg::output);
                assertEquals(0, mgcExit, mgc::output);

                // the wire really carried the chosen text form
                String header = encoding == Encoding.PRETTY ? "MEGACO/1 [127.0.0.1]:" : "!/1 [127.0.0.1]:";
                assertTrue(mg.lines("HF-SEND").stream().allMatch(l -> l.split(" ", 3)[2].startsWith(header)),
                        mg::output);
                assertTrue(mgc.lines("HF-SEND").stream().allMatch(l -> l.split(" ", 3)[2].startsWith(header)),
                        mgc::output);
                // 4 messages each way (more only if UDP retransmitted)
                assertTrue(mg.lines("HF-SEND").size() >= 4, mg::output);
                assertTrue(mgc.lines("HF-SEND").size() >= 4, mgc::output);
            }
        }
    }
}
