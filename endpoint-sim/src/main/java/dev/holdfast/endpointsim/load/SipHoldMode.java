package dev.holdfast.endpointsim.load;

import dev.holdfast.endpointsim.PhoneRuntime;
import dev.holdfast.endpointsim.phone.Call;
import dev.holdfast.endpointsim.phone.CallState;
import dev.holdfast.endpointsim.phone.Phone;
import dev.holdfast.endpointsim.phone.PhoneConfig;
import dev.holdfast.endpointsim.phone.PhoneListener;
import dev.holdfast.sim.cli.CommandOptions;
import dev.holdfast.sim.cli.ControlServer;
import dev.holdfast.sim.cli.Json;
import dev.holdfast.sim.rtp.ProbeConfig;
import dev.holdfast.sim.rtp.ProbeStats;
import dev.holdfast.sim.time.LoopLag;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * {@code loadgen sip --controller A,B --phones M --establish K --call-lines N1,N2,... [--control-port P]}: the phones
 * register with the first controller of their list, K of them each call one of the given gateway line numbers (which
 * the H.248 load generator answers, {@code --answer-lines}), and the calls are held until released; the failover
 * drill drives it over the control channel like the H.248 load generator: {@code status}, {@code status gateways}
 * (here: the phones' registrations), {@code mark}, {@code check hangup N}, {@code release-all}, {@code quit}.
 * Phones detect the loss of their controller by keepalive ({@code --keepalive}, {@code --request-timeout}) and
 * register with the next one.
 */
final class SipHoldMode {
    private SipHoldMode() {}

    /** One held call: a phone calling a line. */
    private static final class HeldCall {
        final int id;
        final Phone phone;
        final String line;
        volatile Call call;
        volatile String failure;
        volatile boolean released;

        HeldCall(int id, Phone phone, String line) {
            this.id = id;
            this.phone = phone;
            this.line = line;
        }

        boolean up() { return call != null && call.state() == CallState.CONNECTED && failure == null && !released; }
    }

    static int run(SipLoadPlan plan, CommandOptions opt, PrintStream out, PrintStream err) throws Exception {
        List<InetSocketAddress> controllers = new ArrayList<>();
        for (String c : opt.get("controller").split(",")) if (!c.isBlank()) controllers.add(CommandOptions.hostPort(c.trim()));
        int k = opt.integer("establish", null);
        List<String> lines = opt.has("call-lines")
                ? java.util.Arrays.stream(opt.get("call-lines").split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList()
                : List.of();
        if (k < 1 || k > plan.phones() || k > lines.size())
            throw new IllegalArgumentException("--establish K needs K phones and K numbers in --call-lines");
        String transport = opt.get("transport", "udp").toLowerCase(Locale.ROOT);
        Duration keepalive = opt.duration("keepalive", "30s");
        Duration requestTimeout = opt.duration("request-timeout", "4s");
        // a REGISTER may wait behind a failover's rebuild on the alternate: give it longer than a keepalive
        Duration registerTimeout = opt.duration("register-timeout",
                Math.max(8, 4 * Math.max(1, requestTimeout.toSeconds())) + "s");
        Duration stepLimit = opt.duration("step-limit", "10s");
        // keepalive loss: --keepalive-misses probes in a row, each unanswered for --keepalive-timeout (docs/drill.md)
        int keepaliveMisses = opt.integer("keepalive-misses", 3);
        Duration keepaliveTimeout = opt.has("keepalive-timeout") ? opt.duration("keepalive-timeout", null) : null;
        double probeRate = opt.decimal("probe-rate", "50");
        InetAddress bind = InetAddress.getByName(opt.get("bind", "127.0.0.1"));
        if (!opt.has("verbose")) java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);

        Map<Phone, Long> registeredAt = new ConcurrentHashMap<>();
        Map<Phone, InetSocketAddress> registeredWith = new ConcurrentHashMap<>();
        Map<Phone, Long> lostAt = new ConcurrentHashMap<>();
        PhoneListener listener = new PhoneListener() {
            @Override public void registered(Phone phone, InetSocketAddress controller) {
                registeredWith.put(phone, controller);
                registeredAt.put(phone, System.currentTimeMillis());
            }

            @Override public void failedOver(Phone phone, InetSocketAddress from, InetSocketAddress next, String reason) {
                lostAt.put(phone, System.currentTimeMillis());
            }
        };
        CountDownLatch quit = new CountDownLatch(1);
        try (PhoneRuntime rt = PhoneRuntime.start(bind, 0, plan.seed() ^ System.nanoTime(), opt.integer("threads", 1))) {
            // how late the phones' own event loops run: a keepalive answered late there is the phones' delay, not the controller's
            List<LoopLag> loopLags = new ArrayList<>();
            for (int i = 0; i < rt.schedulers().size(); i++) {
                loopLags.add(new LoopLag(rt.schedulers().get(i), "phones' event loop " + i, LoopLag.DEFAULT_STALL));
            }
            List<Phone> phones = new ArrayList<>();
            long regLimit = System.nanoTime() + Duration.ofSeconds(30).toNanos() + k * 20_000_000L;
            for (int i = 1; i <= k; i++) {
                // a window of outstanding REGISTERs, so that many phones do not arrive as one burst
                while (phones.size() - registeredAt.size() >= 32 && System.nanoTime() < regLimit) Thread.sleep(1);
                PhoneConfig config = PhoneConfig.of(plan.user(i), plan.password(i), controllers).withTransport(transport)
                        .withRegistration(Duration.ofHours(1), keepalive, requestTimeout).withRegisterTimeout(registerTimeout)
                        .withKeepaliveLoss(keepaliveMisses, keepaliveTimeout)
                        .withMediaAddress(bind)
                        .withProbe(ProbeConfig.atRate(probeRate));
                phones.add(rt.phone(config, listener));
            }
            while (registeredAt.size() < k && System.nanoTime() < regLimit) Thread.sleep(5);
            out.printf(Locale.ROOT, "loadgen: %d of %d phones registered with %s over %s (SIP port %d); establishing %d calls to lines%n",
                    registeredAt.size(), k, controllers.get(0), transport, rt.sip().localAddress("udp").getPort(), k);
            out.flush();
            List<HeldCall> calls = new ArrayList<>();
            for (int i = 0; i < k; i++) calls.add(new HeldCall(i + 1, phones.get(i), lines.get(i)));
            long[] markedAt = {-1};
            try (ControlServer control = new ControlServer(opt.integer("control-port", 0), command -> {
                String[] w = command.trim().split("\\s+");
                switch (w[0].toLowerCase(Locale.ROOT)) {
                    case "status" -> {
                        return w.length > 1 && w[1].equals("gateways")
                                ? registrations(phones, registeredWith, registeredAt, lostAt)
                                : status(calls, markedAt[0], registrations(phones, registeredWith, registeredAt, lostAt),
                                        keepalives(phones, loopLags, rt),
                                        loopLags.stream().mapToDouble(LoopLag::maxLateMillis).max().orElse(0));
                    }
                    case "mark" -> {
                        for (HeldCall c : calls) if (c.up()) c.call.markTalkPath();
                        loopLags.forEach(LoopLag::mark);
                        markedAt[0] = System.currentTimeMillis();
                        return "{\"marked_at_ms\":" + markedAt[0] + "}";
                    }
                    case "check" -> {
                        if (w.length != 3 || !w[1].equalsIgnoreCase("hangup"))
                            throw new IllegalArgumentException("phones check: hangup N");
                        return checkHangUp(calls, Integer.parseInt(w[2]), stepLimit);
                    }
                    case "release-all" -> {
                        int n = 0;
                        for (HeldCall c : calls) {
                            if (c.call != null && c.call.state() != CallState.ENDED) {
                                c.phone.hangUp(c.call);
                                n++;
                            }
                            c.released = true;
                        }
                        long end = System.nanoTime() + stepLimit.toNanos();
                        while (System.nanoTime() < end && calls.stream().anyMatch(c -> c.call != null && c.call.state() != CallState.ENDED))
                            Thread.sleep(50);
                        long open = calls.stream().filter(c -> c.call != null && c.call.state() != CallState.ENDED).count();
                        return "{\"released\":" + n + ",\"calls_not_ended\":" + open + "}";
                    }
                    case "quit" -> {
                        quit.countDown();
                        return "{\"quit\":true}";
                    }
                    default -> throw new IllegalArgumentException("commands: status [gateways], mark, check hangup N, release-all, quit");
                }
            })) {
                out.println("loadgen: control 127.0.0.1:" + control.port());
                out.flush();
                long t0 = System.nanoTime();
                // paced (--setup-cps, default 100): 1,000 calls placed at once made the controller send 2,000
                // requests to the gateways in a burst, which the load generator under them answered too late
                // (the controller declared gateways lost and released the calls it had there)
                double cps = opt.decimal("setup-cps", "100");
                if (!(cps > 0)) throw new IllegalArgumentException("--setup-cps is a positive number");
                long gapNanos = (long) (1e9 / cps);
                long next = System.nanoTime();
                for (HeldCall c : calls) {
                    if (!registeredAt.containsKey(c.phone)) {
                        c.failure = "not registered";
                        continue;
                    }
                    long wait = next - System.nanoTime();
                    if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    next += gapNanos;
                    c.call = c.phone.call(c.line);
                }
                // the setup gets the step limit and a little per call
                long end = System.nanoTime() + Math.max(stepLimit.toNanos(), Duration.ofSeconds(10).toNanos() + k * 50_000_000L);
                while (System.nanoTime() < end && !calls.stream().allMatch(c -> c.failure != null
                        || c.call != null && (c.call.state() == CallState.ENDED || c.up() && c.call.talkPathUp()))) {
                    Thread.sleep(20);
                }
                int up = 0;
                for (HeldCall c : calls) {
                    if (c.failure != null) continue;
                    if (c.up() && c.call.talkPathUp()) up++;
                    else c.failure = c.call == null ? "not placed" : "not established: " + c.call.state()
                            + (c.call.endReason() != null ? " (" + c.call.endReason() + ")" : "");
                }
                out.printf(Locale.ROOT, "loadgen: established %d of %d calls in %d ms%n", up, k, (System.nanoTime() - t0) / 1_000_000);
                out.flush();
                Thread hook = new Thread(quit::countDown);
                Runtime.getRuntime().addShutdownHook(hook);
                quit.await();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // shutting down already
                }
            }
            return 0;
        }
    }

    private static String registrations(List<Phone> phones, Map<Phone, InetSocketAddress> with, Map<Phone, Long> at,
                                        Map<Phone, Long> lost) {
        StringBuilder b = new StringBuilder("{\"gateways\":[");
        for (int i = 0; i < phones.size(); i++) {
            Phone p = phones.get(i);
            InetSocketAddress c = with.get(p);
            if (i > 0) b.append(',');
            b.append("{\"name\":\"sip:").append(p.user()).append("\",\"registered\":").append(p.registered() && c != null);
            b.append(",\"register_timeouts\":").append(p.registerTimeouts())
                    .append(",\"late_register_answers\":").append(p.lateRegisterAnswers());
            if (c != null) {
                b.append(",\"controller\":\"").append(c.getHostString()).append(':').append(c.getPort())
                        .append("\",\"registered_at_ms\":").append(at.getOrDefault(p, -1L))
                        .append(",\"lost_at_ms\":").append(lost.getOrDefault(p, -1L));
            }
            b.append('}');
        }
        return b.append("]}").toString();
    }

    /**
     * What the phones' keepalives saw, summed over phones, and how late this process ran: probes, misses, answers late
     * or after a phone gave up, the longest round trip and the longest time an answer spent here after the stack
     * parsed it, the event loops' lateness, the kernel's drops on the SIP socket; and the REGISTERs sent on the last
     * nonce, with the round trips they saved (failovers' registrations among them).
     */
    private static String keepalives(List<Phone> phones, List<LoopLag> lags, PhoneRuntime rt) {
        long probes = 0, misses = 0, late = 0, afterGivingUp = 0, graces = 0, failovers = 0;
        long withCredentials = 0, saved = 0, failoverRegs = 0, failoverAtOnce = 0;
        double rtt = 0, own = 0;
        for (Phone p : phones) {
            withCredentials += p.registersWithCredentials();
            saved += p.registerRoundTripsSaved();
            failoverRegs += p.failoverRegistrations();
            failoverAtOnce += p.failoverRegistrationsAtOnce();
            probes += p.keepaliveProbes();
            misses += p.keepaliveMisses();
            late += p.keepalivesLate();
            afterGivingUp += p.lateKeepaliveAnswers();
            graces += p.ownStallGraces();
            failovers += p.failovers();
            rtt = Math.max(rtt, p.keepaliveRttMaxMillis());
            own = Math.max(own, p.keepaliveOwnDelayMaxMillis());
        }
        return "\"keepalive\":{\"probes\":" + probes + ",\"misses\":" + misses + ",\"late\":" + late
                + ",\"answered_after_giving_up\":" + afterGivingUp + ",\"own_stall_graces\":" + graces
                + ",\"failovers\":" + failovers + ",\"rtt_ms_max\":" + Json.number(rtt)
                + ",\"in_process_ms_max\":" + Json.number(own) + "},"
                // REGISTERs on the last nonce (docs/migration.md, "Digest nonces across a failover"): each one let in
                // at once saved a challenge's round trip; a failover's registration in one round trip needs a shared key
                + "\"registers\":{\"with_credentials\":" + withCredentials + ",\"round_trips_saved\":" + saved
                + ",\"failover_registrations\":" + failoverRegs + ",\"failover_registrations_at_once\":" + failoverAtOnce
                + "},\"phones_loop_lag_ms_max\":"
                + Json.number(lags.stream().mapToDouble(LoopLag::maxLateEverMillis).max().orElse(0))
                + ",\"phones_loop_stalls\":" + lags.stream().mapToLong(LoopLag::stalls).sum()
                + ",\"phones_sip_port\":" + rt.sip().localAddress("udp").getPort()
                + ",\"phones_sip_udp_drops\":" + rt.sip().udpDrops() + ",";
    }

    private static String status(List<HeldCall> calls, long markedAt, String registrations, String keepalives,
                                 double loopLagSinceMark) {
        int up = 0;
        int preserved = 0;
        long lost = 0;
        long received = 0;
        List<Double> gaps = new ArrayList<>();
        Map<String, Integer> states = new LinkedHashMap<>();
        for (HeldCall c : calls) {
            if (c.failure != null || c.released) {
                states.merge(c.released ? "released" : "failed", 1, Integer::sum);
                continue;
            }
            if (!c.up()) {
                states.merge("lost", 1, Integer::sum);
                up++;
                continue;
            }
            up++;
            boolean talks = c.call.talkPathUp();
            states.merge(talks ? "up" : "down", 1, Integer::sum);
            if (talks) preserved++;
            ProbeStats s = c.call.probeStats();
            if (markedAt >= 0 && s != null && s.marked()) {
                gaps.add(s.maxGapMillisSinceMark());
                lost += s.lostSinceMark();
                received += s.receivedSinceMark();
            }
        }
        Collections.sort(gaps);
        double max = gaps.isEmpty() ? 0 : gaps.get(gaps.size() - 1);
        double p99 = gaps.isEmpty() ? 0 : gaps.get(Math.max(0, (int) Math.ceil(0.99 * gaps.size()) - 1));
        return "{\"calls_total\":" + calls.size() + ",\"calls_up\":" + up + ",\"calls_preserved\":" + preserved
                + ",\"talk_paths\":" + Json.object(states) + ",\"kinds\":{\"phone_to_line\":" + up + "},\"marked_at_ms\":" + markedAt
                + "," + keepalives + "\"loadgen_loop_lag_ms_max\":" + Json.number(loopLagSinceMark)
                + ",\"rtp\":{\"talking_at_mark\":" + gaps.size() + ",\"calls\":" + gaps.size() + ",\"gap_ms_max\":"
                + Json.number(max) + ",\"gap_ms_p99\":" + Json.number(p99) + ",\"packets_lost\":" + lost
                + ",\"packets_received\":" + received + "}," + registrations.substring(1);
    }

    /** N phones hang up: each BYE is answered 2xx by the controller within the step limit. */
    private static String checkHangUp(List<HeldCall> calls, int n, Duration stepLimit) throws InterruptedException {
        List<HeldCall> sample = calls.stream().filter(HeldCall::up).limit(n).toList();
        for (HeldCall c : sample) c.phone.hangUp(c.call);
        long end = System.nanoTime() + stepLimit.toNanos();
        while (System.nanoTime() < end && sample.stream().anyMatch(c -> c.call.byeStatus() == 0)) Thread.sleep(20);
        StringBuilder failures = new StringBuilder();
        int passed = 0;
        for (HeldCall c : sample) {
            c.released = true;
            // the controller answered the BYE with 2xx: it knew the call and released it (481: it did not know it)
            boolean ok = c.call.state() == CallState.ENDED && c.call.byeStatus() >= 200 && c.call.byeStatus() < 300;
            if (ok) passed++;
            else failures.append(failures.length() > 0 ? "," : "").append(Json.quote("sip:" + c.phone.user() + " -> "
                    + c.line + ": BYE answered " + (c.call.byeStatus() == 0 ? "not at all" : c.call.byeStatus())));
        }
        return "{\"check\":\"hangup\",\"requested\":" + n + ",\"total\":" + sample.size() + ",\"passed\":" + passed
                + ",\"failed\":" + (sample.size() - passed) + ",\"failures\":[" + failures + "]}";
    }
}
