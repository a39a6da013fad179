package dev.holdfast.h248.message;

import java.util.List;

/**
 * The ranges and cardinalities of the H.248.1 text ABNF (Annex B) that the model's records check in their
 * constructors, so that no model exists that the encoder would write as text a decoder must reject.
 */
final class Checks {
    static final long UINT32_MAX = 0xFFFFFFFFL;
    static final int UINT16_MAX = 0xFFFF;

    private Checks() {}

    /** {@code UINT32 = 1*10(DIGIT)}, 0 to 4294967295. */
    static long uint32(long value, String what) {
        if (value < 0 || value > UINT32_MAX) {
            throw new IllegalArgumentException(what + " " + value + " is out of range: the ABNF's UINT32 is 0.."
                    + UINT32_MAX);
        }
        return value;
    }

    /** {@code UINT16 = 1*5(DIGIT)}, 0 to 65535. */
    static int uint16(int value, String what) {
        if (value < 0 || value > UINT16_MAX) {
            throw new IllegalArgumentException(what + " " + value + " is out of range: the ABNF's UINT16 is 0.."
                    + UINT16_MAX);
        }
        return value;
    }

    /** {@code Version = 1*2(DIGIT)}, 0 to 99. */
    static int version(int value, String what) {
        if (value < 0 || value > 99) {
            throw new IllegalArgumentException(what + " " + value + " is out of range: the ABNF's Version is 1*2"
                    + "(DIGIT), 0..99");
        }
        return value;
    }

    /** A list the ABNF writes {@code item *(COMMA item)}: at least one item. Returns an immutable copy. */
    static <T> List<T> nonEmpty(List<T> items, String what) {
        List<T> copy = List.copyOf(items);
        if (copy.isEmpty()) {
            throw new IllegalArgumentException(what + " needs at least one item (the ABNF has 'item *(COMMA item)')");
        }
        return copy;
    }

    /** A required part of a record. */
    static <T> T present(T value, String what) {
        if (value == null) throw new IllegalArgumentException(what + " is required");
        return value;
    }
}
