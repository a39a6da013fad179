package dev.holdfast.tcpha.app;

/**
 * A deterministic server application as ST-TCP runs it: per connection it sees the client's bytes in order and
 * writes its output. Primary and backup run the same application on the same input and must produce the same
 * output; so an application must not use clocks, randomness or anything but its input.
 */
public interface StreamApplication {
    /** A new client connection; the returned session gets that connection's input. */
    Session open();

    interface Session {
        /** The next input bytes of this connection; output goes to {@code out} (which may block, like a socket). */
        void onInput(byte[] buf, int off, int len, Output out) throws InterruptedException;

        /** The client closed its side (FIN). The default closes the output too. */
        default void onEndOfInput(Output out) throws InterruptedException { out.close(); }
    }

    /** Where a session's output goes: a socket on the primary, a suppressed buffer on the backup. */
    interface Output {
        void write(byte[] buf, int off, int len) throws InterruptedException;

        /** No more output (the server's FIN). */
        void close() throws InterruptedException;
    }

    static StreamApplication named(String name) {
        return switch (name) {
            case "echo" -> new EchoApplication();
            case "interactive" -> new InteractiveApplication();
            case "bulk" -> new BulkApplication();
            default -> throw new IllegalArgumentException("unknown application " + name + " (echo, interactive, bulk)");
        };
    }
}
