package dev.holdfast.console;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The interactive shell: a banner, a prompt, and on a terminal the basics of line editing (the client's terminal is
 * raw, so the server echoes): backspace, Ctrl-U (erase the line), Ctrl-W (erase a word), Ctrl-C (drop the line),
 * Ctrl-D on an empty line (leave), up and down arrows (history). Without a terminal ({@code echo 'status' | ssh host})
 * it reads plain lines and prints no prompt.
 */
final class ConsoleShell extends ConsoleCommand {
    static final String PROMPT = "holdfast> ";
    private static final int HISTORY = 100;
    /** The longest command line taken (no command needs more; a flood of bytes without a line end is dropped). */
    static final int MAX_LINE = 1024;

    private final List<String> history = new ArrayList<>();

    @Override protected int run() throws IOException, InterruptedException {
        Commands commands = new Commands(session, out, err, this::ask);
        if (!pty) {
            int last = 0;
            String line;
            while (!closed && (line = plainLine()) != null) {
                if (line.length() > MAX_LINE) {
                    err.println("error: line longer than " + MAX_LINE + " characters ignored");
                    err.flush();
                    last = 2;
                    continue;
                }
                if (isExit(line)) return last;
                last = commands.run(line, interruptKeys(true));
            }
            return last;
        }
        Role role = session.role();
        out.println("Holdfast console. " + session.sshUser() + (role == null ? "" : " (" + role.apiName() + ")")
                + ", controllers " + String.join(", ", session.controllerNames()) + ". Type 'help' for the commands.");
        while (!closed) {
            out.print(PROMPT);
            out.flush();
            String line = readLine();
            if (line == null) {
                out.println();
                out.flush();
                return 0;
            }
            if (isExit(line)) return 0;
            if (!line.isBlank()) {
                if (history.isEmpty() || !history.get(history.size() - 1).equals(line)) history.add(line);
                if (history.size() > HISTORY) history.remove(0);
            }
            commands.run(line, interruptKeys(true));
        }
        return 0;
    }

    /** A line of at most MAX_LINE characters (a longer one comes back as MAX_LINE + 1 characters, the rest read and dropped). */
    private String plainLine() throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = readChar()) >= 0 && c != '\n') {
            if (b.length() <= MAX_LINE) b.append((char) c);
        }
        if (c < 0 && b.length() == 0) return null;
        int end = b.length();
        if (end > 0 && b.charAt(end - 1) == '\r') b.setLength(end - 1);
        return b.toString();
    }

    /**
     * Asks for one line: on a terminal with the prompt, echoed or not (a password), Ctrl-C or Ctrl-D giving up (null);
     * without one, the next plain line.
     */
    private String ask(String prompt, boolean echo) throws IOException {
        out.print(prompt);
        out.flush();
        if (!pty) {
            String line = plainLine();
            return line == null || line.length() > MAX_LINE ? null : line;
        }
        StringBuilder line = new StringBuilder();
        while (true) {
            int c = readChar();
            if (c < 0 || c == 0x03 || c == 0x04) {
                out.print("\n");
                out.flush();
                return null;
            }
            if (c == '\r' || c == '\n') {
                out.print("\n");
                out.flush();
                return line.toString();
            }
            if (c == 0x7f || c == 0x08) {
                if (line.length() > 0) {
                    line.setLength(line.length() - 1);
                    if (echo) out.print("\b \b");
                }
            } else if (c >= 0x20 && line.length() < MAX_LINE) {
                line.append((char) c);
                if (echo) out.print((char) c);
            }
            out.flush();
        }
    }

    private static boolean isExit(String line) {
        String t = line.strip().toLowerCase(Locale.ROOT);
        return t.equals("exit") || t.equals("quit") || t.equals("logout");
    }

    /** One line from a raw terminal, echoing and editing as it comes; null at the end of input or Ctrl-D on an empty line. */
    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        int browsing = history.size();
        while (true) {
            int c = readChar();
            if (c < 0) return null;
            switch (c) {
                case '\r', '\n' -> {
                    out.print("\n");
                    out.flush();
                    return line.toString();
                }
                case 0x04 -> { // Ctrl-D
                    if (line.length() == 0) return null;
                }
                case 0x03 -> { // Ctrl-C: drop the line
                    out.print("^C\n" + PROMPT);
                    line.setLength(0);
                    browsing = history.size();
                }
                case 0x7f, 0x08 -> {
                    if (line.length() > 0) {
                        line.setLength(line.length() - 1);
                        out.print("\b \b");
                    }
                }
                case 0x15 -> erase(line, 0); // Ctrl-U
                case 0x17 -> { // Ctrl-W
                    int i = line.length();
                    while (i > 0 && line.charAt(i - 1) == ' ') i--;
                    while (i > 0 && line.charAt(i - 1) != ' ') i--;
                    erase(line, i);
                }
                case 0x1b -> { // ESC [ A/B: history; other sequences are read and ignored
                    int b = readChar();
                    if (b != '[' && b != 'O') break;
                    int k = readChar();
                    while (k >= '0' && k <= '9' || k == ';') k = readChar();
                    if (k == 'A' && browsing > 0) {
                        browsing--;
                        erase(line, 0);
                        line.append(history.get(browsing));
                        out.print(line);
                    } else if (k == 'B' && browsing < history.size()) {
                        browsing++;
                        erase(line, 0);
                        if (browsing < history.size()) {
                            line.append(history.get(browsing));
                            out.print(line);
                        }
                    }
                }
                default -> {
                    if (c >= 0x20 && line.length() < MAX_LINE) {
                        line.append((char) c);
                        out.print((char) c);
                    }
                }
            }
            out.flush();
        }
    }

    /**
     * One character, read byte by byte from the channel (UTF-8; a malformed sequence gives U+FFFD). No read-ahead:
     * bytes typed after a line stay in the channel, where a running command (events) looks for Ctrl-C.
     */
    private int readChar() throws IOException {
        int b = in.read();
        if (b < 0x80) return b;
        int more = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : b >= 0xC0 ? 1 : -1;
        if (more < 0) return 0xFFFD;
        int cp = b & (0x3F >> more);
        for (int i = 0; i < more; i++) {
            int n = in.read();
            if (n < 0) return -1;
            if ((n & 0xC0) != 0x80) return 0xFFFD;
            cp = cp << 6 | n & 0x3F;
        }
        return cp > 0xFFFF ? 0xFFFD : cp; // the CLI has no use for characters outside the BMP
    }

    private void erase(StringBuilder line, int from) {
        int n = line.length() - from;
        if (n <= 0) return;
        out.print("\b".repeat(n) + " ".repeat(n) + "\b".repeat(n));
        line.setLength(from);
    }
}
