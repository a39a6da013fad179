package dev.holdfast.h248.message;

import java.util.List;

/** {@code LocalControl { localParm *(, localParm) }}: Mode, ReservedValue, ReservedGroup and properties. */
public record LocalControlDescriptor(List<LocalParm> parms) implements StreamParm {
    public LocalControlDescriptor { parms = Checks.nonEmpty(parms, "a LocalControl descriptor"); }

    public enum Mode { SENDONLY, RECVONLY, SENDRECV, INACTIVE, LOOPBACK }

    /** {@code Mode = SendOnly / ReceiveOnly / SendReceive / Inactive / Loopback}. */
    public record StreamMode(Mode mode) implements LocalParm {}

    /** {@code ReservedValue = ON / OFF}. */
    public record ReservedValue(boolean on) implements LocalParm {}

    /** {@code ReservedGroup = ON / OFF}. */
    public record ReservedGroup(boolean on) implements LocalParm {}

    /** The stream mode set here, or null. */
    public Mode mode() {
        for (LocalParm p : parms) if (p instanceof StreamMode m) return m.mode();
        return null;
    }
}
