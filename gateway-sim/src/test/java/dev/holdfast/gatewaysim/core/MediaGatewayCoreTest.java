package dev.holdfast.gatewaysim.core;

import dev.holdfast.gatewaysim.GatewayConfig;
import dev.holdfast.h248.message.Command;
import dev.holdfast.h248.message.ContextId;
import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.message.ServiceChangeParm;
import dev.holdfast.h248.message.Transaction;
import dev.holdfast.sim.media.VirtualMediaNetwork;
import dev.holdfast.sim.rtp.ProbeStats;
import dev.holdfast.sim.time.VirtualSimScheduler;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gateway's logic under virtual time, with the test playing the controllers. */
class MediaGatewayCoreTest {
    static final InetSocketAddress C1 = new InetSocketAddress("127.0.0.1", 2944);
    static final InetSocketAddress C2 = new InetSocketAddress("127.0.0.1", 2945);

    final VirtualSimScheduler time = new VirtualSimScheduler();
    final VirtualMediaNetwork media = new VirtualMediaNetwork(time, Duration.ofMillis(2));
    final TestMgc mgc = new TestMgc();
    MediaGatewayCore gw;

    GatewayConfig config(String mid) {
        return GatewayConfig.of(MId.ipv4("127.0.0.1", 3000), 4, List.of(C1, C2))
                .withTrunks(Map.of("T1", true, "T2", false)).withRestartAvoidance(Duration.ofSeconds(2));
    }

    @BeforeEach void start() {
        gw = new MediaGatewayCore(config("mg1"), time, mgc, media);
        gw.start();
        time.advance(Duration.ofSeconds(2));
        assertTrue(gw.registered());
    }

    private String req(String actions) { return TestMgc.text(mgc.request(C1, actions)); }

    private static void contains(String text, String... parts) {
        for (String p : parts) assertTrue(text.contains(p), "expected '" + p + "' in " + text);
    }

    // ------------------------------------------------------------------------------------------------ registration

    @Test void registersWithServiceChangeRestartColdBootAfterTheRestartAvoidanceWait() {
        TestMgc net = mgc;
        int before = net.sent.size();
        assertEquals(1, before, "the setUp gateway registered once");
        String sc = net.sentText(0).get(0);
        contains(sc, "C=-{SC=ROOT{SV{MT=RS,RE=\"901 Cold Boot\",");
        assertEquals(C1, net.sent.get(0).to());
        assertEquals(C1, gw.currentController());
        assertEquals(List.of("RESTART \"901 Cold Boot\" -> 2944 ok"), gw.registrationHistory());
    }

    @Test void restartAvoidanceWaitIsRandomBelowTheMaximum() {
        TestMgc net = new TestMgc();
        MediaGatewayCore g = new MediaGatewayCore(config("x").withSeed(42), time, net, media);
        g.start();
        time.advance(Duration.ofMillis(1));
        int early = net.sent.size();
        time.advance(Duration.ofMillis(1999));
        assertEquals(1, net.sent.size(), "exactly one ServiceChange within MWD = 2 s");
        assertTrue(early <= 1);
        g.stop();
    }

    @Test void requestsFromAnotherControllerAreRefused() {
        Transaction.Reply r = mgc.request(C2, "Context=-{AuditValue=ROOT{Audit{}}}");
        assertEquals(504, r.error().code());
    }

    // ------------------------------------------------------------------------------------------------ errors

    @Test void errorsAreTheH2488Codes() {
        contains(req("Context=-{Modify=A99{Events=1{al/of}}}"), "MF=A99{ER=430");
        contains(req("Context=77{Modify=A1{}}"), "C=77{ER=411");
        contains(req("Context=-{Modify=A1{Events=1{xyz/of}}}"), "ER=440");
        contains(req("Context=-{Modify=A1{Events=1{al/zz}}}"), "ER=451");
        contains(req("Context=-{Modify=A1{Signals{cg/zz}}}"), "ER=452");
        contains(req("Context=-{Modify=A1{Events=1{dd/ce}}}"), "ER=457");
        contains(req("Context=-{Modify=A1{Events=1{dd/ce{DigitMap=nosuch}}}}"), "ER=520");
        contains(req("Context=-{Modify=A1{Events=1{it/ito}}}"), "ER=512");
        contains(req("Context=$ {Add=ROOT}"), "ER=410");
        contains(req("Context=$ {Add=A1, Add=A2}"), "C=1{A=A1,A=A2}");
        contains(req("Context=$ {Add=A1}"), "ER=433");
        contains(req("Context=-{Modify=A1{Events=1{al/of}}}"), "ER=435");
        contains(req("Context=1{Subtract=A3}"), "ER=435");
        contains(req("Context=-{Subtract=A3}"), "ER=542");
        contains(req("Context=-{Modify=A3{Events=1{al/on{strict=failWrong}}}}"), "ER=540");
        // the first failing command ends the transaction; the ones before it stand
        String r = req("Context=1{Modify=A1{Events=2{al/on}}, Modify=A77{}, Modify=A2{Events=3{al/on}}}");
        contains(r, "MF=A1", "MF=A77{ER=430");
        assertFalse(r.contains("MF=A2"), r);
        // a failed Add on CHOOSE creates no context; an Add before a failing one stands (8)
        contains(req("Context=$ {Add=A99}"), "C=${A=A99{ER=430");
        assertEquals(List.of(1L), gw.contextIds());
        contains(req("Context=$ {Add=A3, Add=A99}"), "C=2{A=A3,A=A99{ER=430");
        assertEquals(List.of(1L, 2L), gw.contextIds());
    }

    // ------------------------------------------------------------------------------------------------ events

    private static final String DIAL_PLAN = "DigitMap=dialplan{(1xxx|2xxx|0S|00S)}";

    private void armOffHookWithDialTone(String line) {
        contains(req("Context=-{Modify=" + line + "{" + DIAL_PLAN + ",Events=1{al/of{Embed{Signals{cg/dt},"
                + "Events=2{al/on,dd/ce{DigitMap=dialplan}}}}}}}"), "MF=" + line);
    }

    @Test void offHookDialToneAndDigitMapCompletion() {
        armOffHookWithDialTone("A1");
        int n = mgc.sent.size();
        gw.offHook("A1");
        List<String> out = mgc.sentText(n);
        assertEquals(1, out.size());
        contains(out.get(0), "C=-{N=A1{OE=1{", ":al/of}}}");
        assertEquals(List.of("cg/dt"), gw.signals("A1"), "the embedded Signals play");
        gw.dial("A1", "1");
        assertEquals(List.of(), gw.signals("A1"), "the first digit stops dial tone");
        assertEquals("1", gw.dialString("A1"));
        gw.dial("A1", "002");
        out = mgc.sentText(n);
        assertEquals(2, out.size(), "digits are not notified one by one");
        contains(out.get(1), "OE=2{", "dd/ce{ds=\"1002\",Meth=UM}");
        gw.onHook("A1");
        contains(mgc.sentText(n).get(2), "OE=2{", ":al/on}");
    }

    @Test void theNotificationHistoryKeepsAsManyAsAsked() {
        armOffHookWithDialTone("A1");
        gw.offHook("A1");
        gw.dial("A1", "1002");
        gw.onHook("A1");
        assertEquals(List.of("A1 al/of", "A1 dd/ce", "A1 al/on"), gw.notifications());
        gw.keepNotifications(2); // a load generator's gateways keep a few: the history was live data copied by each GC
        assertEquals(List.of("A1 dd/ce", "A1 al/on"), gw.notifications(), "the oldest go at once");
        armOffHookWithDialTone("A1");
        gw.offHook("A1");
        assertEquals(List.of("A1 al/on", "A1 al/of"), gw.notifications());
        gw.keepNotifications(0);
        gw.onHook("A1");
        assertEquals(List.of(), gw.notifications());
    }

    @Test void digitMapTimersInVirtualTime() {
        armOffHookWithDialTone("A1");
        gw.offHook("A1");
        int n = mgc.sent.size();
        time.advance(Duration.ofSeconds(15));
        assertEquals(n, mgc.sent.size(), "start timer T is 16 s");
        time.advance(Duration.ofSeconds(1));
        contains(mgc.sentText(n).get(0), "dd/ce{ds=\"\",Meth=PM}");

        armOffHookWithDialTone("A2");
        gw.offHook("A2");
        n = mgc.sent.size();
        gw.dial("A2", "0");
        time.advance(Duration.ofMillis(3999));
        assertEquals(n, mgc.sent.size(), "'0' matches 0S fully but 00S could follow: short timer 4 s");
        time.advance(Duration.ofMillis(1));
        contains(mgc.sentText(n).get(0), "dd/ce{ds=\"0\",Meth=FM}");

        contains(req("Context=-{Modify=A3{Events=5{dd/ce{DigitMap={T:3,L:7,(1xxx)}}}}}"), "MF=A3");
        gw.offHook("A3");
        n = mgc.sent.size();
        gw.dial("A3", "12");
        time.advance(Duration.ofSeconds(7));
        contains(mgc.sentText(n).get(0), "dd/ce{ds=\"12\",Meth=PM}");
    }

    @Test void unrequestedEventsAreNotNotifiedAndRingingStopsWhenTheLineAnswers() {
        int n = mgc.sent.size();
        gw.offHook("A1");
        gw.onHook("A1");
        assertEquals(n, mgc.sent.size());
        contains(req("Context=-{Modify=A2{Signals{al/ri},Events=3{al/of}}}"), "MF=A2");
        assertEquals(List.of("al/ri"), gw.signals("A2"));
        assertTrue(gw.answer("A2"));
        assertEquals(List.of(), gw.signals("A2"));
        contains(mgc.sentText(n).get(0), "N=A2{OE=3{", ":al/of}}");
    }

    @Test void flashAndTrunkDisconnectSupervision() {
        contains(req("Context=-{Modify=A1{Events=4{al/fl,al/on}}}"), "MF=A1");
        gw.offHook("A1");
        int n = mgc.sent.size();
        gw.flash("A1");
        contains(mgc.sentText(n).get(0), ":al/fl}");
        contains(req("Context=-{Modify=T1{Events=6{al/on}},Modify=T2{Events=7{al/on}}}"), "MF=T2");
        gw.offHook("T1");
        gw.offHook("T2");
        n = mgc.sent.size();
        gw.onHook("T1");
        gw.onHook("T2");
        List<String> out = mgc.sentText(n);
        assertEquals(1, out.size(), "T2 has no disconnect supervision: " + out);
        contains(out.get(0), "N=T1");
    }

    @Test void strictStateReportsTheHookStateAtOnce() {
        gw.offHook("A4");
        int n = mgc.sent.size();
        contains(req("Context=-{Modify=A4{Events=9{al/of{strict=state}}}}"), "MF=A4");
        time.runReady();
        contains(mgc.sentText(n).get(0), "al/of{init=True}");
    }

    @Test void signalTimeoutAndCompletionReport() {
        contains(req("Context=-{Modify=A1{Events=8{g/sc},Signals{cg/bt{SignalType=TimeOut,Duration=150,"
                + "NotifyCompletion={TimeOut}}}}}"), "MF=A1");
        assertEquals(List.of("cg/bt"), gw.signals("A1"));
        int n = mgc.sent.size();
        time.advance(Duration.ofMillis(1499));
        assertEquals(List.of("cg/bt"), gw.signals("A1"));
        time.advance(Duration.ofMillis(1));
        assertEquals(List.of(), gw.signals("A1"));
        contains(mgc.sentText(n).get(0), "g/sc{SigID=cg/bt,Meth=TO}");
        contains(req("Context=-{Modify=A1{Signals{cg/rt}}}"), "MF=A1");
        contains(req("Context=-{Modify=A1{Signals{}}}"), "MF=A1");
        assertEquals(List.of(), gw.signals("A1"), "an empty Signals descriptor stops them");
    }

    // ------------------------------------------------------------------------------------------------ contexts

    @Test void intraGatewayCallTalkPathAndSubtract() {
        String r = req("Context=$ {Add=A1, Add=A2}");
        contains(r, "C=1{A=A1,A=A2}");
        assertEquals(1L, gw.contextOf("A1"));
        assertTrue(gw.talkPathUp("A1") && gw.talkPathUp("A2"));
        req("Context=1{Modify=A2{Media{LocalControl{Mode=ReceiveOnly}}}}");
        assertFalse(gw.talkPathUp("A1"), "A2 no longer sends out: one way only");
        req("Context=1{Modify=A2{Media{LocalControl{Mode=SendReceive}}}}");
        req("Context=1{Topology{A1,A2,isolate}}");
        assertFalse(gw.talkPathUp("A1"));
        r = req("Context=1{Subtract=A1, Subtract=A2}");
        contains(r, "S=A1{SA{nt/dur=", "S=A2{SA{");
        assertNull(gw.contextOf("A1"));
        assertEquals(List.of(), gw.contextIds());
        contains(req("Context=1{Modify=A1{}}"), "ER=411");
    }

    /** Adds a line and an ephemeral RTP termination in a new context; returns the chosen port. */
    private int addLineWithRtp(MediaGatewayCore g, TestMgc net, InetSocketAddress mgc, String line) {
        String r = TestMgc.text(net.request(mgc, "Context=$ {Add=" + line + ", Add=$ {Media{LocalControl{Mode=ReceiveOnly},"
                + "Local{\nv=0\nc=IN IP4 $\nm=audio $ RTP/AVP 0\n}}}}"));
        Matcher m = Pattern.compile("m=audio (\\d+) RTP/AVP 0").matcher(r);
        assertTrue(m.find(), r);
        contains(r, "A=R", "c=IN IP4 127.0.0.1");
        return Integer.parseInt(m.group(1));
    }

    @Test void interGatewayCallOverTheVirtualNetworkAndStatisticsOnSubtract() {
        TestMgc net2 = new TestMgc();
        MediaGatewayCore gw2 = new MediaGatewayCore(config("mg2").withSeed(2), time, net2, media);
        gw2.start();
        time.advance(Duration.ofSeconds(2));
        int p1 = addLineWithRtp(gw, mgc, C1, "A1");
        int p2 = addLineWithRtp(gw2, net2, C1, "A1");
        time.advance(Duration.ofMillis(500));
        assertFalse(gw.talkPathUp("A1"), "no Remote yet");
        String remote = "Remote{\nv=0\nc=IN IP4 127.0.0.1\nm=audio %d RTP/AVP 0\n}";
        req("Context=1{Modify=R1{Media{LocalControl{Mode=SendReceive}," + remote.formatted(p2) + "}}}");
        net2.request(C1, "Context=1{Modify=R1{Media{LocalControl{Mode=SendReceive}," + remote.formatted(p1) + "}}}");
        time.advance(Duration.ofMillis(200));
        assertTrue(gw.talkPathUp("A1") && gw2.talkPathUp("A1"));
        time.advance(Duration.ofSeconds(1));
        ProbeStats s = gw.probeStats("R1");
        assertEquals(0, s.gaps());
        long sent = s.packetsSent();
        gw.setProbeConfig("R1", dev.holdfast.sim.rtp.ProbeConfig.atRate(4));
        time.advance(Duration.ofSeconds(1));
        assertEquals(sent + 5, gw.probeStats("R1").packetsSent(), "4 packets/s from now on (0, 250 ... 1000 ms)");
        gw.setProbeConfig("R1", dev.holdfast.sim.rtp.ProbeConfig.FULL_RATE);

        req("Context=1{Modify=R1{Media{LocalControl{Mode=Inactive}}}}"); // hold: nothing leaves gateway 1
        time.advance(Duration.ofMillis(400));
        assertFalse(gw.talkPathUp("A1"));
        assertFalse(gw2.talkPathUp("A1"));
        req("Context=1{Modify=R1{Media{LocalControl{Mode=SendReceive}}}}");
        time.advance(Duration.ofMillis(100));
        assertTrue(gw.talkPathUp("A1"));

        String r = req("Context=1{Subtract=A1, Subtract=R1}");
        Matcher ps = Pattern.compile("S=R1\\{SA\\{rtp/ps=(\\d+),rtp/pr=(\\d+)").matcher(r);
        assertTrue(ps.find(), r);
        assertTrue(Integer.parseInt(ps.group(1)) > 50 && Integer.parseInt(ps.group(2)) > 50, r);
        time.advance(Duration.ofMillis(400));
        assertFalse(gw2.talkPathUp("A1"), "the far end hears nothing after the Subtract");
        gw2.stop();
    }

    @Test void auditsOfRootTerminationsAndAllContexts() {
        req("Context=$ {Add=A1, Add=A2}");
        req("Context=$ {Add=A3}");
        contains(req("Context=*{AuditValue=ROOT{Audit{}}}"), "C=1{AV=ROOT}", "C=2{AV=ROOT}");
        contains(req("Context=*{AuditValue=A3{Audit{}}}"), "C=2{AV=A3}");
        contains(req("Context=-{AuditValue=ROOT{Audit{Packages}}}"), "PG{g-1,root-1,it-1}");
        String r = req("Context=1{AuditValue=A1{Audit{Media,Events,Signals,Packages}}}");
        contains(r, "M{TS{SI=IV},O{MO=SR}}", "PG{g-1,al-1,dd-1,dg-1,cg-1,tdmc-1,nt-1}");
        contains(req("Context=-{AuditValue=*{Audit{}}}"), "AV=A4", "AV=T1", "AV=T2");
        contains(req("Context=-{AuditCapability=A4{Audit{Events,Signals}}}"), "al/of", "cg/dt");
        // an individual audit (v2/v3) is answered with the whole descriptor it belongs to, once
        String ind = req("Context=1{AuditValue=A1{Audit{Media{Stream=1{LocalControl{Mode}}},Media{TerminationState{ServiceStates}},Packages{al-1}}}}");
        contains(ind, "M{TS{SI=IV},O{MO=SR}}", "PG{g-1,al-1,dd-1,dg-1,cg-1,tdmc-1,nt-1}");
        assertEquals(ind.indexOf("M{"), ind.lastIndexOf("M{"), ind);
        contains(req("Context=*{Subtract=*}"), "C=1{S=A1", "C=2{S=A3");
        assertEquals(List.of(), gw.contextIds());
    }

    // ------------------------------------------------------------------------------------------------ opaque

    @Test void propertiesOfUnknownPackagesAreStoredAndAudited() {
        req("Context=$ {Add=A1{Media{TerminationState{hfcc/cookie=\"v1.abc\"},LocalControl{Mode=SendReceive,"
                + "hfcc/leg=2,tdmc/ec=on}}}}");
        String r = req("Context=1{AuditValue=A1{Audit{Media}}}");
        contains(r, "TS{SI=IV,hfcc/cookie=\"v1.abc\"}", "O{MO=SR,hfcc/leg=2,tdmc/ec=on}");
        req("Context=1{Modify=A1{Media{TerminationState{hfcc/other=7}}}}");
        contains(req("Context=*{AuditValue=A1{Audit{Media}}}"), "hfcc/cookie=\"v1.abc\",hfcc/other=7");
        contains(req("Context=-{Modify=ROOT{Media{TerminationState{xyz/gw=1}}}}"), "MF=ROOT");
        contains(req("Context=-{AuditValue=ROOT{Audit{Media}}}"), "xyz/gw=1");
        contains(req("Context=1{Modify=A1{Media{LocalControl{tdmc/nosuch=1}}}}"), "ER=450");
        req("Context=1{Subtract=A1{Audit{}}}");
        assertEquals(Map.of(), gw.properties("A1"), "a Subtract returns the line to its provisioned state");
    }

    // ------------------------------------------------------------------------------------------------ failover

    private List<ServiceChangeParm> parms(TestMgc.Sent s) {
        return ((Command.ServiceChange) s.command()).parms();
    }

    private String methodReason(TestMgc.Sent s) {
        String m = null;
        String r = null;
        for (ServiceChangeParm p : parms(s)) {
            if (p instanceof ServiceChangeParm.Method x) m = x.kind().name();
            if (p instanceof ServiceChangeParm.Reason x) r = x.value();
        }
        return m + " " + r + " -> " + s.to().getPort();
    }

    @Test void losingThePrimaryFailsOverToTheSecondaryKeepingContexts() {
        req("Context=$ {Add=A1, Add=A2}");
        int n = mgc.sent.size();
        mgc.lose(C1);
        List<TestMgc.Sent> sc = mgc.serviceChanges();
        assertEquals("FAILOVER \"909 MGC Impending Failure\" -> 2945", methodReason(sc.get(sc.size() - 1)));
        assertEquals(C2, gw.currentController());
        assertEquals(1L, gw.contextOf("A1"), "contexts survive the failover");
        assertTrue(gw.talkPathUp("A1"));
        assertEquals(504, mgc.request(C1, "Context=-{AuditValue=ROOT{Audit{}}}").error().code(), "C1 no longer controls");
        contains(TestMgc.text(mgc.request(C2, "Context=1{AuditValue=A1{Audit{}}}")), "AV=A1");
        assertEquals(n + 1, mgc.sent.size());
    }

    @Test void whenNoOtherAnswersTheLostControllerGetsDisconnectedThenTheRoundRepeats() {
        mgc.dead.add(C2);
        mgc.dead.add(C1);
        mgc.lose(C1);
        List<String> tried = mgc.serviceChanges().stream().skip(1).map(this::methodReason).toList();
        assertEquals(List.of("FAILOVER \"909 MGC Impending Failure\" -> 2945",
                "DISCONNECTED \"900 Service Restored\" -> 2944"), tried);
        assertFalse(gw.registered());
        mgc.dead.clear();
        time.advance(Duration.ofSeconds(3));
        assertTrue(gw.registered(), "after the retry pause the list is tried again");
        assertEquals(C2, gw.currentController());
    }

    @Test void aLostSecondaryMeansStartingAgainFromThePrimary() {
        mgc.lose(C1);
        assertEquals(C2, gw.currentController());
        mgc.lose(C2);
        List<TestMgc.Sent> sc = mgc.serviceChanges();
        assertEquals("FAILOVER \"909 MGC Impending Failure\" -> 2944", methodReason(sc.get(sc.size() - 1)));
        assertEquals(C1, gw.currentController());
    }

    @Test void aRefusedRegistrationTriesTheNextController() {
        TestMgc net = new TestMgc();
        net.refusing.add(C1);
        MediaGatewayCore g = new MediaGatewayCore(config("x"), time, net, media);
        g.start();
        time.advance(Duration.ofSeconds(2));
        assertEquals(C2, g.currentController());
        assertEquals(List.of("RESTART \"901 Cold Boot\" -> 2944 refused", "RESTART \"901 Cold Boot\" -> 2945 ok"),
                g.registrationHistory());
        g.stop();
    }

    @Test void inactivityTimerNotifiesAndAnUnansweredHeartbeatMeansFailover() {
        contains(req("Context=-{Modify=ROOT{Events=5{it/ito{mit=100}}}}"), "MF=ROOT");
        int n = mgc.sent.size();
        time.advance(Duration.ofMillis(999));
        assertEquals(n, mgc.sent.size(), "something was heard 999 ms ago");
        time.advance(Duration.ofMillis(1));
        contains(mgc.sentText(n).get(0), "C=-{N=ROOT{OE=5{", ":it/ito}}}");
        mgc.request(C1, "Context=-{AuditValue=ROOT{Audit{}}}");
        time.advance(Duration.ofMillis(999));
        assertEquals(n + 1, mgc.sent.size(), "the controller's request restarted the timer");
        mgc.dead.add(C1);
        time.advance(Duration.ofMillis(1));
        assertEquals(C2, gw.currentController(), "it/ito not answered: the controller is lost");
    }

    /** Found by the migration simulation (seed 7): the inactivity check spun every nanosecond while failing over. */
    @Test void theInactivityCheckDoesNotSpinWhileNoControllerAnswers() {
        int[] scheduled = {0};
        dev.holdfast.sim.time.SimScheduler counting = new dev.holdfast.sim.time.SimScheduler() {
            @Override public long nanoTime() { return time.nanoTime(); }
            @Override public long wallMillis() { return time.wallMillis(); }
            @Override public Cancellable schedule(Runnable task, Duration delay) {
                if (++scheduled[0] > 100_000) throw new IllegalStateException("spinning: " + scheduled[0] + " timers");
                return time.schedule(task, delay);
            }
            @Override public void execute(Runnable task) { time.execute(task); }
            @Override public boolean inSchedulerThread() { return true; }
        };
        TestMgc net = new TestMgc();
        MediaGatewayCore g = new MediaGatewayCore(config("x").withRetryPause(Duration.ofSeconds(30)), counting, net, media);
        g.start();
        time.advance(Duration.ofSeconds(2));
        assertTrue(g.registered());
        net.request(C1, "Context=-{Modify=ROOT{Events=5{it/ito{mit=100}}}}");
        net.dead.add(C1);
        net.dead.add(C2);
        time.advance(Duration.ofMillis(1000)); // it/ito unanswered: C1 lost, C2 dead too: waiting to retry
        assertFalse(g.registered());
        int before = scheduled[0];
        time.advance(Duration.ofSeconds(5));
        assertTrue(scheduled[0] - before < 50, "timers scheduled in 5 s without a controller: " + (scheduled[0] - before));
        g.stop();
    }

    /**
     * Loss detection over UDP in a few hundred ms: mit 200 ms from the controller, heartbeat reply timeout 100 ms
     * provisioned on the gateway. The controller dies silently (no reply, no error) right after its last request:
     * 200 ms later the gateway sends it/ito, 100 ms after that it registers with the alternate (Failover).
     */
    @Test void aSilentControllerIsDetectedWithinMitPlusTheHeartbeatReplyTimeout() {
        MediaGatewayCore g = quickDetectingGateway();
        contains(TestMgc.text(mgc.request(C1, "Context=-{Modify=ROOT{Events=5{it/ito{mit=20}}}}")), "MF=ROOT");
        long killedAt = time.nanoTime();
        mgc.silent.add(C1);
        time.advance(Duration.ofMillis(299));
        assertEquals(C1, g.currentController(), "still C1 299 ms after its last request");
        assertTrue(mgc.notifies().stream().anyMatch(s -> s.to().equals(C1) && TestMgc.isRoot(s.command())),
                "the it/ito heartbeat went out after mit");
        time.advance(Duration.ofMillis(1));
        assertEquals(C2, g.currentController(), "no heartbeat reply within 100 ms: failed over");
        List<TestMgc.Sent> sc = mgc.serviceChanges();
        assertEquals("FAILOVER \"909 MGC Impending Failure\" -> 2945", methodReason(sc.get(sc.size() - 1)));
        assertEquals(300, (time.nanoTime() - killedAt) / 1_000_000, "detected and registered 300 ms after the kill");
        g.stop();
    }

    /**
     * A failover drill's load generator learns when the gateway had no controller: from the last word of the one it
     * lost (not from when it noticed) until it was registered with the next.
     */
    @Test void theControllerWatcherIsToldWhenTheLostControllerWasLastHeardAndWhenTheNextTookUs() {
        MediaGatewayCore g = quickDetectingGateway();
        List<String> told = new java.util.ArrayList<>();
        g.onControllerChange(new MediaGatewayCore.ControllerWatcher() {
            @Override public void lost(long lastHeardMillis) { told.add("lost, last heard " + lastHeardMillis); }

            @Override public void registered(long atMillis) { told.add("registered " + atMillis); }
        });
        contains(TestMgc.text(mgc.request(C1, "Context=-{Modify=ROOT{Events=5{it/ito{mit=20}}}}")), "MF=ROOT");
        long lastWord = time.wallMillis();
        mgc.silent.add(C1);
        time.advance(Duration.ofMillis(299));
        assertEquals(List.of(), told, "nothing lost yet");
        time.advance(Duration.ofMillis(1));
        assertEquals(List.of("lost, last heard " + lastWord, "registered " + (lastWord + 300)), told,
                "lost 300 ms after C1's last request, with C2 at once");
        g.stop();
    }

    /**
     * A heartbeat our stalled process sent late still gives the controller the whole reply timeout from the send: the
     * gateway stalls 400 ms (the heartbeat goes 200 ms late, past mit + the timeout), the controller answers 90 ms
     * later: kept (a deadline from the controller's last word would have left it: docs/drill.md, session 11).
     */
    @Test void aHeartbeatSentLateStillGivesTheControllerTheWholeReplyTimeout() {
        MediaGatewayCore g = quickDetectingGateway();
        mgc.request(C1, "Context=-{Modify=ROOT{Events=5{it/ito{mit=20}}}}");
        mgc.autoAnswer = false;
        time.stall(Duration.ofMillis(400));
        time.runReady();
        TestMgc.Sent heartbeat = mgc.sent.get(mgc.sent.size() - 1);
        assertTrue(TestMgc.isRoot(heartbeat.command()), "it/ito sent: " + heartbeat.text());
        time.advance(Duration.ofMillis(90));
        mgc.answer(heartbeat);
        time.advance(Duration.ofMillis(50));
        assertEquals(C1, g.currentController(), "answered 90 ms after a heartbeat sent 200 ms late: still associated");
        g.stop();
    }

    /**
     * A deadline that ran over 200 ms late says our own process stalled: the reply may be waiting, unread, behind it
     * (here a reply due 50 ms after the deadline, run after it in the same late turn). The deadline looks once
     * more after the loop's next turn, finds the reply, and the controller is kept.
     */
    @Test void aHeartbeatDeadlineThatRanLateLooksOnceMoreBeforeDeclaringTheLoss() {
        MediaGatewayCore g = quickDetectingGateway();
        mgc.request(C1, "Context=-{Modify=ROOT{Events=5{it/ito{mit=20}}}}");
        mgc.autoAnswer = false;
        time.advance(Duration.ofMillis(200));
        TestMgc.Sent heartbeat = mgc.sent.get(mgc.sent.size() - 1);
        assertTrue(TestMgc.isRoot(heartbeat.command()), "it/ito sent: " + heartbeat.text());
        time.schedule(() -> mgc.answer(heartbeat), Duration.ofMillis(150)); // arrives 50 ms after the deadline
        time.stall(Duration.ofMillis(400)); // both run 250-300 ms late, the deadline first
        time.runReady();
        time.advance(Duration.ofMillis(50));
        assertEquals(C1, g.currentController(), "the reply read after the late deadline keeps the controller");
        mgc.silent.add(C1);
        mgc.autoAnswer = true;
        time.advance(Duration.ofMillis(400));
        assertEquals(C2, g.currentController(), "silent from then on: lost");
        g.stop();
    }

    @Test void aHeartbeatAnsweredInTimeKeepsTheController() {
        MediaGatewayCore g = quickDetectingGateway();
        mgc.request(C1, "Context=-{Modify=ROOT{Events=5{it/ito{mit=20}}}}");
        mgc.autoAnswer = false;
        time.advance(Duration.ofMillis(200));
        TestMgc.Sent heartbeat = mgc.sent.get(mgc.sent.size() - 1);
        assertTrue(TestMgc.isRoot(heartbeat.command()), "it/ito sent: " + heartbeat.text());
        time.advance(Duration.ofMillis(99));
        mgc.answer(heartbeat);
        time.advance(Duration.ofMillis(50));
        assertEquals(C1, g.currentController(), "answered within 100 ms: still associated");
        mgc.autoAnswer = true;
        time.advance(Duration.ofSeconds(5));
        assertEquals(C1, g.currentController(), "heartbeats answered: still associated");
        g.stop();
    }

    @Test void aBusyControllerThatStillTalksIsNotLostForALateHeartbeatReply() {
        MediaGatewayCore g = quickDetectingGateway();
        mgc.request(C1, "Context=-{Modify=ROOT{Events=5{it/ito{mit=20}}}}");
        mgc.autoAnswer = false;
        time.advance(Duration.ofMillis(200));
        TestMgc.Sent heartbeat = mgc.sent.get(mgc.sent.size() - 1);
        assertTrue(TestMgc.isRoot(heartbeat.command()), "it/ito sent: " + heartbeat.text());
        time.advance(Duration.ofMillis(50));
        mgc.request(C1, "Context=-{AuditValue=ROOT{Audit{}}}"); // the controller is busy, not dead
        time.advance(Duration.ofMillis(100));
        assertEquals(C1, g.currentController(), "heard from the controller since the heartbeat: still associated");
        mgc.answer(heartbeat);
        time.advance(Duration.ofMillis(10));
        assertEquals(C1, g.currentController());
        g.stop();
    }

    /**
     * After a failover the new controller is busy setting the gateway up: until it arms it/ito itself, the heartbeat
     * left armed by the controller before waits for the transaction layer, not the short reply timeout (else a
     * busy alternate is left again at once).
     */
    @Test void theShortHeartbeatTimeoutAppliesOnlyOnceTheNewControllerArmedItoItself() {
        MediaGatewayCore g = quickDetectingGateway();
        mgc.request(C1, "Context=-{Modify=ROOT{Events=5{it/ito{mit=20}}}}");
        mgc.silent.add(C1);
        time.advance(Duration.ofMillis(300));
        assertEquals(C2, g.currentController(), "C1 lost after mit + 100 ms");
        mgc.autoAnswer = false; // C2 accepted the registration, now it is busy: no replies
        time.advance(Duration.ofMillis(1000));
        assertEquals(C2, g.currentController(), "C2 has not armed it/ito: no 100 ms deadline for its heartbeats");
        mgc.autoAnswer = true;
        mgc.request(C2, "Context=-{Modify=ROOT{Events=6{it/ito{mit=20}}}}");
        mgc.silent.add(C2);
        time.advance(Duration.ofMillis(300));
        assertFalse(C2.equals(g.currentController()), "C2 armed it/ito and went silent: lost after mit + 100 ms");
        List<TestMgc.Sent> sc = mgc.serviceChanges();
        assertEquals(C1, sc.get(sc.size() - 1).to(), "back to the primary first (H.248.1 11.5)");
        g.stop();
    }

    /**
     * The gateway is with the alternate (the primary died earlier) and loses it too: it tries the dead primary first
     * (H.248.1 11.5), which says nothing at all; after twice the heartbeat reply timeout it moves on, instead of
     * waiting out the transaction layer's retransmissions, and is back with the alternate once that answers again.
     */
    @Test void aRegistrationNobodyAnswersIsGivenUpAfterTwiceTheHeartbeatReplyTimeout() {
        MediaGatewayCore g = quickDetectingGateway();
        mgc.request(C1, "Context=-{Modify=ROOT{Events=5{it/ito{mit=20}}}}");
        mgc.silent.add(C1);
        time.advance(Duration.ofMillis(300));
        assertEquals(C2, g.currentController(), "C1 lost after mit + 100 ms");
        mgc.request(C2, "Context=-{Modify=ROOT{Events=6{it/ito{mit=20}}}}");
        mgc.silent.add(C2);
        time.advance(Duration.ofMillis(300));
        assertFalse(g.registered(), "C2 lost too: registering with C1, which is silent");
        mgc.silent.remove(C2); // the alternate was only busy
        time.advance(Duration.ofMillis(199));
        assertFalse(g.registered(), "still waiting for C1 199 ms after the ServiceChange");
        time.advance(Duration.ofMillis(1));
        assertEquals(C2, g.currentController(), "C1 silent for 200 ms: given up, back with C2");
        assertTrue(g.registrationHistory().stream().anyMatch(h -> h.contains("-> 2944 refused")),
                "the attempt given up on is in the history: " + g.registrationHistory());
        g.stop();
    }

    /** A second gateway on the same virtual network, registered with C1, with a 100 ms heartbeat reply timeout. */
    private MediaGatewayCore quickDetectingGateway() {
        gw.stop();
        GatewayConfig c = GatewayConfig.of(MId.ipv4("127.0.0.1", 3001), 2, List.of(C1, C2))
                .withHeartbeatReplyTimeout(Duration.ofMillis(100));
        MediaGatewayCore g = new MediaGatewayCore(c, time, mgc, media);
        g.start();
        time.runReady();
        assertEquals(C1, g.currentController());
        return g;
    }

    @Test void notificationsWhileUnassociatedAreQueuedAndSentAfterRegistration() {
        contains(req("Context=-{Modify=A1{Events=1{al/of,al/on}}}"), "MF=A1");
        mgc.dead.add(C1);
        mgc.dead.add(C2);
        mgc.lose(C1);
        gw.offHook("A1");
        gw.onHook("A1");
        long notifies = mgc.notifies().size();
        mgc.dead.clear();
        time.advance(Duration.ofSeconds(3));
        List<TestMgc.Sent> all = mgc.notifies();
        assertEquals(notifies + 2, all.size());
        assertEquals(C2, all.get(all.size() - 1).to());
        assertEquals(ContextId.NULL, TestMgc.ctx(all.get(all.size() - 1)));
    }

    @Test void handoffFromTheControllerMovesToTheNamedOne() {
        contains(req("Context=-{ServiceChange=ROOT{Services{Method=Handoff,MgcIdToTry=[127.0.0.1]:2945}}}"), "SC=ROOT");
        time.runReady();
        List<TestMgc.Sent> sc = mgc.serviceChanges();
        assertEquals("HANDOFF \"903 MGC Directed Change\" -> 2945", methodReason(sc.get(sc.size() - 1)));
        assertEquals(C2, gw.currentController());
    }

    @Test void gracefulShutdown() {
        boolean[] done = {false};
        gw.shutdown(Duration.ofSeconds(5), () -> done[0] = true);
        assertTrue(done[0]);
        List<TestMgc.Sent> sc = mgc.serviceChanges();
        assertEquals("GRACEFUL \"905 Termination taken out of service\" -> 2944", methodReason(sc.get(sc.size() - 1)));
    }
}
