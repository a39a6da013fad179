package dev.holdfast.h248.message;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * SDP as H.248 carries it in Local and Remote: one or more session descriptions (alternatives, each starting
 * with {@code v=}), parsed on demand from the verbatim text. {@code $} stands for "MG chooses" (H.248.1 7.1.8).
 */
public record Sdp(List<Session> sessions) {
    /** Field separators within a line, compiled once (String.split with a regular expression compiles it per call). */
    private static final Pattern SPACES = Pattern.compile("\\s+");

    public Sdp { sessions = List.copyOf(sessions); }

    /** One {@code type=value} line. */
    public record Line(char type, String value) {
        @Override public String toString() { return type + "=" + value; }
    }

    /** One session description: its lines in order. */
    public record Session(List<Line> lines) {
        public Session { lines = List.copyOf(lines); }

        /** The value of the first line of this type, or null. */
        public String first(char type) {
            for (Line l : lines) if (l.type() == type) return l.value();
            return null;
        }

        public List<String> all(char type) {
            return lines.stream().filter(l -> l.type() == type).map(Line::value).toList();
        }

        /** The connection address of {@code c=IN IP4 addr}, or null. */
        public String connectionAddress() {
            String c = first('c');
            if (c == null) return null;
            String[] f = SPACES.split(c.trim());
            return f.length >= 3 ? f[2] : null;
        }

        /** The port of the first {@code m=} line, -1 for {@code $} (choose), or -2 when absent/unparsable. */
        public int mediaPort() {
            String m = first('m');
            if (m == null) return -2;
            String[] f = SPACES.split(m.trim());
            if (f.length < 2) return -2;
            if (f[1].equals("$")) return -1;
            try { return Integer.parseInt(f[1].split("/")[0]); } catch (NumberFormatException e) { return -2; }
        }
    }

    /** Lines that are not {@code x=...} (blank lines, comments in sloppy gateways) are skipped. */
    public static Sdp parse(String text) {
        List<Session> sessions = new ArrayList<>();
        List<Line> current = null;
        // lines end in LF or CRLF: split at LF, and the strip takes the CR
        for (int start = 0, end; start < text.length(); start = end + 1) {
            end = text.indexOf('\n', start);
            if (end < 0) end = text.length();
            String line = text.substring(start, end).strip();
            if (line.length() < 2 || line.charAt(1) != '=') continue;
            char type = line.charAt(0);
            if (type == 'v' || current == null) {
                if (current != null) sessions.add(new Session(current));
                current = new ArrayList<>();
            }
            current.add(new Line(type, line.substring(2)));
        }
        if (current != null) sessions.add(new Session(current));
        return new Sdp(sessions);
    }
}
