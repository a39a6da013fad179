package dev.holdfast.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.sim.cli.CommandOptions;

import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code drill migration}: call-preserving migration under load, with real processes on loopback (issue 5, "Failover
 * drills"). It writes the same provisioning for a primary and an alternate controller (only their listening ports
 * differ), starts both, starts the H.248 load generator with both controllers in order ({@code loadgen h248
 * --establish K}), waits until K calls are established, reads the primary's call structures (admin API), marks the
 * RTP windows, {@code kill -9}s the primary, and measures:
 * <ul>
 *   <li>{@code detect_ms}: from the kill until every gateway has registered with the alternate (Failover);</li>
 *   <li>{@code rebuild_ms}: from that until the alternate's {@code GET /api/calls} lists every call;</li>
 *   <li>{@code calls_preserved}: calls whose parties are still in their contexts with the talk path up (a held call:
 *       still held);</li>
 *   <li>{@code structure_matches}: calls whose structure on the alternate equals the primary's ({@link CallShapes});</li>
 *   <li>the RTP gap (largest silence between received packets, per call; max and p99 over calls) and packets lost,
 *       since the mark, over every talking call with RTP;</li>
 *   <li>feature checks on a sample: hold and retrieve, transfer, conference, hang-up.</li>
 * </ul>
 * It prints a report and with {@code --json} one JSON object as its last line. Every process it started is stopped
 * by its pid on the way out (also on Ctrl-C). Exit 0 only when every call was preserved, every check passed, and,
 * when structures could be compared, every structure matched.
 */
public final class MigrationDrill {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN_USER = "drill";
    private static final String ADMIN_PASSWORD = "drill-password";

    static final String USAGE = """
            usage: drill migration --gateways N --phones M --calls K [--json] [--transport tcp|udp] [--detect-ms D]
                   [--mix intra=W,inter=W,hold=W,conference=W] [--checks S] [--probe-rate PPS] [--settle-ms MS]
                   [--check-step-ms MS] [--rebuild-limit-ms MS] [--provisioning-extra FILE] [--logs DIR] [--cookies on|off]
                   [--setup-threads N] [--phone-calls P] [--phone-classpath CP]
                   --controller-classpath CP --gateway-classpath CP      (bin/drill gives these)
              --detect-ms D: loss of the controller noticed within D ms over UDP: the controllers arm it/ito with
                mit = 60% of D, the gateways give up on an unanswered heartbeat after the rest (default 1000; on a
                loaded machine a short reply timeout makes gateways leave a live primary: the drill reports those)
              --check-step-ms MS: how long one step of a feature check may take (default 5000)
              --rebuild-limit-ms MS: how long to wait for the alternate to list every call (default 30000)
              --settle-ms MS: wait after the rebuild before reading talk paths and RTP (default 1000)
              --checks S: calls per feature check (default K/10, at least 1, at most 25)
              --probe-rate PPS: RTP packets per second per talk path outside the full-rate sample (default 50 up to
                300 calls, 4 up to 1000, 1 above)
              --full-rate-every N: 1 in N of the calls with RTP sends 50 packets/s, reported apart (default 0, every
                call at --probe-rate, up to 300 calls; K/100 above)
              --provisioning-extra FILE: YAML appended to both controllers' provisioning (e.g. a cookies: section)
              --logs DIR: keep the processes' logs there (default: a temporary directory, removed when all passed)
              --controller-java-opts "OPTS": JVM options of both controllers (default -XX:TieredStopAtLevel=1
                -XX:+UseShenandoahGC -Xms2g -Xmx2g -XX:+UseTransparentHugePages -XX:+AlwaysPreTouch
                -XX:MetaspaceSize=256m: C1 only, ./bin/controller's collector, a fixed heap touched at start; "" for
                the JVM's default); --loadgen-java-opts, --phones-java-opts likewise (default C1 only, the parallel
                collector on 2 threads, a fixed heap of 1 GB / 2 GB touched at start; %n: the process's name)
              --alternate-java-opts "OPTS": more JVM options for the alternate only, after those (e.g.
                -XX:StartFlightRecording=filename=DIR/alternate.jfr,settings=profile)
              --cookies on|off: a cookies: section with one fresh key in both provisionings (default on, when the
                controller build has call cookies)
              --phones M: M SIP phones (the SIP load generator, its own process) with P of the K calls phone to gateway
                line (--phone-calls, default K/5, at most M); they fail over by keepalive: OPTIONS every
                --phone-keepalive-ms (default 40% of D), the controller lost after --phone-keepalive-misses probes in a
                row (default 3) each unanswered for --phone-keepalive-timeout-ms (default a third of the rest of D, at
                least 700), so within D of its last answer (D >= 3500), while one answer up to that late keeps them; REGISTER and
                calls wait --phone-timeout-ms (default 2000); checks: hang-up only; --phone-threads N: the phones'
                event loops (default 2)
            """;

    private final PrintStream out;
    private final List<ChildProcess> started = new CopyOnWriteArrayList<>();
    private final List<String> notes = new ArrayList<>();
    /** The logs are in a directory of our own (no --logs): removed when everything passed. */
    private boolean temporaryLogs;
    /** The phones' SIP port (UDP), once they said it. */
    private int phonesSipPort;

    private final long began = System.nanoTime();
    /** The machine's per-second figures, with --logs (null without). */
    private MachineSampler sampler;

    private MigrationDrill(PrintStream out) { this.out = out; }

    /** One step of the report, with the seconds since the drill began. */
    private void say(String line) {
        out.printf(Locale.ROOT, "  [%5.1fs] %s%n", (System.nanoTime() - began) / 1e9, line);
        out.flush();
    }

    private void sayf(String format, Object... args) {
        say(String.format(Locale.ROOT, format, args).stripTrailing());
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the drill; the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        int from = args.length > 0 && args[0].equals("migration") ? 1 : 0;
        CommandOptions opt;
        try {
            opt = CommandOptions.parse(args, from, Set.of("json"));
        } catch (IllegalArgumentException e) {
            err.println("drill: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        if (opt.has("help")) {
            out.print(USAGE);
            return 0;
        }
        MigrationDrill d = new MigrationDrill(out);
        Thread hook = new Thread(d::stopAll, "drill-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return d.drill(opt, err);
        } catch (IllegalArgumentException e) {
            err.println("drill: " + e.getMessage());
            err.print(USAGE);
            return 2;
        } finally {
            if (d.sampler != null) d.sampler.close(); // on every way out (finish closed it already on the usual one)
            d.stopAll();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is going down: the hook runs anyway
            }
        }
    }

    /** Stops every process still running that this drill started, by its pid. */
    private void stopAll() {
        for (ChildProcess p : started) p.stop();
    }

    /** Pids of the processes started (for tests: none may be left running). */
    private final List<Long> pids = new CopyOnWriteArrayList<>();

    private ChildProcess start(String name, List<String> command, Path log) throws IOException {
        ChildProcess p = ChildProcess.start(name, command, log);
        started.add(p);
        pids.add(p.pid());
        return p;
    }

    // ------------------------------------------------------------------------------------------------ the drill

    private int drill(CommandOptions opt, PrintStream err) throws Exception {
        int gateways = opt.integer("gateways", 2);
        int phones = opt.integer("phones", 0);
        int k = opt.integer("calls", 6);
        if (gateways < 1 || k < 1 || phones < 0) throw new IllegalArgumentException("--gateways and --calls are at least 1");
        boolean json = opt.has("json");
        String transport = opt.get("transport", "udp").toLowerCase(Locale.ROOT);
        if (!transport.equals("udp") && !transport.equals("tcp")) throw new IllegalArgumentException("--transport is udp or tcp");
        int detectMs = opt.integer("detect-ms", 1000);
        if (detectMs < 100) throw new IllegalArgumentException("--detect-ms is at least 100");
        int mitMs = Math.max(10, (int) Math.round(detectMs * 0.6 / 10) * 10);
        int heartbeatMs = Math.max(30, detectMs - mitMs);
        String mix = opt.get("mix", "intra=4,inter=4,hold=1,conference=1");
        int checks = opt.integer("checks", Math.max(1, Math.min(25, k / 10)));
        // RTP: every call at 50 packets/s up to 300 calls; above, 1 in --full-rate-every of the calls with RTP at 50
        // packets/s (about 45 calls) and the rest at --probe-rate: 10,000 calls at 50 packets/s would be over 500,000
        // packets/s, more than this 2-core machine can move besides the controllers (docs/drill.md, "RTP")
        String probeRate = opt.get("probe-rate", k <= 300 ? "50" : k <= 1000 ? "4" : "1");
        int fullRateEvery = opt.integer("full-rate-every", k <= 300 ? 0 : Math.max(2, k / 100));
        int settleMs = opt.integer("settle-ms", 1000);
        int checkStepMs = opt.integer("check-step-ms", 5000);
        int rebuildLimitMs = opt.integer("rebuild-limit-ms", 30_000);
        String controllerCp = opt.required("controller-classpath");
        String gatewayCp = opt.required("gateway-classpath");
        String phoneCp = opt.get("phone-classpath");
        if (phones > 0 && phoneCp == null) throw new IllegalArgumentException("--phones needs --phone-classpath");
        // phone-to-line calls: each of them one phone calling one answering line; part of the K calls
        int phoneCalls = phones == 0 ? 0 : Math.min(phones, opt.integer("phone-calls", Math.max(1, k / 5)));
        if (phoneCalls >= k) throw new IllegalArgumentException("--calls must leave calls between gateway lines besides the phones' calls");
        int lineCalls = k - phoneCalls;
        int answerLines = phoneCalls == 0 ? 0 : (phoneCalls + gateways - 1) / gateways;
        // the phones' keepalive: probes every 40% of D, the loss after 3 probes in a row unanswered for a third of the
        // rest each, so that a phone leaves a dead controller within D of its last answer, as a gateway does, but a
        // controller (or the phones' own process) that answers one probe up to 60% of D late keeps its phones. It
        // was one probe unanswered for 2 s after 60% of D: a single stall of 2 s made phones leave a live primary
        // (docs/drill.md, session 9)
        int phoneKeepaliveMs = opt.integer("phone-keepalive-ms", Math.max(10, (int) Math.round(detectMs * 0.4 / 10) * 10));
        // the phones' event loops: with one, a phone that had declared the loss 2.4 s after the kill registered with
        // the alternate 8.8 s later, its REGISTER answered at once there (1,000 phones' failover on one thread)
        int phoneThreads = opt.integer("phone-threads", 2);
        int phoneTimeoutMs = opt.integer("phone-timeout-ms", Math.max(2000, heartbeatMs));
        // keepalive loss: K probes in a row each unanswered for T (docs/drill.md, "Phones")
        int phoneKeepaliveMisses = opt.integer("phone-keepalive-misses", 3);
        if (phoneKeepaliveMisses < 1) throw new IllegalArgumentException("--phone-keepalive-misses is at least 1");
        // at least 700 ms a probe: never less patient in all than the old single probe of 2 s (a small D would
        // otherwise make phones leave a controller, or a phones' process, that stalls for a second)
        int phoneKeepaliveTimeoutMs = opt.integer("phone-keepalive-timeout-ms",
                Math.max(700, (detectMs - phoneKeepaliveMs) / phoneKeepaliveMisses));
        String extraGiven = opt.has("provisioning-extra") ? Files.readString(Path.of(opt.get("provisioning-extra"))) : "";
        // lines: what the mix needs (2 a call, 3 a conference), a free line for each transfer and conference check,
        // and a little slack, spread evenly
        int linesNeeded = (int) Math.ceil(lineCalls * 2.4) + 2 * checks + 2;
        int lines = Math.max(4, (linesNeeded + gateways - 1) / gateways + 1) + answerLines;
        temporaryLogs = !opt.has("logs");
        Path work = opt.has("logs") ? Files.createDirectories(Path.of(opt.get("logs"))) : Files.createTempDirectory("drill-migration");
        // what the machine does each second (pressure, vmstat, each process's CPU, a fixed probe): with --logs only
        // (DIR/machine.jsonl; docs/drill.md, session 14)
        if (!temporaryLogs) sampler = new MachineSampler(work.resolve("machine.jsonl")).start();

        out.printf(Locale.ROOT, "drill migration: %d gateways x %d lines, %d phones, %d calls (%d between lines: %s; %d phone to line),"
                        + " %s, loss detection within %d ms (mit %d ms + heartbeat reply timeout %d ms), RTP %s packets/s, logs in %s%n",
                gateways, lines, phones, k, lineCalls, mix, phoneCalls, transport, detectMs, mitMs, heartbeatMs, probeRate, work);

        Report r = new Report(k, gateways, phones, transport, detectMs);
        r.probeRate = Double.parseDouble(probeRate);
        r.fullRateEvery = fullRateEvery;
        String extra = extraGiven;
        r.phoneCalls = phoneCalls;
        // ---- provisioning: the same for both, but for the listening ports
        int primaryPort = freePort();
        int alternatePort = freePort(primaryPort);
        int primarySip = phones > 0 ? freePort(primaryPort, alternatePort) : 0;
        int alternateSip = phones > 0 ? freePort(primaryPort, alternatePort, primarySip) : 0;
        String hash = hasClass(controllerCp, "dev/holdfast/controller/admin/AdminServer.class")
                ? adminPasswordHash(controllerCp, work) : null;
        boolean admin = hash != null;
        // call cookies: one fresh key shared by both controllers, when this controller build has them
        boolean cookiesWanted = !opt.get("cookies", "on").equals("off");
        boolean cookies = cookiesWanted && hasClass(controllerCp, "dev/holdfast/controller/cookie/CookieKeyRing.class");
        r.cookies = cookies;
        if (cookiesWanted && !cookies) notes.add("no call cookies in this controller build: provisioned without");
        if (cookies) extra = cookiesYaml() + extra;
        int primaryAdmin = admin ? freePort(primaryPort, alternatePort, primarySip, alternateSip) : 0;
        int alternateAdmin = admin ? freePort(primaryPort, alternatePort, primarySip, alternateSip, primaryAdmin) : 0;
        if (!admin) notes.add("no admin API in this controller build: structures and rebuild time not measured");
        // the two provisionings are written by their own processes at once (JVM start-ups are most of the wait)
        String extraBoth = extra;
        java.util.concurrent.ExecutorService writers = java.util.concurrent.Executors.newFixedThreadPool(2);
        Path primaryYaml;
        Path alternateYaml;
        try {
            var p1 = writers.submit(() -> provisioning(gatewayCp, work, "primary", gateways, lines, primaryPort, mitMs, admin,
                    primaryAdmin, hash, phoneYaml(phoneCp, work, "primary", phones, primarySip) + extraBoth));
            var p2 = writers.submit(() -> provisioning(gatewayCp, work, "alternate", gateways, lines, alternatePort, mitMs, admin,
                    alternateAdmin, hash, phoneYaml(phoneCp, work, "alternate", phones, alternateSip) + extraBoth));
            primaryYaml = p1.get();
            alternateYaml = p2.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } finally {
            writers.shutdown();
        }

        // ---- controllers
        // C1 only by default: the alternate is a cold JVM when the primary dies, and C2 compiling the audit, merge and
        // SIP paths took most of its CPU during the failover (3,000 calls, load average 12-15: the alternate used 18.2 s
        // of CPU from the kill to every call rebuilt with C2, 7.1 s with C1 only; the detection and rebuild then fit).
        // The collector is the product's (./bin/controller: Shenandoah), with a fixed heap touched at start in
        // transparent huge pages. Until session 12 the drill ran the serial collector (its CPU per call is the
        // least): on this shared machine its young collections stopped the primary 0.4-0.8 s when quiet and 4.9-6.6 s
        // at load averages of 13-15 (a stop-the-world pause stretches with the machine's oversubscription), and the
        // gateways and phones whose heartbeats and keepalives it held up left the live primary before the kill (1,015
        // of 1,100 in one run); Shenandoah's pauses were 1-4 ms in the same drill, and the primary's CPU for the set-up
        // no larger (docs/drill.md, session 12). Huge pages: touching 2 GB in 4 KB pages took the two controllers 45 s
        // of their start on a loaded machine, 10 s in huge pages. The heap is fixed because a growing one paused the
        // alternate in fresh pages and a "Metadata GC Threshold" full collection at the kill (session 8).
        controllerJavaOpts = opt.get("controller-java-opts", CONTROLLER_JAVA_OPTS);
        r.controllerJavaOpts = controllerJavaOpts;
        alternateJavaOpts = opt.get("alternate-java-opts", "");
        r.alternateJavaOpts = alternateJavaOpts;
        ChildProcess primary = startController("primary", controllerCp, primaryYaml, work);
        ChildProcess alternate = startController("alternate", controllerCp, alternateYaml, work);
        if (sampler != null) {
            sampler.watch("primary", primary.pid());
            sampler.watch("alternate", alternate.pid());
        }
        for (ChildProcess c : List.of(primary, alternate)) {
            if (c.await(Pattern.compile("listening on"), Duration.ofSeconds(60)) == null) {
                out.println("drill: FAILED: the " + c.name + " controller did not start:\n" + c.tail(20));
                return finish(r, json, work, false);
            }
            say("" + c.name + " controller pid " + c.pid() + ": " + firstLine(c.output(), "listening on"));
        }
        AdminClient primaryApi = admin ? new AdminClient("http://127.0.0.1:" + primaryAdmin, ADMIN_USER, ADMIN_PASSWORD) : null;
        AdminClient alternateApi = admin ? new AdminClient("http://127.0.0.1:" + alternateAdmin, ADMIN_USER, ADMIN_PASSWORD) : null;

        // ---- load
        int controlPort = freePort(primaryPort, alternatePort, primaryAdmin, alternateAdmin, primarySip, alternateSip);
        r.loadgenJavaOpts = opt.get("loadgen-java-opts", LOADGEN_JAVA_OPTS);
        List<String> lg = new ArrayList<>(List.of(java(), LOG_FORMAT));
        lg.addAll(javaOpts(r.loadgenJavaOpts, "loadgen"));
        if (!temporaryLogs) lg.add(LOOP_LAG_PER_SECOND);
        lg.addAll(gcLog(work, "loadgen"));
        lg.addAll(List.of("-cp", gatewayCp,
                "dev.holdfast.gatewaysim.load.LoadGenMain", "h248",
                "--controller", "127.0.0.1:" + primaryPort + ",127.0.0.1:" + alternatePort,
                "--gateways", Integer.toString(gateways), "--lines", Integer.toString(lines),
                "--establish", Integer.toString(lineCalls), "--mix", mix, "--control-port", Integer.toString(controlPort),
                "--answer-lines", Integer.toString(answerLines),
                "--transport", transport, "--probe-rate", probeRate, "--heartbeat-timeout", Integer.toString(heartbeatMs),
                "--step-limit", Integer.toString(checkStepMs), "--setup-threads", opt.get("setup-threads", "32"),
                "--full-rate-every", Integer.toString(fullRateEvery), "--verbose"));
        ChildProcess loadgen = start("loadgen", lg, work.resolve("loadgen.log"));
        if (sampler != null) sampler.watch("loadgen", loadgen.pid());
        long establishLimit = 60_000 + 60L * lineCalls; // 2,700 calls took 92 s at load average 15
        Matcher est = loadgen.await(Pattern.compile("loadgen: established (\\d+) of (\\d+) calls in (\\d+) ms"),
                Duration.ofMillis(establishLimit));
        if (est == null) {
            out.println("drill: FAILED: the load generator did not establish its calls within " + establishLimit / 1000
                    + " s:\n" + loadgen.tail(20));
            return finish(r, json, work, false);
        }
        r.callsBefore = Integer.parseInt(est.group(1));
        sayf("load generator pid %d: established %s of %s calls between lines in %s ms%n", loadgen.pid(),
                est.group(1), est.group(2), est.group(3));
        ChildProcess phoneLoad = null;
        int phoneControl = 0;
        if (phoneCalls > 0) {
            Matcher answering = loadgen.await(Pattern.compile("loadgen: answering lines ([0-9,]+)"), Duration.ofSeconds(5));
            if (answering == null) {
                out.println("drill: FAILED: the load generator did not name its answering lines:\n" + loadgen.tail(10));
                return finish(r, json, work, false);
            }
            List<String> numbers = List.of(answering.group(1).split(",")).subList(0, phoneCalls);
            phoneControl = freePort(primaryPort, alternatePort, primaryAdmin, alternateAdmin, primarySip, alternateSip, controlPort);
            // phones notice a dead controller by keepalive: OPTIONS every --phone-keepalive-ms, unanswered for
            // --phone-timeout-ms (the same timeout covers REGISTER and calls: a short one makes phones leave a busy primary)
            List<String> pj = new ArrayList<>(List.of(java(), LOG_FORMAT));
            // the parallel collector (PHONES_JAVA_OPTS; session 9 tried the serial one with a 512 MB young generation:
            // its few collections stopped the phones for 1.2-5.2 s each at load 35, G1's many 0.1-1.1 s at load 26)
            r.phonesJavaOpts = opt.get("phones-java-opts", PHONES_JAVA_OPTS);
            pj.addAll(javaOpts(r.phonesJavaOpts, "phones"));
            if (!temporaryLogs) pj.add(LOOP_LAG_PER_SECOND);
            pj.addAll(gcLog(work, "phones"));
            phoneLoad = start("phones", concat(pj, "-cp", phoneCp, "dev.holdfast.endpointsim.load.SipLoadGenMain",
                    "sip", "--controller", "127.0.0.1:" + primarySip + ",127.0.0.1:" + alternateSip, "--phones", Integer.toString(phones),
                    "--establish", Integer.toString(phoneCalls), "--call-lines", String.join(",", numbers),
                    "--control-port", Integer.toString(phoneControl), "--transport", transport, "--probe-rate", probeRate,
                    "--keepalive", phoneKeepaliveMs + "ms", "--request-timeout", phoneTimeoutMs + "ms", "--step-limit", checkStepMs + "ms",
                    "--keepalive-misses", Integer.toString(phoneKeepaliveMisses), "--keepalive-timeout", phoneKeepaliveTimeoutMs + "ms",
                    "--threads", Integer.toString(phoneThreads), "--verbose"), work.resolve("phones.log"));
            if (sampler != null) sampler.watch("phones", phoneLoad.pid());
            Matcher pe = phoneLoad.await(Pattern.compile("loadgen: established (\\d+) of (\\d+) calls in (\\d+) ms"),
                    Duration.ofMillis(60_000 + 50L * phoneCalls));
            if (pe == null) {
                out.println("drill: FAILED: the phones did not establish their calls:\n" + phoneLoad.tail(20));
                return finish(r, json, work, false);
            }
            r.callsBefore += Integer.parseInt(pe.group(1));
            sayf("phones pid %d: established %s of %s phone-to-line calls in %s ms", phoneLoad.pid(), pe.group(1), pe.group(2), pe.group(3));
        }
        if (r.callsBefore < k) notes.add((k - r.callsBefore) + " of " + k + " calls could not be established before the kill");

        try (Loads control = new Loads(new ControlClient(controlPort, Duration.ofSeconds(120)),
                phoneControl == 0 ? null : new ControlClient(phoneControl, Duration.ofSeconds(120)))) {
            JsonNode before = control.status();
            say("before: " + kinds(before));
            // ---- the primary's structures
            JsonNode structuresBefore = null;
            if (admin) {
                try {
                    structuresBefore = primaryApi.calls();
                    say("primary lists " + structuresBefore.size() + " calls (GET /api/calls)");
                } catch (IOException e) {
                    notes.add("primary's /api/calls not read: " + e.getMessage());
                    say("primary's /api/calls not read: " + e.getMessage());
                }
            }
            // ---- mark, kill
            control.sendAll("mark");
            Thread.sleep(200); // a few RTP packets into the window, so that it starts from a flowing path
            java.util.Set<String> onPrimary = new java.util.TreeSet<>();
            JsonNode registrationsAtKill = control.registrations();
            for (JsonNode g : registrationsAtKill.path("gateways")) {
                String with = g.path("controller").asText();
                if (g.path("registered").asBoolean() && (with.endsWith(":" + primaryPort) || phones > 0 && with.endsWith(":" + primarySip))) {
                    onPrimary.add(g.path("name").asText());
                }
            }
            if (onPrimary.size() < gateways + phoneCalls) {
                notes.add((gateways + phoneCalls - onPrimary.size()) + " gateways or phones were not with the primary at the"
                        + " kill (a heartbeat or keepalive not answered in time under load made them leave it before)");
                say("before the kill only " + onPrimary.size() + " of " + (gateways + phoneCalls) + " gateways and phones are with the primary");
            }
            r.leftPrimaryBeforeKill = gateways + phoneCalls - onPrimary.size();
            if (control.phones() != null) {
                // what the phones' keepalives saw up to the kill, and how late their own process ran
                JsonNode ps = control.phones().send("status");
                r.phonesAtKill = JSON.createObjectNode();
                r.phonesAtKill.set("keepalive", ps.path("keepalive"));
                r.phonesAtKill.put("loop_lag_ms_max", ps.path("phones_loop_lag_ms_max").asDouble());
                r.phonesAtKill.put("loop_stalls", ps.path("phones_loop_stalls").asLong());
                phonesSipPort = ps.path("phones_sip_port").asInt();
                say("phones at the kill: keepalive " + ps.path("keepalive") + ", their event loops up to "
                        + ps.path("phones_loop_lag_ms_max").asDouble() + " ms late (" + ps.path("phones_loop_stalls").asLong() + " stalls)");
            }
            if (phones > 0) {
                // the kernel's drops on the SIP sockets: a keepalive answer that never reached its reader was dropped there
                Map<Integer, Long> drops = dev.holdfast.sim.net.UdpDrops.of(java.util.Set.of(primarySip, alternateSip, phonesSipPort));
                r.sipUdpDropsAtKill = JSON.createObjectNode();
                r.sipUdpDropsAtKill.put("primary", drops.getOrDefault(primarySip, -1L));
                r.sipUdpDropsAtKill.put("alternate", drops.getOrDefault(alternateSip, -1L));
                r.sipUdpDropsAtKill.put("phones", drops.getOrDefault(phonesSipPort, -1L));
                say("SIP UDP receive drops at the kill: " + r.sipUdpDropsAtKill);
            }
            r.loadAverage = loadAverage();
            long alternateCpuAtKill = cpuMillis(alternate.pid());
            Map<String, Long> alternateThreadsAtKill = threadCpuMillis(alternate.pid());
            long loadgenCpuAtKill = cpuMillis(loadgen.pid());
            Map<String, Long> loadgenThreadsAtKill = threadCpuMillis(loadgen.pid());
            long phonesCpuAtKill = phoneLoad == null ? 0 : cpuMillis(phoneLoad.pid());
            Map<String, Long> phonesThreadsAtKill = phoneLoad == null ? Map.of() : threadCpuMillis(phoneLoad.pid());
            // each process's CPU for the whole set-up: the same work every run, so comparable across JVM options
            // whatever else the machine runs (wall times are not)
            r.cpuMsAtKill = JSON.createObjectNode();
            r.cpuMsAtKill.put("primary", cpuMillis(primary.pid()));
            r.cpuMsAtKill.put("alternate", alternateCpuAtKill);
            r.cpuMsAtKill.put("loadgen", loadgenCpuAtKill);
            if (phoneLoad != null) r.cpuMsAtKill.put("phones", phonesCpuAtKill);
            // the alternate's protocol counters (H.248 transaction layer, SIP edge) at the kill: their deltas to the
            // last call rebuilt count the retransmissions and duplicates a late round trip costs (session 14)
            JsonNode alternateStatusAtKill = null;
            if (admin) {
                try {
                    alternateStatusAtKill = alternateApi.counters();
                } catch (IOException e) {
                    // the counters are left out
                }
            }
            long killedAt = System.currentTimeMillis();
            primary.kill9();
            if (sampler != null) sampler.mark("kill", killedAt);
            say("killed the primary (kill -9 " + primary.pid() + ") at " + java.time.LocalTime.ofInstant(
                    java.time.Instant.ofEpochMilli(killedAt), java.time.ZoneId.systemDefault()) + " (the processes' log clock)");

            // ---- detection: every gateway that was with the primary registered with the alternate after the kill
            long detectLimit = System.currentTimeMillis() + 30_000 + detectMs;
            JsonNode st = null;
            long lastRegistration = -1;
            long lastLost = -1;
            JsonNode lastRegistered = null;
            while (System.currentTimeMillis() < detectLimit) {
                st = control.registrations();
                lastRegistration = -1;
                lastRegistered = null;
                lastLost = -1;
                boolean all = true;
                for (JsonNode g : st.path("gateways")) {
                    if (!onPrimary.contains(g.path("name").asText())) continue;
                    String with = g.path("controller").asText();
                    boolean moved = g.path("registered").asBoolean()
                            && (with.endsWith(":" + alternatePort) || phones > 0 && with.endsWith(":" + alternateSip))
                            && g.path("registered_at_ms").asLong() >= killedAt;
                    if (!moved) {
                        all = false;
                        break;
                    }
                    if (g.path("registered_at_ms").asLong() > lastRegistration) lastRegistered = g;
                    lastRegistration = Math.max(lastRegistration, g.path("registered_at_ms").asLong());
                    lastLost = Math.max(lastLost, g.path("lost_at_ms").asLong());
                }
                if (all) break;
                lastRegistration = -1;
                // the registration times are the gateways' own: polling only ends the wait, and each poll costs the
                // load generator's event loops a look at every gateway, at the moment they are busiest
                Thread.sleep(500);
            }
            if (phones > 0 && st != null) {
                long timeouts = sum(st, "register_timeouts") - sum(registrationsAtKill, "register_timeouts");
                long late = sum(st, "late_register_answers") - sum(registrationsAtKill, "late_register_answers");
                if (timeouts > 0) {
                    // which it was tells where to look: a late answer is a slow controller, none at all a lost message
                    sayf("phones: %d REGISTERs given up on after the kill (%d of them answered later, after the phone had"
                            + " moved on: the registrar was slow, not silent)%n", timeouts, late);
                    notes.add(timeouts + " phone REGISTERs timed out after the kill (" + late + " answered late)");
                }
            }
            if (lastRegistration < 0) {
                say("detection: not every gateway registered with the alternate within 30 s: " + (st == null ? "" : st.path("gateways")));
                notes.add("gateways did not all fail over within 30 s");
            } else {
                r.detectMs = lastRegistration - killedAt;
                r.lostMs = lastLost >= killedAt ? lastLost - killedAt : null;
                sayf("detection: every gateway registered with the alternate (Failover) %d ms after the kill"
                        + " (the last declared the primary lost after %s ms)%n", r.detectMs, r.lostMs == null ? "?" : r.lostMs.toString());
                say("detection timeline (ms from the kill: first / median / last): " + timeline(st, onPrimary, killedAt, alternateSip));
                r.detection = detection(st, onPrimary, killedAt);
                if (lastRegistered != null) {
                    long lost = lastRegistered.path("lost_at_ms").asLong(-1);
                    sayf("detection: the last to register was %s, %d ms after the kill (it had declared the primary lost"
                            + " after %s ms)%n", lastRegistered.path("name").asText(), lastRegistration - killedAt,
                            lost >= killedAt ? String.valueOf(lost - killedAt) : "?");
                }
            }

            // ---- rebuild: the alternate lists every call
            JsonNode structuresAfter = null;
            if (admin) {
                boolean detected = lastRegistration >= 0; // else: no rebuild_ms, but the calls are still counted
                long rebuildLimit = System.currentTimeMillis() + rebuildLimitMs;
                String why = null;
                // polled with the status's call count: GET /api/calls builds every call's structure on the core
                // thread, and polling it every 20 ms under 10,000 calls slowed the very rebuild it was timing
                int listed = -1;
                long lastRebuiltAt = 0;
                long lastJoinedAt = 0;
                while (System.currentTimeMillis() < rebuildLimit) {
                    try {
                        JsonNode counts = alternateApi.status().path("counts");
                        listed = counts.path("activeCalls").asInt(-1);
                        lastRebuiltAt = counts.path("lastCallRebuiltAt").asLong(0);
                        lastJoinedAt = counts.path("lastDialogJoinedAt").asLong(0);
                        why = null;
                        if (listed >= r.callsBefore) {
                            if (detected) r.rebuildMs = Math.max(0, System.currentTimeMillis() - lastRegistration);
                            break;
                        }
                    } catch (IOException e) {
                        why = e.getMessage();
                    }
                    Thread.sleep(20);
                }
                if (listed >= r.callsBefore && lastRebuiltAt >= killedAt) {
                    // the alternate's own clock: when it rebuilt its last call, not when our polls (the gateways'
                    // registrations every 500 ms, then the call count) saw it
                    r.lastRebuiltMs = lastRebuiltAt - killedAt;
                    if (detected) r.rebuildAlternateClockMs = lastRebuiltAt - lastRegistration;
                    sayf("rebuild: the alternate rebuilt its last call %d ms after the kill (its clock), %s ms after the"
                            + " last registration%n", r.lastRebuiltMs, detected ? String.valueOf(r.rebuildAlternateClockMs) : "?");
                }
                if (phones > 0) {
                    // the phones' dialogs join their calls (rebuilt from the gateways' cookies) when each phone's NOTIFY
                    // is in: read again now, as the last may come after every call was listed
                    try {
                        lastJoinedAt = alternateApi.status().path("counts").path("lastDialogJoinedAt").asLong(lastJoinedAt);
                    } catch (IOException e) {
                        // keep what the poll read
                    }
                    if (lastJoinedAt >= killedAt) {
                        r.lastDialogJoinedMs = lastJoinedAt - killedAt;
                        sayf("rebuild: the last phone dialog joined its call %d ms after the kill (the alternate's clock)%n", r.lastDialogJoinedMs);
                    }
                }
                if (alternateStatusAtKill != null) {
                    try {
                        JsonNode now = alternateApi.counters();
                        r.alternateCounters = JSON.createObjectNode();
                        r.alternateCounters.set("h248", counterDelta(alternateStatusAtKill.path("h248"), now.path("h248")));
                        r.alternateCounters.set("sip_edge", counterDelta(alternateStatusAtKill.path("sipEdge"), now.path("sipEdge")));
                        r.alternateCounters.set("migration", counterDelta(alternateStatusAtKill.path("migration"), now.path("migration")));
                        sayf("alternate's counters, kill -> rebuilt: %s%n", r.alternateCounters);
                    } catch (IOException e) {
                        say("alternate's counters not read: " + e.getMessage());
                    }
                }
                // CPU time, unlike wall time, does not depend much on what else the machine runs
                r.alternateCpuMs = cpuMillis(alternate.pid()) - alternateCpuAtKill;
                sayf("alternate's CPU by thread, kill -> rebuilt: %s%n", threadCpuDelta(alternateThreadsAtKill, threadCpuMillis(alternate.pid())));
                if (phones > 0) {
                    try {
                        long late = alternateApi.status().path("sipEdge").path("registers-answered-late").asLong(0);
                        if (late > 0) sayf("alternate: %d REGISTERs answered over 1 s after they arrived (its log says where"
                                + " each waited: 'REGISTER from ... answered')%n", late);
                    } catch (IOException e) {
                        say("alternate's status not read: " + e.getMessage());
                    }
                }
                r.loadgenCpuMs = cpuMillis(loadgen.pid()) - loadgenCpuAtKill;
                sayf("load generator's CPU by thread, kill -> rebuilt: %s%n", threadCpuDelta(loadgenThreadsAtKill, threadCpuMillis(loadgen.pid())));
                if (phoneLoad != null) {
                    r.phonesCpuMs = cpuMillis(phoneLoad.pid()) - phonesCpuAtKill;
                    sayf("phones' CPU by thread, kill -> rebuilt: %s%n", threadCpuDelta(phonesThreadsAtKill, threadCpuMillis(phoneLoad.pid())));
                }
                r.rebuildWallMs = System.currentTimeMillis() - killedAt;
                if (sampler != null) sampler.mark("rebuilt", lastRebuiltAt >= killedAt ? lastRebuiltAt : killedAt + r.rebuildWallMs);
                try {
                    structuresAfter = alternateApi.calls();
                } catch (IOException e) {
                    why = e.getMessage();
                }
                if (listed >= r.callsBefore && !detected) {
                    say("rebuild: the alternate lists all " + r.callsBefore + " calls " + r.rebuildWallMs + " ms after the kill"
                            + " (the alternate used " + r.alternateCpuMs + " ms of CPU, the load generator " + r.loadgenCpuMs
                            + " ms; load average " + r.loadAverage + " at the kill)");
                } else if (r.rebuildMs != null) {
                    say("rebuild: the alternate lists all " + r.callsBefore + " calls " + r.rebuildMs
                            + " ms after the last gateway's registration (from the kill: the alternate used " + r.alternateCpuMs
                            + " ms of CPU, the load generator " + r.loadgenCpuMs + " ms, in " + r.rebuildWallMs
                            + " ms; load average " + r.loadAverage + " at the kill)");
                } else {
                    String got = listed < 0 ? "nothing" : listed + " calls";
                    say("rebuild: the alternate did not list every call within " + rebuildLimitMs + " ms (it lists "
                            + got + ")" + (why != null ? ": " + why : ""));
                    notes.add("the alternate listed " + got + " of " + r.callsBefore + " calls " + rebuildLimitMs + " ms after detection"
                            + " (from the kill it used " + r.alternateCpuMs + " ms of CPU, the load generator " + r.loadgenCpuMs + " ms)");
                }
            }

            // ---- preserved talk paths and RTP, once paths had time to show a loss
            Thread.sleep(settleMs);
            if (admin && st != null && lastRegistration >= 0) {
                // each call from when ITS gateways and phone had declared the primary lost to when the alternate put
                // its last part back: read after the settle, as a phone's dialog may join after every call is listed
                try {
                    r.perCall = perCallRebuild(alternateApi.calls(), st, killedAt);
                    sayf("rebuild per call (ms from when the call's own gateways and phone declared the primary lost, or"
                            + " registered with the alternate, to its last part put back; the alternate's clock): %s%n", r.perCall);
                } catch (IOException e) {
                    say("rebuild per call: the alternate's calls not read: " + e.getMessage());
                }
            }
            JsonNode after = control.status();
            r.callsPreserved = after.path("calls_preserved").asInt();
            JsonNode rtp = after.path("rtp");
            r.rtpCalls = rtp.path("calls").asInt();
            r.rtpLost = rtp.path("packets_lost").asLong();
            r.rtpGapMax = rtp.path("gap_ms_max").asDouble();
            r.rtpGapP99 = rtp.path("gap_ms_p99").asDouble();
            r.loopLagMax = after.path("loadgen_loop_lag_ms_max").asDouble();
            JsonNode full = rtp.path("full_rate");
            r.rtpFullCalls = full.path("calls").asInt();
            r.rtpFullLost = full.path("packets_lost").asLong();
            r.rtpFullGapMax = full.path("gap_ms_max").asDouble();
            r.rtpFullGapP99 = full.path("gap_ms_p99").asDouble();
            say("after: " + kinds(after) + "; talk paths " + after.path("talk_paths"));
            sayf("RTP since the mark (%d calls talking at the mark with RTP): largest gap per call max %.1f ms, p99 %.1f ms; "
                    + "%d packets lost, %d received (the load generator's own event loop ran up to %.0f ms late meanwhile)%n",
                    r.rtpCalls, r.rtpGapMax, r.rtpGapP99, r.rtpLost, rtp.path("packets_received").asLong(), r.loopLagMax);
            if (fullRateEvery > 0) {
                sayf("RTP of the full-rate sample (%d calls at 50 packets/s, the rest at %s): largest gap per call max %.1f ms, p99 %.1f ms;"
                        + " %d packets lost, %d received%n", r.rtpFullCalls, probeRate, r.rtpFullGapMax, r.rtpFullGapP99,
                        r.rtpFullLost, full.path("packets_received").asLong());
            }

            // ---- structures
            if (structuresBefore != null && structuresAfter != null) {
                CallShapes.Comparison c = CallShapes.compare(structuresBefore, structuresAfter);
                r.structureMatches = c.matched();
                sayf("structures: %d of %d calls on the primary match on the alternate (it lists %d)%n",
                        c.matched(), c.before(), c.after());
                for (String d : c.differences()) say("  " + d);
            } else if (admin) {
                notes.add("structures not compared: " + (structuresBefore == null ? "the primary's" : "the alternate's") + " calls not read");
            }

            // ---- feature checks on the alternate
            for (String check : List.of("hold", "transfer", "conference", "hangup")) {
                JsonNode res = control.gateways().send("check " + check + " " + checks);
                int total = res.path("total").asInt();
                int passed = res.path("passed").asInt();
                if (check.equals("hangup") && control.phones() != null) {
                    // the phones hang up too: their calls end (the answering lines go idle by themselves)
                    JsonNode pr = control.phones().send("check hangup " + Math.max(1, checks / 2));
                    total += pr.path("total").asInt();
                    passed += pr.path("passed").asInt();
                    ArrayNode both = ((ArrayNode) res.path("failures")).deepCopy();
                    pr.path("failures").forEach(both::add);
                    ((ObjectNode) res).set("failures", both);
                }
                r.checksTotal += total;
                r.checksPassed += passed;
                r.checks.put(check, JSON.createObjectNode().put("passed", passed).put("total", total));
                sayf("check %s: %d of %d passed%n", check, passed, total);
                if (total < checks) notes.add("check " + check + ": only " + total + " of " + checks + " calls to sample");
                int shown = 0;
                for (JsonNode f : res.path("failures")) if (shown++ < 5) say("  " + f.asText());
            }
            // a gateway or phone that left the alternate again after the failover (its heartbeat or keepalive answered
            // late while the alternate rebuilt calls) flaps: its calls are out of reach meanwhile; counted once the
            // checks are done, as it may happen seconds after the failover
            if (lastRegistration >= 0) {
                int again = 0;
                for (JsonNode g : control.registrations().path("gateways")) {
                    if (!onPrimary.contains(g.path("name").asText())) continue;
                    boolean left = !g.path("registered").asBoolean() || g.path("registered_at_ms").asLong() > lastRegistration
                            || g.path("lost_at_ms").asLong() > lastRegistration;
                    if (left) again++;
                }
                r.reregistered = again;
                if (again > 0) {
                    notes.add(again + " gateways or phones left the alternate again after the failover (a heartbeat or"
                            + " keepalive answered late while it rebuilt the calls; --detect-ms larger avoids it)");
                    say(again + " gateways or phones left the alternate again after failing over to it");
                }
            }
            if (control.phones() != null) say("phones released: " + control.phones().send("release-all"));
            JsonNode released = control.gateways().send("release-all");
            say("released: " + released);
            try {
                control.sendAll("quit");
            } catch (IOException e) {
                // it is going anyway
            }
        } catch (IOException e) {
            out.println("drill: FAILED: the load generator's control channel: " + e.getMessage() + "\n" + loadgen.tail(20));
            notes.add("control channel: " + e.getMessage());
            return finish(r, json, work, false);
        }
        loadgen.process.waitFor(10, TimeUnit.SECONDS);
        if (phoneLoad != null) phoneLoad.process.waitFor(10, TimeUnit.SECONDS);
        alternate.stop();
        boolean ok = r.callsBefore == k && r.callsPreserved == k && r.checksTotal > 0 && r.checksPassed == r.checksTotal
                && (r.structureMatches == null || r.structureMatches == k);
        return finish(r, json, work, ok);
    }

    private int finish(Report r, boolean json, Path work, boolean ok) throws IOException {
        if (sampler != null) {
            sampler.close();
            r.machine = sampler.summary();
        }
        stopAll();
        for (ChildProcess p : started) {
            if (p.alive()) notes.add(p.name + " (pid " + p.pid() + ") still running after stop");
        }
        say("result: " + (ok ? "PASS" : "FAIL") + (notes.isEmpty() ? "" : " (" + String.join("; ", notes) + ")"));
        if (json) out.println(r.json(ok, notes, pids));
        out.flush();
        if (ok && temporaryLogs) deleteTree(work);
        return ok ? 0 : 1;
    }

    // ------------------------------------------------------------------------------------------------ pieces

    /** What the drill measured; null where it could not. */
    static final class Report {
        final int requested;
        final int gateways;
        final int phones;
        final String transport;
        final int detectBudgetMs;
        int callsBefore;
        int callsPreserved;
        Integer structureMatches;
        int checksPassed;
        int checksTotal;
        final ObjectNode checks = JSON.createObjectNode();
        int rtpCalls;
        int phoneCalls;
        long rtpLost;
        double rtpGapMax;
        double rtpGapP99;
        double loopLagMax;
        Long detectMs;
        Long lostMs;
        Long rebuildMs;
        /** From the kill to the alternate's last call rebuilt, on its own clock. */
        Long lastRebuiltMs;
        /** From the last registration to the alternate's last call rebuilt (its clock): rebuild_ms without the polling. */
        Long rebuildAlternateClockMs;
        /** From the kill to the last phone dialog joining its call at the alternate (its clock). */
        Long lastDialogJoinedMs;
        boolean cookies;
        int reregistered;
        double probeRate;
        int fullRateEvery;
        int rtpFullCalls;
        long rtpFullLost;
        double rtpFullGapMax;
        double rtpFullGapP99;
        String loadAverage;
        String controllerJavaOpts;
        String alternateJavaOpts;
        Long alternateCpuMs;
        Long loadgenCpuMs;
        Long phonesCpuMs;
        String loadgenJavaOpts;
        String phonesJavaOpts;
        ObjectNode cpuMsAtKill;
        Long rebuildWallMs;
        /** Gateways and phones that had left the primary when it was killed (a liveness probe answered too late). */
        int leftPrimaryBeforeKill;
        ObjectNode phonesAtKill;
        ObjectNode sipUdpDropsAtKill;
        /** Each call's rebuild from its own parts' detection: {@link #perCallRebuild}. */
        ObjectNode perCall;
        /** The gateways' and phones' loss declarations and registrations, ms from the kill: {@link #detection}. */
        ObjectNode detection;
        /** The alternate's H.248 and SIP edge counters from the kill to the last call rebuilt (the non-zero deltas). */
        ObjectNode alternateCounters;
        /** What the machine did, per second, around the kill ({@link MachineSampler#summary}); with --logs. */
        ObjectNode machine;

        Report(int requested, int gateways, int phones, String transport, int detectBudgetMs) {
            this.requested = requested;
            this.gateways = gateways;
            this.phones = phones;
            this.transport = transport;
            this.detectBudgetMs = detectBudgetMs;
        }

        String json(boolean ok, List<String> notes, List<Long> pids) {
            ObjectNode n = JSON.createObjectNode();
            n.put("calls_requested", requested);
            n.put("calls_before", callsBefore);
            n.put("calls_preserved", callsPreserved);
            if (structureMatches == null) n.putNull("structure_matches");
            else n.put("structure_matches", structureMatches);
            n.put("feature_checks_passed", checksPassed);
            n.put("feature_checks_total", checksTotal);
            n.set("feature_checks", checks);
            n.put("rtp_calls", rtpCalls);
            n.put("rtp_packets_lost", rtpLost);
            n.put("rtp_gap_ms_max", Math.round(rtpGapMax * 10) / 10.0);
            n.put("rtp_gap_ms_p99", Math.round(rtpGapP99 * 10) / 10.0);
            n.put("rtp_probe_rate", probeRate);
            n.put("rtp_full_rate_every", fullRateEvery);
            n.put("rtp_full_rate_calls", rtpFullCalls);
            n.put("rtp_full_rate_packets_lost", rtpFullLost);
            n.put("rtp_full_rate_gap_ms_max", Math.round(rtpFullGapMax * 10) / 10.0);
            n.put("rtp_full_rate_gap_ms_p99", Math.round(rtpFullGapP99 * 10) / 10.0);
            n.put("loadgen_loop_lag_ms_max", Math.round(loopLagMax * 10) / 10.0);
            putNullable(n, "detect_ms", detectMs);
            putNullable(n, "lost_ms", lostMs);
            putNullable(n, "rebuild_ms", rebuildMs);
            putNullable(n, "rebuild_ms_alternate_clock", rebuildAlternateClockMs);
            putNullable(n, "kill_to_last_rebuilt_ms_alternate_clock", lastRebuiltMs);
            putNullable(n, "kill_to_last_dialog_joined_ms_alternate_clock", lastDialogJoinedMs);
            if (perCall != null) n.set("rebuild_per_call_ms", perCall);
            if (detection != null) n.set("detection_ms", detection);
            if (machine != null) n.set("machine", machine);
            if (alternateCounters != null) n.set("alternate_counters_kill_to_rebuilt", alternateCounters);
            putNullable(n, "alternate_cpu_ms_kill_to_rebuilt", alternateCpuMs);
            putNullable(n, "loadgen_cpu_ms_kill_to_rebuilt", loadgenCpuMs);
            putNullable(n, "phones_cpu_ms_kill_to_rebuilt", phonesCpuMs);
            if (cpuMsAtKill != null) n.set("cpu_ms_at_kill", cpuMsAtKill);
            putNullable(n, "kill_to_rebuilt_ms", rebuildWallMs);
            n.put("load_average_at_kill", loadAverage);
            n.put("controller_java_opts", controllerJavaOpts);
            if (loadgenJavaOpts != null) n.put("loadgen_java_opts", loadgenJavaOpts);
            if (phonesJavaOpts != null) n.put("phones_java_opts", phonesJavaOpts);
            if (alternateJavaOpts != null && !alternateJavaOpts.isBlank()) n.put("alternate_java_opts", alternateJavaOpts);
            n.put("detect_budget_ms", detectBudgetMs);
            n.put("gateways", gateways);
            n.put("phones", phones);
            n.put("phone_calls", phoneCalls);
            n.put("transport", transport);
            n.put("cookies", cookies);
            n.put("gateways_left_alternate", reregistered);
            n.put("left_primary_before_kill", leftPrimaryBeforeKill);
            if (phonesAtKill != null) n.set("phones_at_kill", phonesAtKill);
            if (sipUdpDropsAtKill != null) n.set("sip_udp_drops_at_kill", sipUdpDropsAtKill);
            ArrayNode ps = n.putArray("pids");
            pids.forEach(ps::add);
            ArrayNode ns = n.putArray("notes");
            notes.forEach(ns::add);
            n.put("ok", ok);
            return n.toString();
        }

        private static void putNullable(ObjectNode n, String key, Long v) {
            if (v == null) n.putNull(key);
            else n.put(key, v);
        }
    }

    /**
     * When the gateways and the phones that were with the primary declared it lost and registered with the alternate,
     * ms from the kill (first / median / last of each): whether the phones come after the gateways, and how the
     * gateways' registrations spread (each is audited and rebuilt from its own registration on).
     */
    static String timeline(JsonNode st, java.util.Set<String> onPrimary, long killedAt, int alternateSip) {
        List<Long> gwLost = new ArrayList<>(), gwReg = new ArrayList<>(), phLost = new ArrayList<>(), phReg = new ArrayList<>();
        for (JsonNode g : st.path("gateways")) {
            if (!onPrimary.contains(g.path("name").asText())) continue;
            boolean phone = g.path("name").asText().startsWith("sip:"); // the phones' load generator names them so
            long lost = g.path("lost_at_ms").asLong(-1), reg = g.path("registered_at_ms").asLong(-1);
            if (lost >= killedAt) (phone ? phLost : gwLost).add(lost - killedAt);
            if (reg >= killedAt) (phone ? phReg : gwReg).add(reg - killedAt);
        }
        return "gateways lost " + spread(gwLost) + ", registered " + spread(gwReg)
                + (alternateSip > 0 ? "; phones lost " + spread(phLost) + ", registered " + spread(phReg) : "");
    }

    /**
     * When the gateways and phones declared the primary lost and registered with the alternate, ms from the kill:
     * p50 / p99 / max of each, and how many declared it later than the detection budget after the kill.
     */
    static ObjectNode detection(JsonNode st, java.util.Set<String> onPrimary, long killedAt) {
        List<Long> gwLost = new ArrayList<>(), gwReg = new ArrayList<>(), phLost = new ArrayList<>(), phReg = new ArrayList<>();
        for (JsonNode g : st.path("gateways")) {
            if (!onPrimary.contains(g.path("name").asText())) continue;
            boolean phone = g.path("name").asText().startsWith("sip:");
            long lost = g.path("lost_at_ms").asLong(-1), reg = g.path("registered_at_ms").asLong(-1);
            if (lost >= killedAt) (phone ? phLost : gwLost).add(lost - killedAt);
            if (reg >= killedAt) (phone ? phReg : gwReg).add(reg - killedAt);
        }
        ObjectNode n = JSON.createObjectNode();
        n.set("gateways_lost", percentiles(gwLost));
        n.set("gateways_registered", percentiles(gwReg));
        n.set("phones_lost", percentiles(phLost));
        n.set("phones_registered", percentiles(phReg));
        // how bunched the gateways' losses were: how many declared it in each half second from the kill (the slow
        // runs of session 13 had a hole at 3-3.5 s and a tail to 8 s; docs/drill.md, session 14)
        ArrayNode bins = n.putArray("gateways_lost_per_500ms");
        int[] h = new int[24];
        for (long v : gwLost) h[(int) Math.min(h.length - 1, v / 500)]++;
        for (int v : h) bins.add(v);
        return n;
    }

    /**
     * Each call's rebuild measured from its own detection: for every migrated call the alternate lists with
     * {@code rebuiltAt} (when it put the call's last part back: its cookie, a leg's context, the phone's dialog), minus
     * the latest loss declaration ({@code lost_at_ms}) among the gateways it has a part on and its phone, and minus
     * the latest of their registrations with the alternate. "All calls rebuilt within 2 s of detection" (issue 5) per
     * call: a call cannot be rebuilt before its own parts noticed the loss, and the others' detection is not its.
     * p50 / p99 / max over calls, and the calls over 2 s.
     */
    static ObjectNode perCallRebuild(JsonNode calls, JsonNode st, long killedAt) {
        Map<String, long[]> at = new java.util.HashMap<>(); // name -> {lost, registered}
        for (JsonNode g : st.path("gateways")) {
            at.put(g.path("name").asText(), new long[] {g.path("lost_at_ms").asLong(-1), g.path("registered_at_ms").asLong(-1)});
        }
        List<Long> fromLost = new ArrayList<>(), fromRegistered = new ArrayList<>();
        List<long[]> byGateway = new ArrayList<>(), byPhone = new ArrayList<>(), slowByGateway = new ArrayList<>(),
                slowByPhone = new ArrayList<>();
        int unknown = 0, early = 0, slowPhoneCalls = 0;
        for (JsonNode c : calls) {
            long rebuiltAt = c.path("rebuiltAt").asLong(0);
            if (!c.path("migrated").asBoolean() || rebuiltAt <= 0) continue;
            java.util.Set<String> parts = new java.util.TreeSet<>();
            for (JsonNode x : c.path("roles")) parts.add(x.path("gateway").asText());
            for (JsonNode x : c.path("legs")) parts.add(x.path("gateway").asText());
            for (JsonNode i : c.path("igcs")) {
                parts.add(i.path("a").path("gateway").asText());
                parts.add(i.path("b").path("gateway").asText());
            }
            JsonNode sip = c.path("sip");
            if (sip.isObject()) {
                parts.add(sip.path("gateway").asText());
                parts.add("sip:" + sip.path("number").asText());
            }
            parts.remove("");
            parts.remove("null");
            parts.remove("sip:null");
            long lost = -1, registered = -1;
            long[] last = null; // the part that registered last: what the call waited for
            String lastName = null;
            boolean known = true;
            for (String p : parts) {
                long[] t = at.get(p);
                if (t == null || t[0] < killedAt || t[1] < killedAt) { known = false; break; }
                lost = Math.max(lost, t[0]);
                if (t[1] > registered) { registered = t[1]; last = t; lastName = p; }
            }
            if (!known || lost < 0) { unknown++; continue; }
            if (rebuiltAt < lost) {
                // put back before one of its parts last declared a loss: that part had moved (and left again), not a
                // rebuild this detection started
                early++;
                continue;
            }
            fromLost.add(rebuiltAt - lost);
            fromRegistered.add(rebuiltAt - registered);
            // where the call's time went, by the part it waited for (registered last)
            long[] phases = {last[0] - killedAt, last[1] - last[0], rebuiltAt - registered, lost - killedAt};
            (lastName.startsWith("sip:") ? byPhone : byGateway).add(phases);
            if (rebuiltAt - lost > 2000) {
                (lastName.startsWith("sip:") ? slowByPhone : slowByGateway).add(phases);
                if (sip.isObject()) slowPhoneCalls++; // a phone's call also waits for its dialog to join
            }
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("calls", fromLost.size());
        n.put("calls_without_times", unknown);
        n.put("calls_rebuilt_before_a_part_last_declared_a_loss", early);
        n.set("from_parts_lost", percentiles(fromLost));
        n.put("from_parts_lost_over_2000", fromLost.stream().filter(v -> v > 2000).count());
        n.set("from_parts_registered", percentiles(fromRegistered));
        n.put("from_parts_registered_over_2000", fromRegistered.stream().filter(v -> v > 2000).count());
        ObjectNode b = n.putObject("by_last_registered_part");
        b.set("gateway", phases(byGateway));
        b.set("phone", phases(byPhone));
        ObjectNode slow = n.putObject("over_2000_by_last_registered_part");
        slow.set("gateway", phases(slowByGateway));
        slow.set("phone", phases(slowByPhone));
        n.put("over_2000_phone_calls", slowPhoneCalls);
        return n;
    }

    /**
     * The breakdown of a group of calls by the part each waited for (the one that registered with the alternate last):
     * how many, that part's loss from the kill (its detection), its loss to its registration (ServiceChange, or a
     * phone's REGISTER with its 401 round trip), its registration to the call's last part put back (audit, merge,
     * the dialog joined), and the latest loss among the call's parts from the kill; p50 / p99 / max each.
     */
    private static ObjectNode phases(List<long[]> calls) {
        ObjectNode n = JSON.createObjectNode();
        n.put("calls", calls.size());
        String[] names = {"part_lost_from_kill", "part_lost_to_registered", "part_registered_to_rebuilt", "parts_last_lost_from_kill"};
        for (int i = 0; i < names.length; i++) {
            int k = i;
            n.set(names[i], percentiles(calls.stream().map(x -> x[k]).toList()));
        }
        return n;
    }

    /** The non-zero differences of the numbers in two snapshots of the same counters (nested objects kept nested). */
    static ObjectNode counterDelta(JsonNode before, JsonNode after) {
        ObjectNode d = JSON.createObjectNode();
        after.fields().forEachRemaining(e -> {
            JsonNode b = before.path(e.getKey());
            if (e.getValue().isObject()) {
                ObjectNode inner = counterDelta(b, e.getValue());
                if (!inner.isEmpty()) d.set(e.getKey(), inner);
            } else if (e.getValue().isNumber()) {
                long v = e.getValue().asLong() - b.asLong(0);
                if (v != 0) d.put(e.getKey(), v);
            }
        });
        return d;
    }

    /** p50 / p99 / max (nearest rank) and the count, or nulls when empty. */
    static ObjectNode percentiles(List<Long> ms) {
        ObjectNode n = JSON.createObjectNode();
        List<Long> s = new ArrayList<>(ms);
        java.util.Collections.sort(s);
        n.put("n", s.size());
        if (s.isEmpty()) {
            n.putNull("p50");
            n.putNull("p99");
            n.putNull("max");
            return n;
        }
        n.put("p50", s.get(Math.max(0, (int) Math.ceil(s.size() * 0.50) - 1)));
        n.put("p99", s.get(Math.max(0, (int) Math.ceil(s.size() * 0.99) - 1)));
        n.put("max", s.get(s.size() - 1));
        return n;
    }

    private static String spread(List<Long> ms) {
        if (ms.isEmpty()) return "-";
        List<Long> s = new ArrayList<>(ms);
        java.util.Collections.sort(s);
        return s.get(0) + " / " + s.get(s.size() / 2) + " / " + s.get(s.size() - 1) + " (" + s.size() + ")";
    }

    private static String kinds(JsonNode status) {
        return status.path("calls_up").asInt() + " calls up " + status.path("kinds");
    }

    private static String firstLine(String text, String containing) {
        for (String l : text.split("\n")) if (l.contains(containing)) return l.trim();
        return "";
    }

    /** The machine's load averages (1, 5, 15 min) from /proc/loadavg; the figures depend on it. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** CPU time (user + system) a process has used, from /proc (Linux; USER_HZ 100), 0 when it cannot be read. */
    static long cpuMillis(long pid) {
        try {
            return ProcStat.of(pid).cpuTicks() * 10;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * CPU ms of each thread of {@code pid}, by thread name as /proc gives it (15 characters; numbered pool threads
     * folded into one name), so that a drill says which of the alternate's threads the rebuild kept busy.
     */
    static Map<String, Long> threadCpuMillis(long pid) {
        Map<String, Long> out = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    ProcStat stat = ProcStat.read(t.resolve("stat"));
                    out.merge(stat.command().replaceAll("[0-9]+$", "#"), stat.cpuTicks() * 10, Long::sum);
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            return out;
        }
        return out;
    }

    /** The threads that used the most CPU between two {@link #threadCpuMillis} readings, largest first. */
    static String threadCpuDelta(Map<String, Long> before, Map<String, Long> after) {
        List<Map.Entry<String, Long>> d = new ArrayList<>();
        for (var e : after.entrySet()) d.add(Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)));
        d.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(8, d.size()) && d.get(i).getValue() > 0; i++) {
            if (b.length() > 0) b.append(", ");
            b.append(d.get(i).getKey()).append(' ').append(d.get(i).getValue()).append(" ms");
        }
        return b.toString();
    }

    /** java.util.logging lines with milliseconds, so that the processes' logs can be lined up with the drill's figures. */
    /** The simulators' event loops log their largest lateness each second (with --logs: lined up with machine.jsonl). */
    private static final String LOOP_LAG_PER_SECOND = "-Dholdfast.loopLag.perSecond=true";
    private static final String LOG_FORMAT = "-Djava.util.logging.SimpleFormatter.format=%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n";

    /** Both controllers' JVM options by default (--controller-java-opts): see where they start. */
    static final String CONTROLLER_JAVA_OPTS = "-XX:TieredStopAtLevel=1 -XX:+UseShenandoahGC -Xms2g -Xmx2g"
            + " -XX:+UseTransparentHugePages -XX:+AlwaysPreTouch -XX:MetaspaceSize=256m";
    /**
     * The simulators' JVM options by default (--loadgen-java-opts, --phones-java-opts): C1 only, the parallel
     * collector on 2 threads, a fixed heap with a large young generation touched at start in huge pages.
     * C1: the failover runs code the set-up never ran (ServiceChange, audits, REGISTER to the alternate), and with
     * C2 the load generator's C2 compiler threads used 3.2 s of its 9.5 s of CPU from the kill to the last call
     * rebuilt, right when its gateways' heartbeats and round trips set detection and rebuild (session 12; the steady
     * ./bin/bench h248-cps, where C2 pays, is another matter). Parallel collector, fixed heap: with the JVM's default
     * (G1, growing heap) the load generator paused 23-36 times in a drill and the phones 30-53 times, up to 0.2-6.6 s
     * at load 5-16; with these 4-8 times.
     */
    static final String LOADGEN_JAVA_OPTS = "-XX:TieredStopAtLevel=1 -XX:+UseParallelGC -XX:ParallelGCThreads=2"
            + " -Xms1g -Xmx1g -Xmn640m -XX:+UseTransparentHugePages -XX:+AlwaysPreTouch";
    /** See {@link #LOADGEN_JAVA_OPTS}; a larger heap: the phones' SIP transactions live 32 s (Timer J) */
    static final String PHONES_JAVA_OPTS = "-XX:TieredStopAtLevel=1 -XX:+UseParallelGC -XX:ParallelGCThreads=2"
            + " -Xms2g -Xmx2g -Xmn1g -XX:+UseTransparentHugePages -XX:+AlwaysPreTouch";

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private String controllerJavaOpts = "";
    /**
     * More JVM options for the alternate only, after {@link #controllerJavaOpts} (a profiler such as JFR, or
     * -XX:+PrintCompilation, on the process whose failover window is measured, not on the primary that sets the calls up).
     */
    private String alternateJavaOpts = "";

    private ChildProcess startController(String name, String cp, Path yaml, Path work) throws IOException {
        List<String> c = new ArrayList<>(List.of(java(), LOG_FORMAT));
        c.addAll(javaOpts(controllerJavaOpts, name));
        if (name.equals("alternate")) c.addAll(javaOpts(alternateJavaOpts, name));
        c.addAll(gcLog(work, name));
        c.addAll(List.of("-cp", cp, "dev.holdfast.controller.ControllerMain", "--config", yaml.toString()));
        return start(name, c, work.resolve(name + ".log"));
    }

    /**
     * With --logs: each JVM's collections and safepoints (every stop of all its threads, with how long it took to
     * reach and how long it lasted) into {@code DIR/gc-NAME.log}, wall-clock and uptime stamped, so that a pause can be
     * lined up with a keepalive or heartbeat that went unanswered. Cheap: a line per collection or safepoint.
     */
    private List<String> gcLog(Path work, String name) {
        if (temporaryLogs) return List.of();
        return List.of("-Xlog:gc,gc+cpu,safepoint:file=" + work.resolve("gc-" + name + ".log") + ":time,uptime");
    }

    /** Extra JVM options (--controller-java-opts and the like, split at spaces), {@code %n} replaced by the process's name. */
    static List<String> javaOpts(String opts, String name) {
        List<String> out = new ArrayList<>();
        for (String o : opts.trim().split("\\s+")) if (!o.isEmpty()) out.add(o.replace("%n", name));
        return out;
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> out = new ArrayList<>(head);
        out.addAll(List.of(tail));
        return out;
    }

    /**
     * A PBKDF2 hash of the drill's admin password, made by the controller itself ({@code controller hash-password});
     * null when this controller build has no admin API.
     */
    private String adminPasswordHash(String controllerCp, Path work) throws IOException, InterruptedException {
        ChildProcess p = start("hash-password", List.of(java(), "-cp", controllerCp, "dev.holdfast.controller.ControllerMain",
                "hash-password", "--iterations", "1000"), work.resolve("hash-password.log"));
        try (var stdin = p.process.getOutputStream()) {
            stdin.write((ADMIN_PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // it exited already (no such command)
        }
        if (!p.process.waitFor(30, TimeUnit.SECONDS)) {
            p.stop();
            return null;
        }
        String output = p.output().trim();
        return p.process.exitValue() == 0 && output.startsWith("pbkdf2") ? output.lines().reduce((a, b) -> b).orElse(null) : null;
    }

    /** Writes one controller's provisioning with the load generator's {@code --write-config} and the drill's additions. */
    private Path provisioning(String gatewayCp, Path work, String name, int gateways, int lines, int port, int mitMs,
                              boolean admin, int adminPort, String hash, String extra) throws IOException, InterruptedException {
        Path yaml = work.resolve(name + ".yaml");
        ChildProcess w = start("write-config-" + name, List.of(java(), "-cp", gatewayCp, "dev.holdfast.gatewaysim.load.LoadGenMain",
                "h248", "--write-config", yaml.toString(), "--gateways", Integer.toString(gateways), "--lines", Integer.toString(lines),
                "--controller", "127.0.0.1:" + port, "--inactivity", Integer.toString(mitMs)), work.resolve("write-config-" + name + ".log"));
        if (!w.process.waitFor(60, TimeUnit.SECONDS) || w.process.exitValue() != 0)
            throw new IOException("writing the provisioning failed:\n" + w.tail(10));
        StringBuilder add = new StringBuilder();
        if (admin) {
            add.append("admin:\n  address: 127.0.0.1\n  port: ").append(adminPort).append("\n  users:\n")
               .append("    - { user: ").append(ADMIN_USER).append(", role: viewer, password: \"").append(hash).append("\" }\n");
        }
        if (!extra.isBlank()) add.append(extra.endsWith("\n") ? extra : extra + "\n");
        String written = Files.readString(yaml);
        // the alternate says so: it then warms up at start (controller.warmup auto, docs/drill.md "Session 9")
        if (name.equals("alternate")) written = written.replaceFirst("(?m)^controller:\n", "controller:\n  role: alternate\n");
        Files.writeString(yaml, written + add, StandardCharsets.UTF_8);
        return yaml;
    }

    /**
     * The phones' part of one controller's provisioning ({@code sip:} listening on {@code sipPort}, the subscribers),
     * written by the SIP load generator ({@code loadgen sip --write-config}); empty without phones.
     */
    private String phoneYaml(String phoneCp, Path work, String name, int phones, int sipPort) throws IOException, InterruptedException {
        if (phones == 0) return "";
        Path yaml = work.resolve(name + "-phones.yaml");
        ChildProcess w = start("write-phones-" + name, List.of(java(), "-cp", phoneCp, "dev.holdfast.endpointsim.load.SipLoadGenMain",
                "sip", "--write-config", yaml.toString(), "--phones", Integer.toString(phones), "--controller", "127.0.0.1:" + sipPort),
                work.resolve("write-phones-" + name + ".log"));
        if (!w.process.waitFor(60, TimeUnit.SECONDS) || w.process.exitValue() != 0)
            throw new IOException("writing the phones' provisioning failed:\n" + w.tail(10));
        return Files.readString(yaml);
    }

    /** The {@code cookies:} section: one random 32-octet key (docs/migration.md, "Encoding"), current. */
    private static String cookiesYaml() {
        byte[] secret = new byte[32];
        new java.security.SecureRandom().nextBytes(secret);
        return "cookies:\n  current: 1\n  keys:\n    - { id: 1, secret: \""
                + java.util.Base64.getEncoder().encodeToString(secret) + "\" }\n";
    }

    /** Whether a class path (directories and jars) has this class file. */
    static boolean hasClass(String classpath, String classFile) {
        for (String entry : classpath.split(java.io.File.pathSeparator)) {
            if (entry.isBlank()) continue;
            Path p = Path.of(entry);
            if (Files.isDirectory(p)) {
                if (Files.exists(p.resolve(classFile))) return true;
            } else if (entry.endsWith(".jar") && Files.isRegularFile(p)) {
                try (java.util.jar.JarFile jar = new java.util.jar.JarFile(p.toFile())) {
                    if (jar.getEntry(classFile) != null) return true;
                } catch (IOException e) {
                    // not a readable jar: not there
                }
            }
        }
        return false;
    }

    /** A port free for both TCP and UDP on 127.0.0.1 now, not one of {@code not} (a small race, fine for a drill). */
    static int freePort(int... not) throws IOException {
        InetAddress lo = InetAddress.getLoopbackAddress();
        for (int attempt = 0; attempt < 50; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(lo, 0));
                port = s.getLocalPort();
            }
            boolean taken = false;
            for (int n : not) taken |= n == port;
            if (taken) continue;
            try (DatagramSocket d = new DatagramSocket(new InetSocketAddress(lo, port))) {
                return port;
            } catch (IOException e) {
                // UDP side taken: another
            }
        }
        throw new IOException("no free port");
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /** The sum of a numeric field over every gateway's and phone's registration entry. */
    private static long sum(JsonNode registrations, String field) {
        long n = 0;
        for (JsonNode g : registrations.path("gateways")) n += g.path(field).asLong(0);
        return n;
    }

}
