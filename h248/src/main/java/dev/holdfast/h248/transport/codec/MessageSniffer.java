package dev.holdfast.h248.transport.codec;

/**
 * Looks at the start of a message that did not decode, to tell whether it may be answered: H.248.1 forbids
 * answering a reply, a Pending, an ack or an error with an error (two entities would answer each other
 * forever). Reads only the header ({@code [AU ...] MEGACO/v mId}) and the first word of the body.
 */
public final class MessageSniffer {
    private MessageSniffer() {}

    public enum Kind {
        /** No H.248 header: not an H.248 message at all. */
        NOT_H248,
        /** The body starts with a transaction request. */
        REQUESTS,
        /** The body starts with a reply, Pending, ack, segment reply or message-level error: never answered. */
        RESPONSES,
        /** An H.248 header, but the body could not be classified. */
        UNKNOWN
    }

    /** How far into the message the header is looked for (an authentication header may come first). */
    private static final int HEADER_WINDOW = 256;

    public static Kind classify(byte[] bytes) {
        int n = bytes.length;
        int i = findHeader(bytes);
        if (i < 0) return Kind.NOT_H248;
        while (i < n && isDigit(bytes[i])) i++;                 // version
        i = skipSeparators(bytes, i);
        i = skipMid(bytes, i);
        i = skipSeparators(bytes, i);
        int start = i;
        while (i < n && isLetter(bytes[i])) i++;
        String word = new String(bytes, start, i - start, java.nio.charset.StandardCharsets.ISO_8859_1);
        return switch (word.toUpperCase(java.util.Locale.ROOT)) {
            case "TRANSACTION", "T" -> Kind.REQUESTS;
            case "REPLY", "P", "PENDING", "PN", "TRANSACTIONRESPONSEACK", "K", "ERROR", "ER", "SEGMENT", "SM" ->
                    Kind.RESPONSES;
            default -> Kind.UNKNOWN;
        };
    }

    /** Index just after {@code MEGACO/} or {@code !/}, or -1. */
    private static int findHeader(byte[] b) {
        int limit = Math.min(b.length, HEADER_WINDOW);
        for (int i = 0; i < limit; i++) {
            if (b[i] == '!' && i + 1 < b.length && b[i + 1] == '/' && atWordStart(b, i)) return i + 2;
            if ((b[i] == 'M' || b[i] == 'm') && atWordStart(b, i) && regionMatches(b, i, "MEGACO/")) return i + 7;
        }
        return -1;
    }

    private static boolean atWordStart(byte[] b, int i) {
        return i == 0 || b[i - 1] == ' ' || b[i - 1] == '\t' || b[i - 1] == '\r' || b[i - 1] == '\n';
    }

    private static boolean regionMatches(byte[] b, int at, String s) {
        if (at + s.length() > b.length) return false;
        for (int k = 0; k < s.length(); k++) {
            if (Character.toUpperCase((char) (b[at + k] & 0xFF)) != s.charAt(k)) return false;
        }
        return true;
    }

    private static int skipSeparators(byte[] b, int i) {
        while (i < b.length) {
            byte c = b[i];
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                i++;
            } else if (c == ';') {                               // comment to end of line
                while (i < b.length && b[i] != '\n' && b[i] != '\r') i++;
            } else {
                break;
            }
        }
        return i;
    }

    private static int skipMid(byte[] b, int i) {
        int n = b.length;
        if (i < n && (b[i] == '[' || b[i] == '<')) {
            byte close = b[i] == '[' ? (byte) ']' : (byte) '>';
            while (i < n && b[i] != close) i++;
            if (i < n) i++;
            if (i < n && b[i] == ':') {
                i++;
                while (i < n && isDigit(b[i])) i++;
            }
            return i;
        }
        // deviceName / MTP{...}: up to white space
        while (i < n && b[i] != ' ' && b[i] != '\t' && b[i] != '\r' && b[i] != '\n') i++;
        return i;
    }

    private static boolean isDigit(byte c) { return c >= '0' && c <= '9'; }

    private static boolean isLetter(byte c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
}
