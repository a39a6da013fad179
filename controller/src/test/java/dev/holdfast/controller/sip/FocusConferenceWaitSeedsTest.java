package dev.holdfast.controller.sip;

import dev.holdfast.controller.ControllerCore;
import dev.holdfast.controller.call.Call;
import dev.holdfast.controller.call.CallState;
import dev.holdfast.controller.call.CallStructure.Role;
import dev.holdfast.controller.core.Command;
import dev.holdfast.controller.core.Event;
import dev.holdfast.controller.core.VirtualTimeDriver;
import dev.holdfast.controller.provisioning.ProvisioningLoader;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seeded runs of a focus conference whose gateway never comes back, on the core's virtual clock (docs/migration.md,
 * "Conferences of the SIP focus"): per seed, 2 to 4 members' dialogs arrive at random moments (some after the limit
 * on a missing part, itself drawn from 5 to 40 s), some members hang up at random moments while they wait. Checked for
 * every seed: each dialog that arrived is ended exactly once (its BYE answered 200, or our BYE; a dialog arriving
 * after the limit gets BYE at once), nothing before the limit, nothing left afterwards (no conference, no member, no
 * call), no failure in the core, and a seed run twice gives the same commands. Not the whole-system simulation
 * ({@code sim/}, which has no SIP side yet): the focus's waiting and its limit, over many orders. 60 seeds by default
 * (about 6 s); more with {@code -Dfocus.seeds=N}.
 */
class FocusConferenceWaitSeedsTest {
    private static final long KEY = 0x5eed_0000_7777L;
    private static final int SEEDS = Integer.getInteger("focus.seeds", 60);
    private static final String[] USERS = {"1001", "1002", "1003", "1004"};

    private static byte[] secret() {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) 5);
        return k;
    }

    private final CodecDialogCookies cookies = new CodecDialogCookies(dev.holdfast.controller.cookie.CookieKeyRing.of(
            new dev.holdfast.controller.cookie.CookieKey(1, secret(), null)), () -> 1_700_000_000_000L);

    /** One run: what went to the phones, as text (for the determinism check); fails on a broken invariant. */
    private List<String> run(long seed) throws Exception {
        SplittableRandom r = new SplittableRandom(seed);
        int members = 2 + r.nextInt(3);
        int limitSeconds = 5 + r.nextInt(36);
        ControllerCore core = new ControllerCore(ProvisioningLoader.parse("""
                sip: { minExpires: 1, conferencePartMissingSeconds: %d }
                subscribers:
                  - { user: "1001", password: p1001, number: "1001" }
                  - { user: "1002", password: p1002, number: "1002" }
                  - { user: "1003", password: p1003, number: "1003" }
                  - { user: "1004", password: p1004, number: "1004" }
                """.formatted(limitSeconds), ProvisioningLoader.Format.YAML, "seeds.yaml"), seed);
        core.sip().cookies(cookies);
        long start = 1_700_000_000_000L;
        VirtualTimeDriver driver = new VirtualTimeDriver(core, start);
        long[] arrival = new long[members];
        long[] hangUp = new long[members];
        for (int i = 0; i < members; i++) {
            arrival[i] = r.nextInt(2 * limitSeconds * 1000);
            hangUp[i] = r.nextInt(3) == 0 ? arrival[i] + r.nextInt(limitSeconds * 1000) : -1;
        }
        long firstArrival = Arrays.stream(arrival).min().orElseThrow();
        long limitAt = start + firstArrival + limitSeconds * 1000L; // the first dialog starts the wait
        int[] ended = new int[members];
        boolean[] arrived = new boolean[members];
        List<String> trace = new ArrayList<>();
        Phones phones = new Phones(core, driver, trace);
        // the steps in time order: arrivals, then hang-ups (a member hangs up only once it is here and still in)
        List<long[]> steps = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            steps.add(new long[] {arrival[i], 0, i});
            if (hangUp[i] >= 0) steps.add(new long[] {hangUp[i], 1, i});
        }
        steps.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        for (long[] step : steps) {
            int i = (int) step[2];
            phones.byes(driver.advance(Math.max(0, start + step[0] - driver.now())), ended);
            if (step[1] == 0) {
                arrived[i] = true;
                List<Command> out = phones.arrive(USERS[i], "conf-" + i, focusCookie(members, i));
                phones.byes(out, ended);
                if (start + step[0] > limitAt) {
                    assertEquals(1, ended[i], "seed " + seed + ": member " + i + " came after the limit: BYE at once " + trace);
                }
            } else if (ended[i] == 0) {
                List<Command> out = phones.bye("conf-" + i, USERS[i]);
                assertEquals(200, ((Command.SipRespond) out.get(0)).reply().status(), "seed " + seed + ": BYE answered");
                ended[i]++;
                phones.byes(out, ended);
            }
            if (driver.now() < limitAt) {
                for (int j = 0; j < members; j++) {
                    assertTrue(ended[j] == 0 || hangUp[j] >= 0 && start + hangUp[j] <= driver.now(),
                            "seed " + seed + ": nobody is ended by us before the limit " + trace);
                }
            }
        }
        phones.byes(driver.advance(2L * limitSeconds * 1000 + 1000), ended);
        for (int i = 0; i < members; i++) {
            assertEquals(arrived[i] ? 1 : 0, ended[i], "seed " + seed + ": member " + i + " ended exactly once " + trace);
        }
        assertEquals(1, core.sip().counters().get("migration.conference.gateway-missing"), "seed " + seed + ": the limit ran out once");
        assertEquals(List.of(), core.calls().conferences(), "seed " + seed);
        assertEquals(0, core.sip().calls().size(), "seed " + seed);
        for (int i = 0; i < members; i++) {
            if (!arrived[i]) continue;
            int status = ((Command.SipRespond) phones.bye("conf-" + i, USERS[i]).get(0)).reply().status();
            assertEquals(481, status, "seed " + seed + ": conf-" + i + " is nobody's dialog any more " + trace);
        }
        assertEquals(0L, (long) core.failures(), "seed " + seed);
        return trace;
    }

    private String focusCookie(int members, int party) {
        List<DialogCookie.Party> parties = new ArrayList<>();
        for (int i = 0; i < members; i++) parties.add(DialogCookie.Party.phone(USERS[i], "conf-" + i, Role.CONFEREE));
        return cookies.stamp(new DialogCookie(KEY, 3, 1_699_999_999_000L, CallState.CONNECTED, Call.Feature.FOCUS, parties,
                party, "gw1", 7L, "R" + (party + 1)));
    }

    @Test
    void everySeedEndsEachWaitingMemberOnceAndLeavesNothing() throws Exception {
        for (long seed = 1; seed <= SEEDS; seed++) run(seed);
    }

    @Test
    void aSeedRunTwiceSendsTheSameMessages() throws Exception {
        for (long seed = 1; seed <= 5; seed++) assertEquals(run(seed), run(seed), "seed " + seed);
    }

    /** The phones' side: register (digest), answer the dialog fetch with a NOTIFY, hang up; BYEs to them counted. */
    private static final class Phones {
        private final VirtualTimeDriver driver;
        private final List<String> trace;
        private long handles;

        Phones(ControllerCore core, VirtualTimeDriver driver, List<String> trace) {
            this.driver = driver;
            this.trace = trace;
        }

        private List<Command> request(String source, SipRequest r) {
            long h = ++handles;
            List<Command> out = driver.inject(t -> new Event.SipRequestReceived(t, source, h, r));
            for (Command c : out) trace.add(driver.now() + " " + describe(c));
            return out;
        }

        private static String describe(Command c) {
            if (c instanceof Command.SipSend s) return "send " + s.request().method() + " " + s.request().callId();
            if (c instanceof Command.SipRespond s) return "respond " + s.reply().status();
            return c.getClass().getSimpleName();
        }

        /** Our BYEs among {@code out}: their dialogs are ended (and answered 200, as a phone would). */
        void byes(List<Command> out, int[] ended) {
            for (Command c : out) {
                if (!(c instanceof Command.SipSend s) || !"BYE".equals(s.request().method())) continue;
                trace.add(driver.now() + " BYE to " + s.request().callId());
                String id = s.request().callId();
                if (id.startsWith("conf-")) ended[Integer.parseInt(id.substring(5))]++;
                List<Command> more = driver.inject(t -> new Event.SipResponseReceived(t, s.token(),
                        new SipResponse(200, "OK", "BYE", null, null, null)));
                byes(more, ended);
            }
        }

        private static SipRequest register(String user, long cseq, String auth) {
            return new SipRequest("REGISTER", "sip:127.0.0.1", "udp", "reg-" + user, cseq, "sip:" + user + "@127.0.0.1", "f" + user,
                    "sip:" + user + "@127.0.0.1", null, List.of(new SipContact("sip:" + user + "@127.0.0.1:6" + user.substring(1), null)),
                    600, auth, null, null, null, "dialog");
        }

        /** The phone registers (a new binding: the controller fetches its dialogs) and reports its focus dialog. */
        List<Command> arrive(String user, String callId, String cookie) {
            String source = "udp:127.0.0.1:6" + user.substring(1);
            List<Command> challenge = request(source, register(user, 1, null));
            Matcher m = Pattern.compile("nonce=\"([^\"]+)\"").matcher(((Command.SipRespond) challenge.get(0)).reply().headers().get(0).value());
            assertTrue(m.find());
            String ha1 = DigestAuthenticator.hash("MD5", user + ":holdfast:p" + user);
            String response = DigestAuthenticator.response("MD5", ha1, m.group(1), "00000001", "abc", "auth", "REGISTER", "sip:127.0.0.1");
            String auth = "Digest username=\"" + user + "\", realm=\"holdfast\", nonce=\"" + m.group(1) + "\", uri=\"sip:127.0.0.1\", "
                    + "response=\"" + response + "\", qop=auth, nc=00000001, cnonce=\"abc\"";
            List<Command> out = request(source, register(user, 2, auth));
            assertEquals(200, ((Command.SipRespond) out.get(0)).reply().status());
            Command.SipSend sub = (Command.SipSend) out.stream().filter(c -> c instanceof Command.SipSend s
                    && "SUBSCRIBE".equals(s.request().method())).findFirst().orElseThrow();
            driver.inject(t -> new Event.SipResponseReceived(t, sub.token(), new SipResponse(200, "OK", "SUBSCRIBE", "t", null, null)));
            String doc = """
                    <dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" xmlns:hf="urn:x-holdfast:dialog-state" version="0" state="full" entity="sip:%1$s@127.0.0.1">
                      <dialog id="x" call-id="%2$s" local-tag="phone-%1$s" remote-tag="ctl-%1$s" direction="initiator">
                        <state>confirmed</state>
                        <local><identity>sip:%1$s@127.0.0.1</identity><target uri="sip:%1$s@127.0.0.1:6000"/></local>
                        <remote><identity>sip:conference@127.0.0.1</identity><target uri="sip:holdfast@127.0.0.1:5070;hfck=%3$s"/></remote>
                        <hf:dialog-state local-cseq="3" remote-cseq="1"/>
                      </dialog>
                    </dialog-info>
                    """.formatted(user, callId, cookie);
            return request(source, new SipRequest("NOTIFY", "sip:holdfast@127.0.0.1:5070", "udp", sub.request().callId(), 1,
                    sub.request().toUri(), "ntag", sub.request().fromUri(), sub.request().fromTag(), List.of(), null, null, null,
                    "application/dialog-info+xml", doc));
        }

        /** The member hangs up: BYE in its focus dialog. */
        List<Command> bye(String callId, String user) {
            return request("udp:127.0.0.1:6" + user.substring(1), new SipRequest("BYE", "sip:holdfast@127.0.0.1:5070", "udp",
                    callId, 5, "sip:" + user + "@127.0.0.1", "phone-" + user, "sip:conference@127.0.0.1", "ctl-" + user,
                    List.of(), null, null, null, null, null));
        }
    }
}
