package dev.holdfast.console;

/** {@code ssh host 'list calls'}: one command, its output, its exit status (0 done, 1 failed, 2 bad command). */
final class ConsoleExec extends ConsoleCommand {
    private final String line;

    ConsoleExec(String line) { this.line = line; }

    @Override protected int run() throws InterruptedException {
        String cmd = Commands.words(line).isEmpty() ? "" : Commands.words(line).get(0);
        if (cmd.equals("exit") || cmd.equals("quit")) return 0;
        return new Commands(session, out, err).run(line, interruptKeys(false));
    }
}
