package dev.holdfast.console;

import dev.holdfast.console.web.WebConsole;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** {@code ./bin/console --config FILE}: runs the SSH admin CLI and the web console until SIGTERM or Ctrl-C. */
public final class ConsoleMain {
    private ConsoleMain() {}

    public static void main(String[] args) throws Exception {
        Path config = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> {
                    if (i + 1 >= args.length) usage("--config needs a file");
                    config = Path.of(args[++i]);
                }
                case "-h", "--help" -> {
                    System.out.println("usage: console --config FILE   (docs/console.md)");
                    return;
                }
                default -> usage("unknown argument " + args[i]);
            }
        }
        if (config == null) usage("--config FILE is needed");
        ConsoleConfig c;
        try {
            c = ConsoleConfig.load(config);
        } catch (IOException e) {
            System.err.println("console: cannot read " + config + ": " + e.getMessage());
            System.exit(1);
            return;
        } catch (ConsoleConfig.BadConfig e) {
            System.err.println("console: " + e.getMessage());
            System.exit(1);
            return;
        }
        SshConsole ssh;
        try {
            ssh = SshConsole.start(c);
        } catch (IOException e) {
            System.err.println("console: cannot listen on " + c.address() + ":" + c.port() + ": " + e.getMessage());
            System.exit(1);
            return;
        }
        WebConsole web;
        try {
            web = WebConsole.start(c);
        } catch (IOException e) {
            ssh.close();
            System.err.println("console: cannot listen on " + c.web().address() + ":" + c.web().port() + " (web): " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            web.close();
            ssh.close();
            stopped.countDown();
        }, "console-stop"));
        System.out.println("console: ssh -p " + ssh.port() + " USER@" + c.address());
        System.out.println("console: " + web.url());
        System.out.flush();
        stopped.await();
    }

    private static void usage(String why) {
        System.err.println("console: " + why + " (usage: console --config FILE)");
        System.exit(2);
    }
}
