package dev.holdfast.h248.text;

import dev.holdfast.h248.message.MId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.holdfast.h248.text.Decode.error;
import static dev.holdfast.h248.text.Decode.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** mId = ((domainAddress / domainName) [":" portNumber]) / mtpAddress / deviceName, in the message header. */
class MIdParserTest {
    private static final String BODY = " Reply = 1 { Context = - { Notify = ROOT } }";

    private static MId mid(String mid) { return ok("MEGACO/1 " + mid + BODY).mid(); }

    @Test
    void ipv4WithAndWithoutPort() {
        assertEquals(new MId.IpAddress("124.124.124.222", false, null), mid("[124.124.124.222]"));
        assertEquals(new MId.IpAddress("124.124.124.222", false, 55555), mid("[124.124.124.222]:55555"));
        assertEquals(new MId.IpAddress("0.0.0.0", false, 0), mid("[0.0.0.0]:0"));
    }

    @ParameterizedTest
    @CsvSource({"2001:db8::1", "::1", "::", "fe80::", "1:2:3:4:5:6:7:8", "::ffff:10.0.0.1", "2001:DB8:0:0:8:800:200C:417A"})
    void ipv6(String address) {
        assertEquals(new MId.IpAddress(address, true, 2944), mid("[" + address + "]:2944"));
    }

    @Test
    void domainNameWithAndWithoutPort() {
        assertEquals(new MId.DomainName("mg1.example.net", null), mid("<mg1.example.net>"));
        assertEquals(new MId.DomainName("mgc-1.example.net", 2944), mid("<mgc-1.example.net>:2944"));
    }

    @Test
    void deviceName() {
        assertEquals(new MId.DeviceName("gateway1"), mid("gateway1"));
        assertEquals(new MId.DeviceName("rack3/shelf_2/mg"), mid("rack3/shelf_2/mg"));
        assertEquals(new MId.DeviceName("mg7@example.net"), mid("mg7@example.net"));
    }

    @Test
    void mtpAddressWithAndWithoutSpaces() {
        assertEquals(new MId.MtpAddress("0A1B"), mid("MTP{0A1B}"));
        assertEquals(new MId.MtpAddress("00ab12cd"), mid("mtp { 00ab12cd }"));
    }

    @Test
    void compactHeader() {
        assertEquals(new MId.IpAddress("10.1.1.1", false, 2944),
                ok("!/1 [10.1.1.1]:2944\nP=1{C=-{N=ROOT}}").mid());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "[1.2.3.256]       | 10 | '1.2.3.256' is not an IPv4 address",
            "[1.2.3]           | 10 | '1.2.3' is not an IPv4 address",
            "[1:2:3]           | 10 | '1:2:3' is not an IPv6 address",
            "[2001::db8::1]    | 10 | '2001::db8::1' is not an IPv6 address",
            "[1.2.3.4]:65536   | 19 | port number 65536 is out of range (0..65535)",
            "[1.2.3.4]:        | 19 | expected a port number after ':' but found ' '",
            "<mg1 T=1          | 13 | expected '>' at the end of the domain name but found ' '",
            "MTP{123}          | 13 | an MTP address has 4 to 8 hex digits, not 3",
            "{1.2.3.4}         |  9 | expected an mId ('[' IP address ']', '<' domain name '>', a device name or MTP{...}) but found '{'",
    })
    void invalidMIds(String mid, int offset, String reason) {
        SyntaxError e = error("MEGACO/1 " + mid.strip() + BODY);
        assertEquals(reason, e.reason());
        assertEquals(offset, e.offset());
        assertEquals(1, e.line());
        assertEquals(offset + 1, e.column());
    }

    @Test
    void unclosedIpAddressIsReportedAtItsBracket() {
        SyntaxError e = error("MEGACO/1 [1.2.3.4");
        assertEquals(9, e.offset());
        assertTrue(e.reason().contains("never closed"), e.reason());
    }
}
