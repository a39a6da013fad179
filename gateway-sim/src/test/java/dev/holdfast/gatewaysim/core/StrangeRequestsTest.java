package dev.holdfast.gatewaysim.core;

import dev.holdfast.gatewaysim.GatewayConfig;
import dev.holdfast.h248.message.ActionReply;
import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.message.Transaction;
import dev.holdfast.h248.text.DecodeOptions;
import dev.holdfast.h248.text.DecodeResult;
import dev.holdfast.h248.text.TextCodec;
import dev.holdfast.h248.text.TextForm;
import dev.holdfast.h248.transaction.TransactionErrorException;
import dev.holdfast.sim.media.VirtualMediaNetwork;
import dev.holdfast.sim.time.VirtualSimScheduler;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Requests the gateway was not written for: answered with a reply (maybe errors), never an exception. */
class StrangeRequestsTest {
    private static MediaGatewayCore registeredGateway(VirtualSimScheduler time, TestMgc mgc) {
        GatewayConfig c = new GatewayConfig(MId.ipv4("127.0.0.1", 3000), List.of("A4444", "A4445", "A5555", "A5556"),
                java.util.Map.of(), List.of(MediaGatewayCoreTest.C1), java.net.InetAddress.getLoopbackAddress(),
                dev.holdfast.sim.rtp.ProbeConfig.LOW_RATE, null, 0, Duration.ZERO, Duration.ofSeconds(1),
                dev.holdfast.gatewaysim.digitmap.DigitMapTimers.DEFAULTS, Duration.ofSeconds(30), 16, 1);
        MediaGatewayCore gw = new MediaGatewayCore(c, time, mgc, new VirtualMediaNetwork(time, Duration.ofMillis(1)));
        gw.start();
        time.advance(Duration.ofMillis(10));
        assertTrue(gw.registered());
        return gw;
    }

    /** Handles the request; the reply (or transaction error) must encode. */
    private static void mustAnswer(MediaGatewayCore gw, Transaction.Request r) {
        Transaction.Reply reply;
        try {
            List<ActionReply> actions = gw.handle(MediaGatewayCoreTest.C1, r);
            reply = Transaction.Reply.of(r.transactionId(), actions);
        } catch (TransactionErrorException e) {
            reply = Transaction.Reply.error(r.transactionId(), e.error());
        }
        TextCodec.encode(Message.of(1, TestMgc.MGC_MID, reply), TextForm.COMPACT);
    }

    @Test void everyRequestOfTheRfc3525CallFlowIsAnswered() throws Exception {
        Path dir = Path.of(System.getProperty("user.dir")).getParent().resolve("h248/src/test/resources/rfc3525");
        VirtualSimScheduler time = new VirtualSimScheduler();
        MediaGatewayCore gw = registeredGateway(time, new TestMgc());
        int requests = 0;
        for (int i = 1; i <= 28; i++) {
            String text = Files.readString(dir.resolve(String.format("%02d.txt", i)), StandardCharsets.ISO_8859_1);
            DecodeResult d = TextCodec.decode(text, DecodeOptions.LENIENT);
            if (!(d instanceof DecodeResult.Decoded ok)) continue;
            for (Transaction t : ok.message().transactions()) {
                if (t instanceof Transaction.Request r) {
                    mustAnswer(gw, r);
                    requests++;
                    time.advance(Duration.ofMillis(100));
                }
            }
        }
        assertEquals(14, requests, "all 14 requests of the flow (both directions) went through the gateway");
    }

    /** Random mixtures of commands, ids and descriptors in H.248 text. */
    @Property(tries = 300)
    void randomRequestsNeverThrow(@ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int seed) throws Exception {
        Random rnd = new Random(seed);
        String[] ctx = {"-", "$", "*", "1", "2", "99"};
        String[] ids = {"A4444", "A5555", "$", "*", "ROOT", "R1", "R7", "A*", "X9"};
        String[] cmds = {"Add", "Modify", "Move", "Subtract", "AuditValue", "AuditCapability", "ServiceChange"};
        String[] descs = {"", "{Events=1{al/of}}", "{Events=2{dd/ce{DigitMap={(1xx|2x.)}}}}", "{Signals{al/ri}}",
                "{Signals{cg/dt{SignalType=Brief}}}", "{Media{LocalControl{Mode=SendReceive,hf/x=1}}}",
                "{Media{Local{\nv=0\nc=IN IP4 $\nm=audio $ RTP/AVP 0\n}}}",
                "{Media{Remote{\nv=0\nc=IN IP4 127.0.0.1\nm=audio 4000 RTP/AVP 8\n}}}",
                "{Media{Stream=2{LocalControl{Mode=Inactive}}}}", "{Media{TerminationState{ServiceStates=OutOfService}}}",
                "{Audit{Media,Events,Signals,Statistics,Packages,DigitMap,ObservedEvents,EventBuffer}}",
                "{Events=3{it/ito{mit=1}}}", "{Events=4{al/on{strict=state},g/sc}}", "{Audit{}}",
                "{Services{Method=Forced,Reason=\"905 x\"}}", "{Services{Method=Handoff}}", "{Mux=H221{A4444}}"};
        VirtualSimScheduler time = new VirtualSimScheduler();
        MediaGatewayCore gw = registeredGateway(time, new TestMgc());
        for (int n = 0; n < 8; n++) {
            StringBuilder body = new StringBuilder();
            int actions = 1 + rnd.nextInt(2);
            for (int a = 0; a < actions; a++) {
                if (a > 0) body.append(',');
                body.append("Context=").append(ctx[rnd.nextInt(ctx.length)]).append('{');
                int commands = 1 + rnd.nextInt(3);
                for (int c = 0; c < commands; c++) {
                    if (c > 0) body.append(',');
                    if (rnd.nextInt(6) == 0) body.append("O-");
                    String cmd = cmds[rnd.nextInt(cmds.length)];
                    String desc = descs[rnd.nextInt(descs.length)];
                    if (cmd.startsWith("Audit") && desc.isEmpty()) desc = "{Audit{}}";
                    if (cmd.equals("ServiceChange") && !desc.contains("Services")) desc = "{Services{Method=Restart}}";
                    body.append(cmd).append('=').append(ids[rnd.nextInt(ids.length)]).append(desc);
                }
                body.append('}');
            }
            String text = "MEGACO/1 [127.0.0.1]:2944\nTransaction = " + (n + 1) + " {" + body + "}";
            DecodeResult d = TextCodec.decode(text, DecodeOptions.LENIENT);
            if (d instanceof DecodeResult.Decoded ok && ok.message().transactions().get(0) instanceof Transaction.Request r) {
                mustAnswer(gw, r);
                if (rnd.nextBoolean()) gw.offHook("A4444");
                if (rnd.nextBoolean() && gw.isOffHook("A4444")) gw.dial("A4444", "12");
                if (rnd.nextBoolean()) gw.onHook("A4444");
                time.advance(Duration.ofMillis(rnd.nextInt(3000)));
            }
        }
        gw.stop();
        time.advance(Duration.ofMinutes(5)); // timers left by the mixture run out harmlessly
        assertEquals(0, time.pendingTimers(), "a stopped gateway leaves no timer behind");
    }
}
