package dev.holdfast.controller.cdr;

import java.time.Instant;
import java.util.List;

/** CDRs as CSV (RFC 4180): a header line, one line per record, CRLF line ends, fields quoted where they must be. */
public final class CdrCsv {
    private CdrCsv() {}

    public static final List<String> HEADER = List.of("id", "call", "caller", "callee", "callerKind", "calleeKind",
            "gateways", "setup", "answer", "end", "durationMs", "release", "cause", "migrated", "controller");

    public static String write(List<CallRecord> records) {
        StringBuilder b = new StringBuilder(128 * (records.size() + 1));
        line(b, HEADER);
        for (CallRecord r : records) {
            line(b, List.of(text(r.id()), text(r.call()), text(r.caller()), text(r.callee()), text(r.callerKind()),
                    text(r.calleeKind()), String.join(" ", r.gateways()), Instant.ofEpochMilli(r.setup()).toString(),
                    r.answer() == null ? "" : Instant.ofEpochMilli(r.answer()).toString(),
                    Instant.ofEpochMilli(r.end()).toString(), Long.toString(r.durationMs()), text(r.release()),
                    text(r.cause()), Boolean.toString(r.migrated()), text(r.controller())));
        }
        return b.toString();
    }

    private static String text(String s) { return s == null ? "" : s; }

    private static void line(StringBuilder b, List<String> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) b.append(',');
            b.append(field(fields.get(i)));
        }
        b.append("\r\n");
    }

    /** A field with a comma, a double quote, CR or LF is quoted, its double quotes doubled (RFC 4180 2.6, 2.7). */
    static String field(String s) {
        boolean quote = false;
        for (int i = 0; i < s.length() && !quote; i++) {
            char c = s.charAt(i);
            quote = c == ',' || c == '"' || c == '\r' || c == '\n';
        }
        // a leading = + - @ would be a formula to a spreadsheet: quoted and prefixed with ' (CSV injection)
        if (!s.isEmpty() && "=+-@".indexOf(s.charAt(0)) >= 0 && !s.matches("[-+][0-9]+")) {
            s = "'" + s;
            quote = true;
        }
        return quote ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }
}
