package dev.holdfast.endpointsim.load;

import dev.holdfast.sim.cli.CommandOptions;
import dev.holdfast.sim.cli.StartBarrier;
import dev.holdfast.endpointsim.PhoneRuntime;
import dev.holdfast.endpointsim.phone.Phone;
import dev.holdfast.endpointsim.phone.PhoneConfig;
import dev.holdfast.endpointsim.phone.PhoneListener;
import dev.holdfast.sim.load.FailoverLedger;
import dev.holdfast.sim.load.FailoverWindows;
import dev.holdfast.sim.rtp.ProbeConfig;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The SIP load generator: simulated phones that register with a controller and call each other through it.
 * <pre>
 * loadgen sip --write-config FILE --phones N [--seed S] [--controller HOST:PORT]
 * loadgen sip --controller HOST:PORT --phones N [--cps R] [--hold S] [--duration T] [--transport udp|tcp] [--json]
 *             [--probe-rate PPS] [--interval S] [--seed S] [--keepalive S] [--bind ADDRESS]
 *             [--no-register] [--call-to NUMBER] [--threads N] [--session-expires S]
 *             [--answer-phones K] [--call-lines N1,N2,...] [--ready-file FILE] [--start-when FILE]
 * </pre>
 * {@code --answer-phones K}: the last K phones place none of our calls and take none; they answer calls from outside
 * (gateway lines) after 300 ms. {@code --call-lines}: gateway line numbers that also get calls, about one in three
 * while one is free, each counted here. {@code --ready-file}/{@code --start-when}: once registered, create the one
 * file and wait (up to 60 s) for the other before placing calls.
 * The first form writes the subscribers' provisioning for exactly the phones the second form simulates (same
 * {@code --seed}, same passwords); with {@code --controller} also the controller's {@code sip:} section (where it
 * listens, the per-source flood limit lifted), so that the file runs a controller as it is. The second registers
 * all phones (digest), reports registrations/s, then places
 * calls and prints a summary line every interval and a final report ({@code --json}: one JSON object as the last
 * line, the H.248 load generator's keys plus {@code registrations_per_s}). {@code --no-register} and
 * {@code --call-to} drive a peer that is no registrar, e.g. SIPp's uas. Exits 0 when calls completed and none
 * failed, 1 otherwise, 2 for a bad command line.
 */
public final class SipLoadGenMain {
    private SipLoadGenMain() {}

    private static final String USAGE_LINES = """
            usage: loadgen sip --write-config FILE --phones N [--seed S] [--controller HOST:PORT]
                   loadgen sip --controller HOST:PORT[,HOST:PORT...] --phones N [--cps R] [--hold S] [--duration T]
                               [--transport udp|tcp] [--json] [--probe-rate PPS] [--interval S] [--seed S]
                               [--keepalive S] [--request-timeout S] [--keepalive-misses K] [--keepalive-timeout S]
                               [--bind ADDRESS] [--no-register] [--call-to NUMBER] [--threads N]
                               [--session-expires S] [--answer-phones K] [--call-lines N1,N2,...]
                               [--ready-file FILE] [--start-when FILE]
                               [--failover-journal FILE] [--failover-settle MS] [--killed-file FILE] [--failover-tolerant]
                   loadgen sip --controller HOST:PORT[,HOST:PORT...] --phones M --establish K --call-lines N1,...,NK
                               [--control-port P] [--keepalive S] [--request-timeout S] [--register-timeout S]
                               [--keepalive-misses K] [--keepalive-timeout S]
                               [--probe-rate PPS] [--step-limit S] [--setup-cps R]   (calls placed R a second, default 100)
              durations: 30s, 500ms, 2m, or plain seconds; defaults: --cps 2 --hold 3s --duration 30s --interval 1s
                         --probe-rate 10 --keepalive 30s --bind 127.0.0.1 --threads 1 (event loops for the phones)
              --establish K: phone i calls line N_i (answered by loadgen h248 --answer-lines), the calls are held and a
                failover drill is served on --control-port (127.0.0.1; "loadgen: control 127.0.0.1:P"): status [gateways] |
                mark | check hangup N | release-all | quit; the phones fail over down the controller list when a keepalive
                (--keepalive, default 30s) is not answered within --request-timeout (default 4s), or a REGISTER within
                --register-timeout (default 4 x the request timeout, at least 8s: the alternate may be rebuilding calls);
                a keepalive loss is --keepalive-misses probes in a row (default 3) each unanswered for --keepalive-timeout
                (default: the request timeout); after a miss the next probe goes at once, and any answer clears the count
            """;

    static final String USAGE = USAGE_LINES + FailoverLedger.USAGE;

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 0 || !args[0].equals("sip")) {
            err.print(USAGE);
            return 2;
        }
        CommandOptions opt;
        try {
            opt = CommandOptions.parse(args, 1, Set.of("json", "verbose", "no-register", "failover-tolerant"));
        } catch (IllegalArgumentException e) {
            err.println("loadgen: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        if (opt.has("help")) {
            out.print(USAGE);
            return 0;
        }
        try {
            SipLoadPlan plan = new SipLoadPlan(opt.integer("phones", null), Long.parseLong(opt.get("seed", "1")));
            if (opt.has("write-config")) {
                Path file = Path.of(opt.get("write-config"));
                InetSocketAddress sip = opt.has("controller") ? CommandOptions.hostPort(opt.get("controller")) : null;
                Files.writeString(file, sip == null ? plan.provisioningYaml() : plan.provisioningYaml(sip.getHostString(), sip.getPort()),
                        StandardCharsets.UTF_8);
                out.println("loadgen: wrote " + file + " (" + plan.phones() + " SIP subscribers " + plan.number(1)
                        + ".." + plan.number(plan.phones()) + ")");
                return 0;
            }
            if (!opt.has("controller")) throw new IllegalArgumentException("--controller or --write-config is required");
            if (opt.has("establish")) return SipHoldMode.run(plan, opt, out, err);
            return load(plan, opt, out, err);
        } catch (IllegalArgumentException e) {
            err.println("loadgen: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
    }

    private static int load(SipLoadPlan plan, CommandOptions opt, PrintStream out, PrintStream err) throws Exception {
        // an ordered list: the phones fail over down it when their controller stops answering (call migration)
        List<InetSocketAddress> controllers = new java.util.ArrayList<>();
        for (String c : opt.get("controller").split(",")) controllers.add(CommandOptions.hostPort(c.trim()));
        InetSocketAddress ctl = controllers.get(0);
        double cps = opt.decimal("cps", "2");
        Duration hold = opt.duration("hold", "3s");
        Duration length = opt.duration("duration", "30s");
        Duration interval = opt.duration("interval", "1s");
        Duration keepalive = opt.duration("keepalive", "30s");
        String transport = opt.get("transport", "udp").toLowerCase(Locale.ROOT);
        if (!transport.equals("udp") && !transport.equals("tcp")) throw new IllegalArgumentException("--transport is udp or tcp");
        double probeRate = opt.decimal("probe-rate", "10");
        boolean register = !opt.has("no-register");
        String callTo = opt.get("call-to");
        boolean json = opt.has("json");
        InetAddress bind = InetAddress.getByName(opt.get("bind", "127.0.0.1"));
        if (!opt.has("verbose")) java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        int answeringPhones = opt.integer("answer-phones", 0);
        if (answeringPhones < 0 || answeringPhones >= plan.phones())
            throw new IllegalArgumentException("--answer-phones is 0 up to one less than --phones");
        List<String> lineNumbers = opt.has("call-lines")
                ? java.util.Arrays.stream(opt.get("call-lines").split(",")).map(String::trim).toList() : List.of();
        if (callTo == null && plan.phones() - answeringPhones < 2 && lineNumbers.isEmpty()) throw new IllegalArgumentException("calls between phones need --phones 2 or more");

        // the phones' randomness (Call-IDs, tags) differs from run to run: a peer must not take a new call for an old one
        int threads = Integer.parseInt(opt.get("threads", "1"));
        FailoverLedger ledger = FailoverLedger.fromOptions(opt);
        boolean tolerant = opt.has("failover-tolerant");
        try (PhoneRuntime rt = PhoneRuntime.start(bind, 0, plan.seed() ^ System.nanoTime(), threads)) {
            Set<Phone> registered = ConcurrentHashMap.newKeySet();
            FailoverWindows windows = ledger.windows();
            var clock = rt.scheduler();
            AtomicLong registrationFailures = new AtomicLong();
            PhoneListener counting = new PhoneListener() {
                @Override public void registered(Phone phone, InetSocketAddress controller) {
                    registered.add(phone);
                    windows.registered(List.of(phone.user()), clock.wallMillis());
                }

                @Override public void registrationFailed(Phone phone, InetSocketAddress controller, String reason) {
                    registrationFailures.incrementAndGet();
                }

                @Override public void failedOver(Phone phone, InetSocketAddress from, InetSocketAddress next, String reason) {
                    registrationFailures.incrementAndGet();
                    long silentMillis = Math.max(0, clock.nanoTime() - phone.lastHeardNanos()) / 1_000_000;
                    windows.lost(List.of(phone.user()), clock.wallMillis() - silentMillis);
                }
            };
            List<Phone> phones = new ArrayList<>();
            long began = System.nanoTime();
            // registrations with a window of outstanding REGISTERs, so that a thousand phones do not arrive as one burst
            int window = 64;
            long regLimit = System.nanoTime() + Duration.ofSeconds(30).toNanos() + plan.phones() * 20_000_000L;
            for (int i = 1; i <= plan.phones(); i++) {
                while (register && phones.size() - registered.size() - registrationFailures.get() >= window
                        && System.nanoTime() < regLimit) {
                    Thread.sleep(1);
                }
                PhoneConfig config = PhoneConfig.of(plan.user(i), plan.password(i), controllers)
                        .withTransport(transport).withRegister(register)
                        .withRegistration(Duration.ofHours(1), keepalive, opt.duration("request-timeout", "4s"))
                        .withKeepaliveLoss(opt.integer("keepalive-misses", 3),
                                opt.has("keepalive-timeout") ? opt.duration("keepalive-timeout", null) : null)
                        .withMediaAddress(bind).withProbe(ProbeConfig.atRate(probeRate))
                        // an answering phone rings a little, so that the calling line hears ring-back
                        .withAutoAnswer(i > plan.phones() - answeringPhones ? Duration.ofMillis(300) : Duration.ZERO)
                        .withSessionExpires(opt.has("session-expires") ? CommandOptions.duration(opt.get("session-expires")) : null);
                Phone p = rt.phone(config, counting);
                phones.add(p);
            }
            double registrationsPerS = 0;
            if (register) {
                while (registered.size() < phones.size() && System.nanoTime() < regLimit) Thread.sleep(2);
                double secs = (System.nanoTime() - began) / 1e9;
                registrationsPerS = registered.size() / secs;
                out.printf(Locale.ROOT, "loadgen: %d of %d phones registered with %s over %s in %.0f ms (%.1f registrations/s, %d failures)%n",
                        registered.size(), phones.size(), opt.get("controller"), transport, secs * 1000, registrationsPerS,
                        registrationFailures.get());
                if (registered.isEmpty()) {
                    err.println("loadgen: no phone registered with " + opt.get("controller") + ": "
                            + phones.get(0).registrationError());
                    return 1;
                }
            }
            List<Phone> answering = phones.subList(phones.size() - answeringPhones, phones.size());
            List<Phone> callers = (register ? phones.stream().filter(registered::contains).toList() : phones).stream()
                    .filter(p -> !answering.contains(p)).toList();
            out.printf(Locale.ROOT, "loadgen: placing %.1f calls/s through %s, hold %s, for %s%n", cps, opt.get("controller"),
                    CommandOptions.text(hold), CommandOptions.text(length));
            out.flush();
            StartBarrier.arriveAndAwait(opt.get("ready-file"), opt.get("start-when"), Duration.ofSeconds(60));

            long messagesBefore = phones.stream().mapToLong(Phone::messages).sum();
            SipCallDriver driver = new SipCallDriver(rt.scheduler(), callers, callTo, cps, hold, plan.seed(), lineNumbers, answering, ledger);
            long start = System.nanoTime();
            driver.start();
            long end = start + length.toNanos();
            long nextPrint = start + interval.toNanos();
            while (System.nanoTime() < end) {
                Thread.sleep(Math.max(1, Math.min(end, nextPrint) - System.nanoTime()) / 1_000_000 + 1);
                if (System.nanoTime() >= nextPrint) {
                    out.println(line(start, driver.summary()));
                    out.flush();
                    nextPrint += interval.toNanos();
                }
            }
            driver.stopPlacing();
            long placingNanos = System.nanoTime() - start;
            long drainEnd = System.nanoTime() + hold.toNanos() + SipCallDriver.ANSWER_LIMIT.toNanos() + 2 * SipCallDriver.STEP_LIMIT.toNanos();
            while (driver.summary().active() > 0 && System.nanoTime() < drainEnd) Thread.sleep(20);
            List<String> stuck = List.of();
            if (answeringPhones > 0) {
                // calls from the lines to the answering phones are the other load generator's to count, but they
                // need the phones until they end (one placed just now may not have arrived yet)
                long grace = System.nanoTime() + SipCallDriver.STEP_LIMIT.toNanos() / 5;
                while ((System.nanoTime() < grace || driver.summary().answeringBusy() > 0)
                        && System.nanoTime() < drainEnd + hold.toNanos()) Thread.sleep(20);
                // a call from a line that the line's side counted as over (its caller went on-hook) but that never
                // ended here: its release did not reach the phone
                stuck = driver.answeringCallsUp();
                for (String c : stuck) err.println("loadgen: an answering phone's call was never released: " + c);
            }
            driver.stop();
            SipCallDriver.Summary s = driver.summary();
            double messagesPerS = (phones.stream().mapToLong(Phone::messages).sum() - messagesBefore)
                    / ((System.nanoTime() - start) / 1e9);
            out.println(line(start, s));
            out.printf(Locale.ROOT, "loadgen: done: attempted %d, completed %d%s, failed %d%s, talk paths checked %d, "
                            + "INVITE->180 p50 %.1f ms p99 %.1f ms max %.1f ms, INVITE->200 p50 %.1f ms p99 %.1f ms max %.1f ms, "
                            + "%.1f calls/s completed, %.0f SIP messages/s%s%n",
                    s.attempted(), s.completed(),
                    lineNumbers.isEmpty() ? "" : " (" + s.completedToLines() + " of them to lines " + String.join(",", lineNumbers) + ")",
                    s.failed(), s.failedByReason().isEmpty() ? "" : " " + s.failedByReason(),
                    s.talkPathOk(), s.ringP50(), s.ringP99(), s.ringMax(), s.answerP50(), s.answerP99(), s.answerMax(),
                    s.completed() / (placingNanos / 1e9), messagesPerS,
                    s.skipped() > 0 ? ", " + s.skipped() + " calls not placed (every phone busy)" : "");
            FailoverLedger.Report failover = ledger.report();
            if (s.failed() > 0 || failover.killedAtMillis() >= 0) out.println("loadgen: failover: " + failover.text());
            if (!stuck.isEmpty())
                out.println("loadgen: " + stuck.size() + " calls from the lines were answered here and never released (the lines' side counted them)");
            if (json) out.println(json(s, placingNanos, messagesPerS, registrationsPerS, registered.size(),
                    registrationFailures.get(), failover, stuck.size()));
            out.flush();
            return (tolerant ? failover.failedOtherCount() == 0 : s.failed() == 0) && s.completed() > 0 && stuck.isEmpty() ? 0 : 1;
        }
    }

    private static String line(long start, SipCallDriver.Summary s) {
        return String.format(Locale.ROOT,
                "loadgen: %6.1fs attempted %d completed %d failed %d active %d talk-paths-up %d INVITE->180 p50 %.1f ms p99 %.1f ms",
                (System.nanoTime() - start) / 1e9, s.attempted(), s.completed(), s.failed(), s.active(), s.talkPathsUp(),
                s.ringP50(), s.ringP99());
    }

    static String json(SipCallDriver.Summary s, long placingNanos, double messagesPerS, double registrationsPerS,
                       int registered, long registrationFailures, FailoverLedger.Report failover, int answeredNotReleased) {
        StringBuilder reasons = new StringBuilder("{");
        s.failedByReason().forEach((k, v) -> reasons.append(reasons.length() > 1 ? "," : "")
                .append('"').append(k.replace("\\", "\\\\").replace("\"", "\\\"")).append("\":").append(v));
        reasons.append('}');
        return String.format(Locale.ROOT,
                "{\"attempted\":%d,\"completed\":%d,\"failed\":%d,\"failed_by_reason\":%s,\"setup_ms_p50\":%.3f,"
                        + "\"setup_ms_p99\":%.3f,\"setup_ms_max\":%.3f,\"talk_path_ok\":%d,\"calls_per_s\":%.3f,"
                        + "\"messages_per_s\":%.1f,\"registrations_per_s\":%.3f,\"registered\":%d,\"registration_failures\":%d,"
                        + "\"answer_ms_p50\":%.3f,\"answer_ms_p99\":%.3f,\"answer_ms_max\":%.3f,\"skipped\":%d,\"answered_not_released\":%d,%s}",
                s.attempted(), s.completed(), s.failed(), reasons, s.ringP50(), s.ringP99(), s.ringMax(),
                s.talkPathOk(), s.completed() / (placingNanos / 1e9), messagesPerS, registrationsPerS, registered,
                registrationFailures, s.answerP50(), s.answerP99(), s.answerMax(), s.skipped(), answeredNotReleased, failover.jsonMembers());
    }



    private static String text(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

}
