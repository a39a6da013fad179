package dev.holdfast.console;

import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;

/** What the shell and exec have in common: the channel's streams, a thread of its own, the end of the session. */
abstract class ConsoleCommand implements Command {
    private static final System.Logger LOG = System.getLogger(ConsoleCommand.class.getName());

    protected InputStream in;
    private OutputStream rawOut;
    private OutputStream rawErr;
    private ExitCallback exit;
    protected PrintWriter out;
    protected PrintWriter err;
    protected boolean pty;
    protected ConsoleSession session;
    protected volatile boolean closed;
    private Thread thread;

    @Override public void setInputStream(InputStream in) { this.in = in; }

    @Override public void setOutputStream(OutputStream out) { this.rawOut = out; }

    @Override public void setErrorStream(OutputStream err) { this.rawErr = err; }

    @Override public void setExitCallback(ExitCallback callback) { this.exit = callback; }

    @Override public void start(ChannelSession channel, Environment env) throws IOException {
        session = channel.getSession().getAttribute(ConsoleAuthenticator.SESSION);
        pty = !env.getPtyModes().isEmpty() || env.getEnv().containsKey(Environment.ENV_TERM);
        out = new PrintWriter(new TerminalWriter(rawOut, pty));
        // on a terminal errors go the same way as the rest, so they appear in order
        err = pty ? out : new PrintWriter(new TerminalWriter(rawErr, false));
        thread = new Thread(this::runAndExit, "console-" + (session == null ? "?" : session.sshUser()));
        thread.setDaemon(true);
        thread.start();
    }

    private void runAndExit() {
        int status = 1;
        try {
            if (session == null) {
                err.println("error: no console session (not authenticated)");
            } else {
                status = run();
            }
        } catch (InterruptedException e) {
            status = 130;
        } catch (IOException e) {
            if (!closed) LOG.log(System.Logger.Level.DEBUG, "console channel: " + e);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "console command failed", e);
        } finally {
            out.flush();
            err.flush();
            if (exit != null) exit.onExit(status);
        }
    }

    /** Does the work; the exit status the client gets. */
    protected abstract int run() throws IOException, InterruptedException;

    @Override public void destroy(ChannelSession channel) {
        closed = true;
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) t.interrupt();
    }

    /** Stops on Ctrl-C (and, in the shell, 'q' or Ctrl-D) or when the channel closes. */
    protected StopSignal interruptKeys(boolean shell) {
        return millis -> {
            long end = System.nanoTime() + millis * 1_000_000L;
            while (!closed) {
                try {
                    while (in.available() > 0) {
                        int b = in.read();
                        if (b < 0 || b == 0x03 || shell && (b == 0x04 || b == 'q')) return true;
                    }
                } catch (IOException e) {
                    return true;
                }
                if (System.nanoTime() >= end) return false;
                Thread.sleep(20);
            }
            return true;
        };
    }
}
