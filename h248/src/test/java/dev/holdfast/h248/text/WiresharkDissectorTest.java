package dev.holdfast.h248.text;

import dev.holdfast.h248.message.ActionReply;
import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.AuditDescriptor;
import dev.holdfast.h248.message.Command;
import dev.holdfast.h248.message.CommandReply;
import dev.holdfast.h248.message.CommandRequest;
import dev.holdfast.h248.message.ContextId;
import dev.holdfast.h248.message.Descriptor;
import dev.holdfast.h248.message.DigitMapDescriptor;
import dev.holdfast.h248.message.ErrorDescriptor;
import dev.holdfast.h248.message.EventsDescriptor;
import dev.holdfast.h248.message.LocalControlDescriptor;
import dev.holdfast.h248.message.LocalDescriptor;
import dev.holdfast.h248.message.MediaDescriptor;
import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.message.MessageBody;
import dev.holdfast.h248.message.ObservedEventsDescriptor;
import dev.holdfast.h248.message.PackagesDescriptor;
import dev.holdfast.h248.message.ParmValue;
import dev.holdfast.h248.message.RemoteDescriptor;
import dev.holdfast.h248.message.RequestId;
import dev.holdfast.h248.message.RequestedEvent;
import dev.holdfast.h248.message.SignalParm;
import dev.holdfast.h248.message.SignalsDescriptor;
import dev.holdfast.h248.message.StatisticsDescriptor;
import dev.holdfast.h248.message.StreamDescriptor;
import dev.holdfast.h248.message.TerminationId;
import dev.holdfast.h248.message.TerminationStateDescriptor;
import dev.holdfast.h248.message.TimeStamp;
import dev.holdfast.h248.message.Transaction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.holdfast.h248.text.SampleMessages.MG;
import static dev.holdfast.h248.text.SampleMessages.MGC;
import static dev.holdfast.h248.text.SampleMessages.cmd;
import static dev.holdfast.h248.text.SampleMessages.prop;
import static dev.holdfast.h248.text.SampleMessages.tid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Interop with Wireshark's MEGACO dissector: a realistic call flow, encoded in both forms, written as UDP
 * datagrams and as a TPKT-framed TCP stream (Annex D.2) to port 2944 in a capture file, and read back by tshark.
 * Every frame must be dissected as MEGACO with no malformed-packet, truncation or expert error/warning, and
 * tshark's transaction id, transaction kind, context ids, commands, termination ids and error codes must be the
 * ones we encoded.
 *
 * <p>The flow stays within what the Wireshark 4.0 dissector understands: it dissects only the first transaction
 * of a message (so each message here carries one), and it does not understand v3 termination-id lists
 * ({@code [a,b]}), segment replies, EventBuffer descriptors, the bracketed Modem list, context-level audit replies
 * ({@code AuditValue = Context {...}}), context properties other than Topology, or the long form of the
 * authentication header; and it reports "No Descriptor detectable" for an empty Signals descriptor written bare
 * ({@code MF=a/1{SG}}), the form Erlang/OTP megaco requires (it rejects {@code SG{}}; see
 * {@link OtpMegacoAcceptsOurTextTest}). The encoder writes all of these per the ABNF; {@link MessageEncoderTest}
 * checks them.
 */
class WiresharkDissectorTest {
    private static final byte[] MGC_IP = {(byte) 192, 0, 2, 1};
    private static final byte[] MG_IP = {(byte) 192, 0, 2, 20};
    private static final int MEGACO_PORT = 2944;
    private static final int MG_TCP_PORT = 40123;
    private static final long TSHARK_TIMEOUT_SECONDS = 120;

    private static String tshark;

    @TempDir
    Path dir;

    @BeforeAll
    static void findTshark() {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            Path p = Path.of(d, "tshark");
            if (Files.isExecutable(p)) {
                tshark = p.toString();
                return;
            }
        }
        fail("tshark is not installed (not on PATH): this test needs Wireshark's command-line dissector, "
                + "Debian package 'tshark', which the project's test script installs");
    }

    /** One message of the flow and which way it goes. */
    record Sent(Message message, boolean fromMg) {}

    /** A frame we wrote: the message and the length of its encoding. */
    record Written(Message message, int octets) {}

    @ParameterizedTest
    @EnumSource(TextForm.class)
    void udpDatagramsAreDissectedCleanlyAsMegaco(TextForm form) throws Exception {
        PcapWriter pcap = new PcapWriter();
        List<Written> expected = new ArrayList<>();
        for (Sent s : callFlow()) {
            byte[] payload = TextCodec.encodeToBytes(s.message(), form);
            pcap.udp(s.fromMg() ? MG_IP : MGC_IP, MEGACO_PORT, s.fromMg() ? MGC_IP : MG_IP, MEGACO_PORT, payload);
            expected.add(new Written(s.message(), payload.length));
        }
        Path file = dir.resolve("megaco-udp-" + form + ".pcap");
        pcap.writeTo(file);
        checkCapture(file, expected, List.of(), false);
    }

    @ParameterizedTest
    @EnumSource(TextForm.class)
    void tpktFramedTcpStreamIsDissectedCleanlyAsMegaco(TextForm form) throws Exception {
        PcapWriter pcap = new PcapWriter();
        long mgSeq = 1_000;
        long mgcSeq = 7_000;
        // the MG opens the connection to the MGC's port 2944
        pcap.tcp(MG_IP, MG_TCP_PORT, MGC_IP, MEGACO_PORT, mgSeq, 0, 0x02, new byte[0]);
        pcap.tcp(MGC_IP, MEGACO_PORT, MG_IP, MG_TCP_PORT, mgcSeq, mgSeq + 1, 0x12, new byte[0]);
        mgSeq++;
        mgcSeq++;
        pcap.tcp(MG_IP, MG_TCP_PORT, MGC_IP, MEGACO_PORT, mgSeq, mgcSeq, 0x10, new byte[0]);
        List<Integer> handshake = List.of(1, 2, 3);
        List<Written> expected = new ArrayList<>();
        for (Sent s : callFlow()) {
            byte[] message = TextCodec.encodeToBytes(s.message(), form);
            byte[] segment = PcapWriter.tpkt(message);
            if (s.fromMg()) {
                pcap.tcp(MG_IP, MG_TCP_PORT, MGC_IP, MEGACO_PORT, mgSeq, mgcSeq, 0x18, segment);
                mgSeq += segment.length;
            } else {
                pcap.tcp(MGC_IP, MEGACO_PORT, MG_IP, MG_TCP_PORT, mgcSeq, mgSeq, 0x18, segment);
                mgcSeq += segment.length;
            }
            expected.add(new Written(s.message(), message.length));
        }
        Path file = dir.resolve("megaco-tcp-" + form + ".pcap");
        pcap.writeTo(file);
        checkCapture(file, expected, handshake, true);
    }

    // ---------------------------------------------------------------- checking

    private void checkCapture(Path file, List<Written> expected, List<Integer> nonMegacoFrames, boolean tpkt)
            throws Exception {
        // 1. the full dissection: no malformed packet, no truncation, no expert error or warning in any frame
        String verbose = run(file, "-V");
        List<String> frames = splitFrames(verbose);
        assertEquals(expected.size() + nonMegacoFrames.size(), frames.size(), "frames in tshark -V output");
        for (int i = 0; i < frames.size(); i++) {
            String text = frames.get(i);
            for (String bad : List.of("Malformed Packet", "Packet size limited during capture", "Expert Info (Error",
                    "Expert Info (Warning", "Sorry, can't understand", "No Command detectable",
                    "No Descriptor detectable", "Exception occurred")) {
                if (text.contains(bad)) fail("frame " + (i + 1) + " has '" + bad + "':\n" + text);
            }
        }

        // 2. the fields tshark extracted are the ones we encoded
        String fields = run(file, "-T", "fields", "-E", "separator=|", "-E", "occurrence=a", "-E", "aggregator=;",
                "-e", "frame.number", "-e", "frame.protocols", "-e", "megaco.transid", "-e", "megaco.transaction",
                "-e", "megaco.context", "-e", "megaco.command", "-e", "megaco.termid", "-e", "megaco.error_code",
                "-e", "megaco.version", "-e", "megaco.mId", "-e", "tpkt.length", "-e", "udp.length");
        List<String> lines = fields.lines().filter(l -> !l.isBlank()).toList();
        assertEquals(expected.size() + nonMegacoFrames.size(), lines.size(), "frames in tshark fields output");
        int m = 0;
        for (int i = 0; i < lines.size(); i++) {
            String[] f = lines.get(i).split("\\|", -1);
            if (nonMegacoFrames.contains(i + 1)) {
                assertTrue(!f[1].contains("megaco"), "frame " + (i + 1) + " is not MEGACO: " + f[1]);
                continue;
            }
            Written w = expected.get(m++);
            Message msg = w.message();
            String where = "frame " + (i + 1) + " (" + lines.get(i) + ")";
            if (tpkt) {
                // the megaco TCP dissector reads the TPKT header itself: check the length it found
                assertTrue(f[1].contains("tcp:megaco"), where + ": protocols " + f[1]);
                assertEquals(Integer.toString(4 + w.octets()), f[10], where + ": tpkt.length");
            } else {
                assertTrue(f[1].contains("udp:megaco"), where + ": protocols " + f[1]);
                assertEquals(Integer.toString(8 + w.octets()), f[11], where + ": udp.length");
            }
            Transaction t = msg.transactions().isEmpty() ? null : msg.transactions().get(0);
            assertEquals(t == null ? "" : Long.toString(transactionId(t)), f[2], where + ": megaco.transid");
            if (t instanceof Transaction.Pending) {
                // Wireshark 4.0 labels a Pending "Reply" (it looks at the leading P); later versions may not
                assertTrue(f[3].equals("Pending") || f[3].equals("Reply"), where + ": megaco.transaction");
            } else {
                assertEquals(transactionKind(msg), f[3], where + ": megaco.transaction");
            }
            assertEquals(contexts(t), distinct(f[4]), where + ": megaco.context");
            assertEquals(commands(t), f[5], where + ": megaco.command");
            assertEquals(terminationIds(t), f[6], where + ": megaco.termid");
            assertEquals(errorCodes(msg), f[7], where + ": megaco.error_code");
            assertEquals(Integer.toString(msg.version()), f[8], where + ": megaco.version");
            assertEquals(mid(msg), f[9], where + ": megaco.mId");
        }
    }

    private String run(Path capture, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(tshark, "-n", "-r", capture.toString(),
                "-d", "udp.port==" + MEGACO_PORT + ",megaco",
                "-o", "megaco.display_raw_text:FALSE", "-o", "megaco.display_dissect_tree:TRUE"));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "tshark", ".out");
        Path err = Files.createTempFile(dir, "tshark", ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            if (!p.waitFor(TSHARK_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                fail("tshark did not finish within " + TSHARK_TIMEOUT_SECONDS + " s: " + String.join(" ", cmd));
            }
        } finally {
            if (p.isAlive()) p.destroyForcibly();
        }
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) fail("tshark exited with " + p.exitValue() + ": " + stderr);
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    private static List<String> splitFrames(String verbose) {
        List<String> frames = new ArrayList<>();
        StringBuilder current = null;
        for (String line : verbose.split("\n", -1)) {
            if (line.startsWith("Frame ") && line.contains(" bytes on wire")) {
                if (current != null) frames.add(current.toString());
                current = new StringBuilder();
            }
            if (current != null) current.append(line).append('\n');
        }
        if (current != null) frames.add(current.toString());
        return frames;
    }

    // ---------------------------------------------------------------- what tshark should report

    private static long transactionId(Transaction t) {
        if (t instanceof Transaction.Request r) return r.transactionId();
        if (t instanceof Transaction.Reply r) return r.transactionId();
        if (t instanceof Transaction.Pending p) return p.transactionId();
        if (t instanceof Transaction.ResponseAck k) return k.acks().get(0).first(); // Wireshark shows the first
        throw new IllegalArgumentException("no transaction id in " + t);
    }

    private static String transactionKind(Message m) {
        if (m.body() instanceof MessageBody.Error) return "Error";
        Transaction t = m.transactions().get(0);
        if (t instanceof Transaction.Request) return "Request";
        if (t instanceof Transaction.Reply) return "Reply";
        if (t instanceof Transaction.Pending) return "Pending";
        if (t instanceof Transaction.ResponseAck) return "TransactionResponseAck";
        throw new IllegalArgumentException("not in the flow: " + t);
    }

    /** Context ids as Wireshark's megaco.context holds them: "-" is 0, "$" 0xFFFFFFFE, "*" 0xFFFFFFFF. */
    private static String contexts(Transaction t) {
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        List<ContextId> contextIds = new ArrayList<>();
        if (t instanceof Transaction.Request r) for (ActionRequest a : r.actions()) contextIds.add(a.contextId());
        if (t instanceof Transaction.Reply r) for (ActionReply a : r.actions()) contextIds.add(a.contextId());
        for (ContextId c : contextIds) {
            long v = c.equals(ContextId.NULL) ? 0 : c.equals(ContextId.CHOOSE) ? 0xFFFFFFFEL
                    : c.equals(ContextId.ALL) ? 0xFFFFFFFFL : c.value();
            ids.add(Long.toString(v));
        }
        return String.join(";", ids);
    }

    /** Wireshark repeats the context id under each SDP body; compare distinct ids in order of appearance. */
    private static String distinct(String aggregated) {
        if (aggregated.isEmpty()) return "";
        return String.join(";", new LinkedHashSet<>(List.of(aggregated.split(";"))));
    }

    private static String commands(Transaction t) {
        List<String> names = new ArrayList<>();
        if (t instanceof Transaction.Request r) {
            for (ActionRequest a : r.actions()) for (CommandRequest c : a.commands()) names.add(name(c.command()));
        }
        if (t instanceof Transaction.Reply r) {
            for (ActionReply a : r.actions()) for (CommandReply c : a.replies()) names.add(name(c));
        }
        return String.join(";", names);
    }

    private static String terminationIds(Transaction t) {
        List<String> ids = new ArrayList<>();
        if (t instanceof Transaction.Request r) {
            for (ActionRequest a : r.actions()) {
                for (CommandRequest c : a.commands()) for (TerminationId id : c.command().terminationIds()) ids.add(shown(id));
            }
        }
        if (t instanceof Transaction.Reply r) {
            for (ActionReply a : r.actions()) {
                for (CommandReply c : a.replies()) for (TerminationId id : replyIds(c)) ids.add(shown(id));
            }
        }
        return String.join(";", ids);
    }

    /** Wireshark names the CHOOSE and ALL wildcards. */
    private static String shown(TerminationId id) {
        if (id.value().equals("$")) return "WildCard any";
        if (id.value().equals("*")) return "WildCard all";
        return id.value();
    }

    private static String errorCodes(Message m) {
        List<String> codes = new ArrayList<>();
        if (m.body() instanceof MessageBody.Error e) codes.add(Integer.toString(e.error().code()));
        for (Transaction t : m.transactions().subList(0, Math.min(1, m.transactions().size()))) {
            if (t instanceof Transaction.Reply r) {
                if (r.error() != null) codes.add(Integer.toString(r.error().code()));
                for (ActionReply a : r.actions()) {
                    for (CommandReply c : a.replies()) {
                        for (Descriptor d : replyDescriptors(c)) {
                            if (d instanceof ErrorDescriptor e) codes.add(Integer.toString(e.code()));
                        }
                    }
                    if (a.error() != null) codes.add(Integer.toString(a.error().code()));
                }
            }
        }
        return String.join(";", codes);
    }

    private static String mid(Message m) {
        String pretty = TextCodec.encode(m, TextForm.COMPACT);
        int start = pretty.indexOf(' ') + 1;
        return pretty.substring(start, pretty.indexOf('\n'));
    }

    private static String name(Command c) {
        if (c instanceof Command.Amm a) return switch (a.verb()) {
            case ADD -> "Add";
            case MOVE -> "Move";
            case MODIFY -> "Modify";
        };
        if (c instanceof Command.Subtract) return "Subtract";
        if (c instanceof Command.Audit a) return a.capabilities() ? "AuditCapability" : "AuditValue";
        if (c instanceof Command.Notify) return "Notify";
        return "ServiceChange";
    }

    private static String name(CommandReply c) {
        if (c instanceof CommandReply.Amms a) return switch (a.verb()) {
            case ADD -> "Add";
            case MOVE -> "Move";
            case MODIFY -> "Modify";
            case SUBTRACT -> "Subtract";
        };
        if (c instanceof CommandReply.Audit a) return a.capabilities() ? "AuditCapability" : "AuditValue";
        if (c instanceof CommandReply.Notify) return "Notify";
        return "ServiceChange";
    }

    private static List<TerminationId> replyIds(CommandReply c) {
        if (c instanceof CommandReply.Amms a) return a.terminationIds();
        if (c instanceof CommandReply.Audit a) return a.terminationIds();
        if (c instanceof CommandReply.Notify n) return n.terminationIds();
        return ((CommandReply.ServiceChange) c).terminationIds();
    }

    private static List<Descriptor> replyDescriptors(CommandReply c) {
        if (c instanceof CommandReply.Amms a) return a.terminationAudit();
        if (c instanceof CommandReply.Audit a) return a.terminationAudit();
        if (c instanceof CommandReply.Notify n && n.error() != null) return List.of(n.error());
        if (c instanceof CommandReply.ServiceChange s && s.error() != null) return List.of(s.error());
        return List.of();
    }

    // ---------------------------------------------------------------- the call flow

    private static final String OFFER_SDP = "\nv=0\nc=IN IP4 $\nm=audio $ RTP/AVP 0 8\n";
    private static final String ANSWER_SDP = "\nv=0\nc=IN IP4 192.0.2.20\nm=audio 49170 RTP/AVP 0\na=ptime:20\n";
    private static final String REMOTE_SDP = "\nv=0\nc=IN IP4 198.51.100.7\nm=audio 30000 RTP/AVP 0\n";

    /** An MG restart, a line armed for off-hook, a call set up with an ephemeral RTP termination, audit, teardown. */
    static List<Sent> callFlow() {
        List<Sent> flow = new ArrayList<>();
        flow.add(new Sent(SampleMessages.serviceChangeRestart(), true));
        flow.add(new Sent(SampleMessages.serviceChangeReply(), false));

        // arm the line: media, events with embedded signals and digit map, dial tone, digit map
        Descriptor media = MediaDescriptor.of(
                new TerminationStateDescriptor(List.of(
                        new TerminationStateDescriptor.ServiceStates(TerminationStateDescriptor.ServiceState.IN_SERVICE),
                        new TerminationStateDescriptor.EventBufferControl(false))),
                new StreamDescriptor(1, List.of(new LocalControlDescriptor(List.of(
                        new LocalControlDescriptor.StreamMode(LocalControlDescriptor.Mode.SENDRECV),
                        new LocalControlDescriptor.ReservedValue(false), prop("tdmc/gain", "2"))))));
        Descriptor events = EventsDescriptor.of(2223,
                RequestedEvent.of("al/of", prop("strict", "state")),
                RequestedEvent.of("dd/ce", new dev.holdfast.h248.message.EventParameter.EventDigitMap("dialplan0", null)));
        Descriptor signals = SignalsDescriptor.of(SignalParm.Request.of("cg/dt"));
        Descriptor digitMap = new DigitMapDescriptor("dialplan0",
                dev.holdfast.h248.message.DigitMapValue.of("(0|00|[1-7]xxx|8xxxxxxx|Fxxxxxxx|Exx|91xxxxxxxxxx|9011x.)"));
        flow.add(new Sent(request(10001, ContextId.NULL, new Command.Amm(Command.AmmVerb.MODIFY,
                List.of(tid("line/17")), List.of(media, events, signals, digitMap))), false));
        flow.add(new Sent(reply(10001, ContextId.NULL, new CommandReply.Amms(CommandReply.AmmsVerb.MODIFY,
                List.of(tid("line/17")), List.of())), true));

        // off-hook and digits
        flow.add(new Sent(Message.of(2, MG, new Transaction.Request(20001, List.of(ActionRequest.of(ContextId.NULL,
                cmd(new Command.Notify(List.of(tid("line/17")), new ObservedEventsDescriptor(RequestId.of(2223),
                        List.of(new ObservedEventsDescriptor.ObservedEvent(new TimeStamp("20240611", "13050012"),
                                "al/of", List.of(prop("init", "false"))),
                                new ObservedEventsDescriptor.ObservedEvent(null, "dd/ce",
                                        List.of(prop("ds", "\"5551234\""), prop("Meth", "FM"))))), null)))))), true));
        flow.add(new Sent(reply(20001, ContextId.NULL,
                new CommandReply.Notify(List.of(tid("line/17")), null)), false));

        // the call: the line and an RTP termination the MG chooses, in a context the MG chooses
        Command addRtp = new Command.Amm(Command.AmmVerb.ADD, List.of(TerminationId.CHOOSE), List.of(
                MediaDescriptor.of(new StreamDescriptor(1, List.of(
                        new LocalControlDescriptor(List.of(
                                new LocalControlDescriptor.StreamMode(LocalControlDescriptor.Mode.RECVONLY),
                                prop("nt/jit", "40"))),
                        new LocalDescriptor(OFFER_SDP))))));
        flow.add(new Sent(Message.of(2, MGC, new Transaction.Request(10002, List.of(ActionRequest.of(
                ContextId.CHOOSE, cmd(new Command.Amm(Command.AmmVerb.ADD, List.of(tid("line/17")), List.of(
                        SignalsDescriptor.of(SignalParm.Request.of("cg/rt"))))), cmd(addRtp))))), false));
        flow.add(new Sent(Message.of(2, MG, new Transaction.Pending(10002)), true));
        CommandReply.Amms rtpAdded = new CommandReply.Amms(CommandReply.AmmsVerb.ADD, List.of(tid("rtp/00012")),
                List.of(MediaDescriptor.of(new StreamDescriptor(1, List.of(new LocalDescriptor(ANSWER_SDP))))));
        flow.add(new Sent(Message.of(2, MG, Transaction.Reply.of(10002, List.of(ActionReply.of(ContextId.of(5),
                new CommandReply.Amms(CommandReply.AmmsVerb.ADD, List.of(tid("line/17")), List.of()), rtpAdded)))),
                true));
        // answered: the far end's SDP, and the line armed for on-hook
        Command remote = new Command.Amm(Command.AmmVerb.MODIFY, List.of(tid("rtp/00012")), List.of(
                MediaDescriptor.of(new StreamDescriptor(1, List.of(
                        new LocalControlDescriptor(List.of(
                                new LocalControlDescriptor.StreamMode(LocalControlDescriptor.Mode.SENDRECV))),
                        new RemoteDescriptor(REMOTE_SDP))))));
        Command armOnHook = new Command.Amm(Command.AmmVerb.MODIFY, List.of(tid("line/17")),
                List.of(EventsDescriptor.of(2224, RequestedEvent.of("al/on"))));
        flow.add(new Sent(Message.of(2, MGC, new Transaction.Request(10003, List.of(ActionRequest.of(ContextId.of(5),
                cmd(remote), cmd(armOnHook))))), false));
        flow.add(new Sent(Message.of(2, MG, new Transaction.Reply(10003, null, false, true, null,
                List.of(ActionReply.of(ContextId.of(5), new CommandReply.Amms(CommandReply.AmmsVerb.MODIFY,
                        List.of(tid("rtp/00012")), List.of()))))), true));
        flow.add(new Sent(Message.of(2, MGC, new Transaction.ResponseAck(List.of(
                Transaction.AckRange.of(10001), new Transaction.AckRange(10002, 10003)))), false));

        // audit of the line
        flow.add(new Sent(request(10004, ContextId.NULL, new Command.Audit(false, List.of(tid("line/17")),
                AuditDescriptor.of(AuditDescriptor.Item.MEDIA, AuditDescriptor.Item.EVENTS,
                        AuditDescriptor.Item.SIGNALS, AuditDescriptor.Item.DIGIT_MAP,
                        AuditDescriptor.Item.STATISTICS, AuditDescriptor.Item.PACKAGES))), false));
        flow.add(new Sent(reply(10004, ContextId.NULL, new CommandReply.Audit(false, false, List.of(tid("line/17")),
                List.of(MediaDescriptor.of(new TerminationStateDescriptor(List.of(
                                new TerminationStateDescriptor.ServiceStates(TerminationStateDescriptor.ServiceState.IN_SERVICE)))),
                        EventsDescriptor.of(2223, RequestedEvent.of("al/on")),
                        SignalsDescriptor.of(SignalParm.Request.of("cg/rt")),
                        new DigitMapDescriptor("dialplan0", null),
                        new StatisticsDescriptor(List.of(new StatisticsDescriptor.Statistic("nt/dur", ParmValue.of("4200")))),
                        new PackagesDescriptor(List.of(new PackagesDescriptor.Item("al", 1),
                                new PackagesDescriptor.Item("cg", 1), new PackagesDescriptor.Item("dd", 1)))),
                null)), true));

        // teardown with statistics
        flow.add(new Sent(Message.of(2, MGC, new Transaction.Request(10005, List.of(ActionRequest.of(ContextId.of(5),
                cmd(new Command.Subtract(List.of(tid("rtp/00012")), AuditDescriptor.of(AuditDescriptor.Item.STATISTICS))),
                cmd(new Command.Subtract(List.of(tid("line/17")), null)))))), false));
        StatisticsDescriptor stats = new StatisticsDescriptor(List.of(
                new StatisticsDescriptor.Statistic("nt/os", ParmValue.of("62300")),
                new StatisticsDescriptor.Statistic("nt/or", ParmValue.of("61800")),
                new StatisticsDescriptor.Statistic("rtp/pl", ParmValue.of("0.5")),
                new StatisticsDescriptor.Statistic("rtp/jit", ParmValue.of("20")),
                new StatisticsDescriptor.Statistic("nt/dur", ParmValue.of("62400"))));
        flow.add(new Sent(Message.of(2, MG, Transaction.Reply.of(10005, List.of(ActionReply.of(ContextId.of(5),
                new CommandReply.Amms(CommandReply.AmmsVerb.SUBTRACT, List.of(tid("rtp/00012")), List.of(stats)),
                new CommandReply.Amms(CommandReply.AmmsVerb.SUBTRACT, List.of(tid("line/17")), List.of()))))), true));

        // errors at every level
        flow.add(new Sent(Message.of(2, MG, Transaction.Reply.error(10006,
                ErrorDescriptor.of(ErrorDescriptor.SYNTAX_ERROR_IN_TRANSACTION, "Syntax error in transaction"))), true));
        flow.add(new Sent(Message.of(2, MG, Transaction.Reply.of(10007, List.of(new ActionReply(ContextId.of(77),
                List.of(), List.of(), ErrorDescriptor.of(ErrorDescriptor.UNKNOWN_CONTEXT_ID, "Unknown context"))))), true));
        flow.add(new Sent(Message.of(2, MG, Transaction.Reply.of(10008, List.of(ActionReply.of(ContextId.NULL,
                new CommandReply.Amms(CommandReply.AmmsVerb.MODIFY, List.of(tid("line/99")), List.of(
                        ErrorDescriptor.of(ErrorDescriptor.UNKNOWN_TERMINATION_ID, "line/99"))))))), true));
        flow.add(new Sent(SampleMessages.messageError(), true));
        return flow;
    }

    private static Message request(long id, ContextId context, Command command) {
        return Message.of(2, MGC, new Transaction.Request(id, List.of(ActionRequest.of(context, cmd(command)))));
    }

    private static Message reply(long id, ContextId context, CommandReply reply) {
        return Message.of(2, MG, Transaction.Reply.of(id, List.of(ActionReply.of(context, reply))));
    }
}
