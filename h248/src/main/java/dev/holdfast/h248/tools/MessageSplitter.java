package dev.holdfast.h248.tools;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a text holding several H.248 messages into the messages. A new message starts at a line that begins
 * (after optional spaces or tabs) with {@code MEGACO/} or {@code !/}, in any case, and follows a blank line.
 * The first message starts at the top of the input. White space after a message's last line is not part of it.
 */
final class MessageSplitter {
    private MessageSplitter() {}

    /** One message of the input and the 1-based line of the input where it starts. */
    record Piece(String text, int firstLine) {}

    static List<Piece> split(String input) {
        List<Piece> pieces = new ArrayList<>();
        int start = 0;
        int startLine = 1;
        int line = 1;
        boolean previousBlank = false;
        int pos = 0;
        int n = input.length();
        while (pos < n) {
            int end = lineEnd(input, pos);
            if (pos > start && previousBlank && startsMessage(input, pos, end)) {
                add(pieces, input.substring(start, pos), startLine);
                start = pos;
                startLine = line;
            }
            previousBlank = input.substring(pos, end).isBlank();
            pos = next(input, end);
            line++;
        }
        add(pieces, input.substring(start), startLine);
        return pieces;
    }

    private static void add(List<Piece> pieces, String text, int firstLine) {
        String message = text.stripTrailing();
        if (!message.isBlank()) pieces.add(new Piece(message, firstLine));
    }

    private static boolean startsMessage(String s, int pos, int end) {
        int i = pos;
        while (i < end && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) i++;
        return s.regionMatches(true, i, "MEGACO/", 0, 7) || s.startsWith("!/", i);
    }

    /** Offset of the line break (CR, LF or CRLF) that ends the line starting at {@code pos}, or the end. */
    private static int lineEnd(String s, int pos) {
        int i = pos;
        while (i < s.length() && s.charAt(i) != '\n' && s.charAt(i) != '\r') i++;
        return i;
    }

    private static int next(String s, int end) {
        if (end >= s.length()) return end;
        if (s.charAt(end) == '\r' && end + 1 < s.length() && s.charAt(end + 1) == '\n') return end + 2;
        return end + 1;
    }
}
