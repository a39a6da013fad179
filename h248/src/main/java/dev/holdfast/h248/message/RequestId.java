package dev.holdfast.h248.message;

/** {@code RequestID = UINT32 / "*"}; {@link #ALL} is the wildcard. */
public record RequestId(long value) {
    public static final RequestId ALL = new RequestId(-1);

    public RequestId {
        if (value < -1 || value > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("request id " + value + " is out of range: RequestID = UINT32 (0.."
                    + 0xFFFFFFFFL + ") / \"*\"");
        }
    }

    public static RequestId of(long v) { return new RequestId(v); }

    @Override public String toString() { return value < 0 ? "*" : Long.toString(value); }
}
