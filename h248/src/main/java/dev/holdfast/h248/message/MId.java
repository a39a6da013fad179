package dev.holdfast.h248.message;

/** The message identifier of the sender: {@code mId} in every form the ABNF allows. */
public sealed interface MId {
    /** {@code "[" IPv4address / IPv6address "]" [":" port]}; {@code port} is null when absent. */
    record IpAddress(String address, boolean ipv6, Integer port) implements MId {
        public IpAddress { if (port != null) Checks.uint16(port, "mId port number"); }
    }

    /** {@code "<" domain name ">" [":" port]}. */
    record DomainName(String name, Integer port) implements MId {
        public DomainName { if (port != null) Checks.uint16(port, "mId port number"); }
    }

    /** {@code deviceName = pathNAME}. */
    record DeviceName(String name) implements MId {}

    /** {@code MTP "{" 4*8 HEXDIG "}"}: an SS7 point code. */
    record MtpAddress(String hex) implements MId {}

    static MId ipv4(String address, Integer port) { return new IpAddress(address, false, port); }
}
