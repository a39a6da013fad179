package dev.holdfast.console;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Columns of text, each as wide as its widest cell, the way call servers' admin terminals print lists. */
final class TextTable {
    private final List<String[]> rows = new ArrayList<>();

    TextTable(String... header) { rows.add(header); }

    TextTable row(Object... cells) {
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++) r[i] = cells[i] == null ? "-" : clean(String.valueOf(cells[i]));
        rows.add(r);
        return this;
    }

    int size() { return rows.size() - 1; }

    void print(PrintWriter out) {
        int cols = 0;
        for (String[] r : rows) cols = Math.max(cols, r.length);
        int[] width = new int[cols];
        for (String[] r : rows) for (int i = 0; i < r.length; i++) width[i] = Math.max(width[i], r[i].length());
        for (String[] r : rows) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                b.append(r[i]);
                if (i < r.length - 1) b.append(" ".repeat(width[i] - r[i].length() + 2));
            }
            out.println(b.toString().stripTrailing());
        }
    }

    /** What a controller sends is printed without its control characters (no escape sequences reach the terminal). */
    static String clean(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.toString();
    }
}
