package dev.holdfast.h248.message;

/**
 * {@code ContextID = UINT32 / "*" / "-" / "$"}. Specific ids are 1 .. 0xFFFFFFFE; the special values
 * are modelled as sentinels outside the UINT32 range so that equality is plain value equality.
 */
public record ContextId(long value) {
    public static final ContextId NULL = new ContextId(-1);   // "-"
    public static final ContextId CHOOSE = new ContextId(-2); // "$"
    public static final ContextId ALL = new ContextId(-3);    // "*"

    public ContextId {
        if (value < -3 || value > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("context id " + value + " is out of range: ContextID = UINT32"
                    + " (0.." + 0xFFFFFFFFL + ") / \"*\" / \"-\" / \"$\"");
        }
    }

    public static ContextId of(long id) {
        if (id < 0) {
            throw new IllegalArgumentException("context id " + id + " is out of range: ContextID = UINT32 (0.."
                    + 0xFFFFFFFFL + ")");
        }
        return new ContextId(id);
    }

    public boolean isSpecific() { return value >= 0; }

    @Override public String toString() {
        if (this.equals(NULL)) return "-";
        if (this.equals(CHOOSE)) return "$";
        if (this.equals(ALL)) return "*";
        return Long.toString(value);
    }
}
