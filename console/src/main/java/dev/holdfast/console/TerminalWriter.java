package dev.holdfast.console;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * UTF-8 text to an SSH channel; on a pseudo-terminal every line feed goes out as CR LF (the client's terminal is
 * in raw mode, so the server does what the tty's ONLCR would).
 */
final class TerminalWriter extends Writer {
    private final Writer out;
    private final boolean pty;

    TerminalWriter(OutputStream out, boolean pty) {
        this.out = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        this.pty = pty;
    }

    @Override public void write(char[] buf, int off, int len) throws IOException {
        if (!pty) {
            out.write(buf, off, len);
            return;
        }
        int start = off;
        for (int i = off; i < off + len; i++) {
            if (buf[i] == '\n') {
                out.write(buf, start, i - start);
                out.write("\r\n");
                start = i + 1;
            }
        }
        out.write(buf, start, off + len - start);
    }

    @Override public void flush() throws IOException { out.flush(); }

    @Override public void close() throws IOException { out.close(); }
}
