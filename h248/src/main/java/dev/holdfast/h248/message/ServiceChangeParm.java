package dev.holdfast.h248.message;

/**
 * One {@code serviceChangeParm} of a ServiceChange descriptor (request) or {@code servChgReplyParm} (reply).
 * A non-standard {@code X-name = value} extension is a {@link PropertyParm}.
 */
public sealed interface ServiceChangeParm permits ServiceChangeParm.Method, ServiceChangeParm.Reason,
        ServiceChangeParm.Delay, ServiceChangeParm.Address, ServiceChangeParm.Profile, ServiceChangeParm.Version,
        ServiceChangeParm.MgcIdToTry, ServiceChangeParm.Stamp, ServiceChangeParm.AuditItem,
        ServiceChangeParm.Incomplete, PropertyParm {

    enum MethodKind { FAILOVER, FORCED, GRACEFUL, RESTART, DISCONNECTED, HANDOFF, EXTENSION }

    /** {@code Method = Restart ...}; {@code extension} holds the {@code X-...} name for EXTENSION, else null. */
    record Method(MethodKind kind, String extension) implements ServiceChangeParm {
        public static Method of(MethodKind kind) { return new Method(kind, null); }
    }

    /** {@code Reason = VALUE}, kept as written (often a quoted {@code "901 Cold Boot"}). */
    record Reason(String value) implements ServiceChangeParm {
        /** The H.248.1 reason code (the leading digits of the value), or -1 when it has none. */
        public int code() {
            String v = ParmValue.unquote(value).trim();
            int i = 0;
            while (i < v.length() && Character.isDigit(v.charAt(i))) i++;
            return i == 0 ? -1 : Integer.parseInt(v.substring(0, Math.min(i, 9)));
        }
    }

    /** {@code Delay = milliseconds}. */
    record Delay(long millis) implements ServiceChangeParm {
        public Delay { Checks.uint32(millis, "ServiceChangeDelay"); }
    }

    /** {@code ServiceChangeAddress = mId / portNumber}: exactly one of {@code mid} and {@code port}. */
    record Address(MId mid, Integer port) implements ServiceChangeParm {
        public Address {
            if ((mid == null) == (port == null)) {
                throw new IllegalArgumentException("a ServiceChangeAddress is an mId or a port number, exactly one");
            }
            if (port != null) Checks.uint16(port, "ServiceChangeAddress port");
        }
    }

    /** {@code Profile = name/version}. */
    record Profile(String name, int version) implements ServiceChangeParm {
        public Profile { Checks.version(version, "profile version"); }
    }

    /** {@code Version = 1*2DIGIT}. */
    record Version(int version) implements ServiceChangeParm {
        public Version { Checks.version(version, "ServiceChangeVersion"); }
    }

    /** {@code MgcIdToTry = mId}. */
    record MgcIdToTry(MId mid) implements ServiceChangeParm {}

    /** {@code TimeStamp}. */
    record Stamp(TimeStamp timeStamp) implements ServiceChangeParm {}

    /**
     * v2: an auditItem inside Services: a descriptor token (e.g. {@code Media}) or one individual audit parameter
     * (e.g. {@code Packages{g-1}}); the ABNF's indAudterminationAudit list is one AuditItem per parameter.
     */
    record AuditItem(AuditDescriptor.AuditItem item) implements ServiceChangeParm {}

    /** v3: {@code ServiceChangeInc}. */
    record Incomplete() implements ServiceChangeParm {}
}
