package dev.holdfast.console;

/** {@code ssh host 'list calls'}: one command, its output, its exit status (0 done, 1 failed, 2 bad command). */
final class ConsoleExec extends ConsoleCommand {
    private final String line;

    ConsoleExec(String line) { this.line = line; }

    @Override protected int run() throws InterruptedException {
        String cmd = Commands.words(line).isEmpty() ? "" : Commands.words(line).get(0);
        if (cmd.equals("exit") || cmd.equals("quit")) return 0;
        return new Commands(session, out, err, this::ask).run(line, interruptKeys(false));
    }

    /** {@code echo failover | ssh host 'drill failover'}: the answer is the next line of the channel's input. */
    private String ask(String prompt, boolean echo) throws java.io.IOException {
        err.print(prompt);
        err.flush();
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (line.size() > ConsoleShell.MAX_LINE) return null;
            line.write(b);
        }
        if (b < 0 && line.size() == 0) return null;
        String s = line.toString(java.nio.charset.StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }
}
