package dev.holdfast.controller.sip;

import dev.holdfast.controller.ControllerCore;
import dev.holdfast.controller.core.Command;
import dev.holdfast.controller.core.Event;
import dev.holdfast.controller.core.Notice;
import dev.holdfast.controller.core.VirtualTimeDriver;
import dev.holdfast.controller.provisioning.ProvisioningLoader;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin API's phone notices in virtual time: registered, and unregistered when the registration runs out. */
class RegistrationNoticeTest {
    private long handles;

    private static SipRequest register(long cseq, String authorization) {
        return new SipRequest("REGISTER", "sip:127.0.0.1", "udp", "reg-1", cseq, "sip:1002@127.0.0.1", "f1",
                "sip:1002@127.0.0.1", null, List.of(new SipContact("sip:1002@127.0.0.1:6000", null)), 600,
                authorization, null, null, null);
    }

    private List<Command> request(VirtualTimeDriver driver, SipRequest r) {
        long h = ++handles;
        return driver.inject(t -> new Event.SipRequestReceived(t, "udp:127.0.0.1:5555", h, r));
    }

    @Test
    void aRegistrationThatRunsOutIsReportedAtTheNextEvent() throws Exception {
        ControllerCore core = new ControllerCore(ProvisioningLoader.parse("""
                sip: {}
                subscribers:
                  - { user: "1002", password: secret2, number: "1002" }
                """, ProvisioningLoader.Format.YAML, "core.yaml"), 3);
        core.enableNotices();
        VirtualTimeDriver driver = new VirtualTimeDriver(core, 1_700_000_000_000L);
        SipReply challenge = ((Command.SipRespond) request(driver, register(1, null)).get(0)).reply();
        Matcher m = Pattern.compile("nonce=\"([^\"]+)\"").matcher(challenge.headers().get(0).value());
        assertTrue(m.find());
        String ha1 = DigestAuthenticator.hash("MD5", "1002:holdfast:secret2");
        String response = DigestAuthenticator.response("MD5", ha1, m.group(1), "00000001", "abc", "auth", "REGISTER", "sip:127.0.0.1");
        String auth = "Digest username=\"1002\", realm=\"holdfast\", nonce=\"" + m.group(1) + "\", uri=\"sip:127.0.0.1\", "
                + "response=\"" + response + "\", qop=auth, nc=00000001, cnonce=\"abc\"";
        assertEquals(200, ((Command.SipRespond) request(driver, register(2, auth)).get(0)).reply().status());
        assertEquals(List.of("phone-registered 1002 1"), kinds(driver.notices()));

        driver.advance(599_000);
        driver.inject(t -> new Event.TimerFired(t, 999_999)); // any event: still registered
        assertEquals(1, driver.notices().size());
        driver.advance(2_000);
        driver.inject(t -> new Event.TimerFired(t, 999_999)); // the first event after the lapse sees it
        assertEquals(List.of("phone-registered 1002 1", "phone-unregistered 1002 0"), kinds(driver.notices()));
    }

    private static List<String> kinds(List<Notice> notices) {
        return notices.stream().map(n -> n.kind() + " " + n.fields().get("user") + " " + n.fields().get("contacts")).toList();
    }
}
