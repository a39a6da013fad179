package dev.holdfast.controller.sip;

import dev.holdfast.controller.Controller;
import dev.holdfast.endpointsim.PhoneRuntime;
import org.junit.jupiter.api.AfterEach;

import java.net.InetSocketAddress;

/**
 * What every SIP migration test has: a primary and an alternate controller (real processes' worth of sockets on
 * 127.0.0.1) and the phones' runtime, all stopped after each test, and the ways to look into a controller.
 */
abstract class PrimaryAndAlternate {
    /** The key ring both controllers share (provisioning {@code cookies:}, 32 octets). */
    static final String KEY = cookies("aG9sZGZhc3QtdGVzdC1rZXktMzItb2N0ZXRzLWxvbmctLQ==");

    protected Controller primary;
    protected Controller alternate;
    protected PhoneRuntime phones;

    @AfterEach void stopPhonesAndControllers() {
        if (phones != null) phones.close();
        if (primary != null) primary.close();
        if (alternate != null) alternate.close();
    }

    /** A {@code cookies:} section with one key, id 1. */
    static String cookies(String secret) {
        return "cookies: { current: 1, keys: [ { id: 1, secret: \"" + secret + "\" } ] }";
    }

    static InetSocketAddress address(Controller c) { return new InetSocketAddress("127.0.0.1", c.sip().port()); }

    static long counter(Controller c, String name) throws Exception { return SipTestController.counter(c, name); }

    /** The counter, or -1 when the controller cannot be asked (for conditions polled while it may be stopping). */
    static long counterOrNone(Controller c, String name) {
        try {
            return SipTestController.counter(c, name);
        } catch (Exception e) {
            return -1;
        }
    }

    /** The core's SIP counters and the edge's, for failure messages. */
    static String counters(Controller c) {
        try {
            return c.inspect(core -> core.sip().counters().snapshot()).toString() + " " + c.sip().counters().snapshot();
        } catch (Exception e) {
            return e.toString();
        }
    }

    static boolean noCalls(Controller c) {
        try {
            return c.inspect(core -> core.sip().calls().isEmpty());
        } catch (Exception e) {
            return false;
        }
    }
}
