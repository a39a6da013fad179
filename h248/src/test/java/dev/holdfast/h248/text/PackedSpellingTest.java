package dev.holdfast.h248.text;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The encoder writes token spellings from a packed table with 8-octet stores (not an array copy): every spelling
 * of every token, in both forms, bare and with either EQUAL, comes out exactly, at any offset (the stores are
 * unaligned), with nothing of the store's tail left behind, and also where the output array must grow.
 */
class PackedSpellingTest {
    @Test
    void everySpellingIsWrittenExactlyAtEveryOffset() {
        int n = MessageEncoder.spellingCount();
        assertTrue(n >= 6 * Token.values().length, "six runs of spellings, one entry per token each");
        for (int k = 0; k < n; k++) {
            for (int offset = 0; offset < 9; offset++) {
                String before = "x".repeat(offset);
                byte[][] got = MessageEncoder.spellingWritten(k, before);
                byte[] expected = concat(before.getBytes(StandardCharsets.ISO_8859_1), got[0], new byte[] {'|'});
                assertArrayEquals(expected, got[1], () -> "spelling '" + new String(got[0],
                        StandardCharsets.ISO_8859_1) + "' after " + before.length() + " octets");
            }
        }
    }

    @Test
    void aSpellingAtTheEndOfTheArrayGrowsIt() {
        // the writer's array starts at 2048 octets: a spelling written 1 to 30 octets before its end
        for (int k = 0; k < MessageEncoder.spellingCount(); k += 7) {
            for (int gap = 1; gap <= 30; gap++) {
                String before = "y".repeat(2048 - gap);
                byte[][] got = MessageEncoder.spellingWritten(k, before);
                byte[] expected = concat(before.getBytes(StandardCharsets.ISO_8859_1), got[0], new byte[] {'|'});
                assertArrayEquals(expected, got[1]);
            }
        }
    }

    private static byte[] concat(byte[] a, byte[] b, byte[] c) {
        byte[] r = Arrays.copyOf(a, a.length + b.length + c.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        System.arraycopy(c, 0, r, a.length + b.length, c.length);
        return r;
    }
}
