package dev.holdfast.controller.provisioning;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SIP side's part of the provisioning file: the {@code sip:} settings and the {@code subscribers:} list. */
class SipProvisioningTest {
    private static Provisioning parse(String yaml) throws ProvisioningException {
        return ProvisioningLoader.parse(yaml, ProvisioningLoader.Format.YAML, "sip.yaml");
    }

    private static String problems(String yaml) {
        return assertThrows(ProvisioningException.class, () -> parse(yaml)).getMessage();
    }

    @Test void subscribersAndDefaultsAreRead() throws Exception {
        Provisioning p = parse("""
                sip: { transports: [udp] }
                subscribers:
                  - { user: "1001", password: secret, number: "1001" }
                  - { user: alice, ha1: 0123456789abcdef0123456789abcdef, number: "2001" }
                """);
        assertEquals(5060, p.sip().port());
        assertEquals(List.of("udp"), p.sip().transports());
        assertEquals("holdfast", p.sip().realm());
        assertEquals(300, p.sip().nonceSeconds());
        assertEquals(new SubscriberConfig("alice", null, "0123456789abcdef0123456789abcdef", "2001"), p.subscribers().get(1));
    }

    @Test void withoutASipSectionTheControllerHasNoSipSide() throws Exception {
        assertNull(parse("gateways: []").sip());
    }

    @Test void aSubscriberNeedsExactlyOneSecretAndAUniqueNumberAndUser() {
        String msg = problems("""
                gateways:
                  - { name: gw1, mid: "[127.0.0.1]:2945", lines: [ { termination: A1, number: "1001" } ] }
                subscribers:
                  - { user: "1001", number: "1001" }
                  - { user: bob, password: a, ha1: 0123456789abcdef0123456789abcdef, number: "2002" }
                  - { user: bob, password: b, number: "20x" }
                  - { user: "bad user", password: c, number: "2003" }
                  - { user: carol, ha1: nothex, number: "2004" }
                """);
        assertTrue(msg.contains("subscribers[0]: give exactly one of 'password' and 'ha1'"), msg);
        assertTrue(msg.contains("directory number 1001 is already used by gw1/A1"), msg);
        assertTrue(msg.contains("subscribers[1]: give exactly one"), msg);
        assertTrue(msg.contains("subscriber bob is provisioned twice"), msg);
        assertTrue(msg.contains("'20x' is not 1 to 20 digits"), msg);
        assertTrue(msg.contains("'bad user' is not a SIP user name"), msg);
        assertTrue(msg.contains("ha1 is not 32 hex digits"), msg);
    }

    @Test void sipSettingsOutOfRangeAreRefusedWithTheirField() {
        String msg = problems("""
                sip: { port: 70000, transports: [udp, sctp], minExpires: 100, maxExpires: 50, maxMessageBytes: 10 }
                """);
        assertTrue(msg.contains("port 70000 is not in 0..65535"), msg);
        assertTrue(msg.contains("transport 'sctp' is neither udp nor tcp"), msg);
        assertTrue(msg.contains("sip.maxExpires"), msg);
        assertTrue(msg.contains("sip.maxMessageBytes"), msg);
    }

    @Test void theProvisioningRoundTripsThroughJsonWithItsSipSide() throws Exception {
        Provisioning p = parse("""
                sip: { port: 0, trustedPeers: [127.0.0.1] }
                subscribers:
                  - { user: "1001", password: secret, number: "1001" }
                """);
        assertEquals(p, ProvisioningLoader.fromJson(ProvisioningLoader.toJson(p)));
    }
}
