package dev.holdfast.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The drill's side of a load generator's control channel: one command a line, one JSON line back. */
final class ControlClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Socket socket;
    private final BufferedReader in;
    private final PrintWriter out;

    ControlClient(int port, Duration readLimit) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        socket.setSoTimeout((int) readLimit.toMillis());
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    /** Sends one command and reads its reply; an {@code error} reply becomes an exception. */
    JsonNode send(String command) throws IOException {
        out.println(command);
        String line = in.readLine();
        if (line == null) throw new IOException("the load generator closed its control channel after " + command);
        JsonNode n = JSON.readTree(line);
        if (n.has("error")) throw new IOException(command + ": " + n.get("error").asText());
        return n;
    }

    @Override public void close() throws IOException { socket.close(); }
}
