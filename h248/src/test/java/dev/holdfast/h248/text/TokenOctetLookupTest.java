package dev.holdfast.h248.text;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The decoder's token lookup on octets agrees with the text lookup for every spelling, wherever the word sits. */
class TokenOctetLookupTest {

    /** {@code word} at offset {@code at} of an array with {@code after} more name octets after it. */
    private static Token lookupIn(String word, int at, int after) {
        byte[] b = new byte[at + word.length() + after];
        java.util.Arrays.fill(b, (byte) 'Q');
        System.arraycopy(word.getBytes(StandardCharsets.ISO_8859_1), 0, b, at, word.length());
        return Token.lookup(b, at, at + word.length());
    }

    private static String mixedCase(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(i % 2 == 0 ? Character.toLowerCase(c) : Character.toUpperCase(c));
        }
        return sb.toString();
    }

    @Test
    void everySpellingInAnyCaseAtAnyPlaceIsFound() {
        for (Token t : Token.values()) {
            for (String spelling : new String[] {t.longName, t.shortName}) {
                if (!Character.isLetter(spelling.charAt(0))) continue; // "!" and "&" are read as punctuation
                for (String w : new String[] {spelling, spelling.toUpperCase(Locale.ROOT),
                        spelling.toLowerCase(Locale.ROOT), mixedCase(spelling)}) {
                    // at the start, in the middle, and so close to the end that no 8-octet word fits
                    for (int at : new int[] {0, 5}) {
                        for (int after : new int[] {0, 1, 7, 30}) {
                            Token found = lookupIn(w, at, after);
                            assertNotNull(found, w);
                            assertEquals(Token.lookup(w), found, w + " at " + at + "+" + after);
                        }
                    }
                }
            }
        }
        assertEquals(Token.REQUEST_ID, lookupIn("rq", 0, 0));
        assertEquals(Token.REQUEST_ID, lookupIn("RequestID", 3, 9));
        assertEquals(Token.INTSIG_DELAY, lookupIn("intsigdelay", 0, 2));
    }

    @Test
    void wordsThatAreNoTokenAreNotFound() {
        for (String w : new String[] {"Contex", "Contexts", "A4444", "T1", "Modifyy", "TransactionResponseAckX",
                "ServiceChangeAddres", "x", "Q", "V17", "H222", "ObservedEvent", "Reply_", "R_", "M0", "MEGACO1",
                "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}) {
            for (int after : new int[] {0, 3, 20}) assertNull(lookupIn(w, 2, after), w);
        }
        // digits and '_' are not folded onto letters
        assertNull(lookupIn("V9O", 0, 0));
        assertEquals(Token.V90, lookupIn("v90", 0, 0));
        assertNull(lookupIn("SP_ADI", 0, 0));
    }

    @Test
    void nameEndAgreesWithTheNameCharacters() {
        java.util.Random random = new java.util.Random(11);
        // every octet value at every place of a word, after a run of name characters
        for (int v = 0; v < 256; v++) {
            for (int at = 0; at < 20; at++) {
                byte[] b = new byte[24];
                java.util.Arrays.fill(b, (byte) 'a');
                b[at] = (byte) v;
                for (int from = 0; from <= at; from++) assertEquals(slowNameEnd(b, from, b.length), nameEnd(b, from), v + "@" + at);
            }
        }
        // random octets, and random mixes of name and other characters, with the message ending anywhere
        String chars = "aZz_09AM/ =.-{}@[`\u007f";
        for (int k = 0; k < 20_000; k++) {
            byte[] b = new byte[1 + random.nextInt(40)];
            for (int i = 0; i < b.length; i++) {
                b[i] = k % 2 == 0 ? (byte) random.nextInt(256) : (byte) chars.charAt(random.nextInt(chars.length()));
            }
            int end = random.nextInt(b.length + 1);
            TextScanner s = new TextScanner(b, end, DecodeOptions.LENIENT);
            for (int from = 0; from < end; from++) assertEquals(slowNameEnd(b, from, end), s.nameEnd(from));
        }
    }

    private static int nameEnd(byte[] b, int from) {
        return new TextScanner(b, b.length, DecodeOptions.LENIENT).nameEnd(from);
    }

    private static int slowNameEnd(byte[] b, int p, int end) {
        while (p < end && TextScanner.isNameChar(b[p] & 0xFF)) p++;
        return p;
    }
}
