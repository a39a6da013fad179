package dev.holdfast.controller.sip.interop;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * baresip (Debian {@code baresip}) as a real softphone, run without a terminal or sound card: audio comes from a
 * silent 8 kHz WAV file ({@code aufile}), G.711 only, and it is driven through its {@code ctrl_tcp} module (JSON
 * commands and events in netstrings: {@code len:json,}).
 */
final class Baresip implements AutoCloseable {
    private final Process process;
    private final Socket control;
    private final InputStream in;
    private final OutputStream out;
    final Path log;
    /** Every event type received so far, in order (CALL_RINGING, CALL_ESTABLISHED, CALL_CLOSED...). */
    final List<String> events = new ArrayList<>();

    private Baresip(Process process, Socket control, Path log) throws IOException {
        this.process = process;
        this.control = control;
        this.in = control.getInputStream();
        this.out = control.getOutputStream();
        this.log = log;
    }

    /** Starts baresip with one account {@code user}/{@code password} registering at {@code registrar} (host:port). */
    static Baresip start(InteropRig rig, String user, String password, String registrar) throws Exception {
        Path home = Files.createDirectories(rig.dir.resolve("baresip"));
        Path silence = home.resolve("silence.wav");
        Files.write(silence, silentWav(8000, 10));
        int sipPort = InteropRig.freePort();
        int controlPort = InteropRig.freePort();
        while (controlPort == sipPort + 1) controlPort = InteropRig.freePort(); // baresip also takes sip port + 1 (TLS)
        Files.writeString(home.resolve("config"), """
                poll_method epoll
                sip_listen 127.0.0.1:%d
                audio_source aufile,%s
                audio_alert aufile,%s
                module_path /usr/lib/baresip/modules
                module g711.so
                module aufile.so
                module_app account.so
                module_app menu.so
                module_app ctrl_tcp.so
                ctrl_tcp_listen 127.0.0.1:%d
                """.formatted(sipPort, silence, silence, controlPort));
        Files.writeString(home.resolve("accounts"),
                "<sip:%s@%s;transport=udp>;auth_pass=%s;regint=300\n".formatted(user, registrar, password));
        Path log = rig.dir.resolve("baresip.log");
        Process p = rig.start(List.of("baresip", "-f", home.toString()), log);
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            try {
                Socket s = new Socket();
                s.connect(new InetSocketAddress("127.0.0.1", controlPort), 1000);
                return new Baresip(p, s, log);
            } catch (IOException notYet) {
                if (!p.isAlive() || System.currentTimeMillis() > deadline) {
                    throw new AssertionError("baresip's ctrl_tcp did not open: " + InteropRig.read(log));
                }
                Thread.sleep(100);
            }
        }
    }

    /** Sends a command ({@code dial}, {@code hangup}, {@code quit}...) with its parameters. */
    void command(String name, String params) throws IOException {
        String json = "{\"command\":\"" + name + "\",\"params\":\"" + params + "\",\"token\":\"" + name + "\"}";
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        out.write((body.length + ":").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.write(',');
        out.flush();
    }

    private static final Pattern TYPE = Pattern.compile("\"type\"\\s*:\\s*\"([A-Z_]+)\"");

    /** Reads events until one of type {@code type} arrives; false when none came in {@code millis}. */
    boolean awaitEvent(String type, long millis) throws IOException {
        long deadline = System.currentTimeMillis() + millis;
        if (events.contains(type)) return true;
        while (System.currentTimeMillis() < deadline) {
            control.setSoTimeout((int) Math.max(1, deadline - System.currentTimeMillis()));
            String message;
            try {
                message = readNetstring();
            } catch (SocketTimeoutException timeout) {
                return false;
            }
            if (message == null) return false;
            Matcher m = TYPE.matcher(message);
            if (message.contains("\"event\":true") && m.find()) {
                events.add(m.group(1));
                if (m.group(1).equals(type)) return true;
            }
        }
        return false;
    }

    private String readNetstring() throws IOException {
        int length = 0;
        int c;
        while ((c = in.read()) != ':') {
            if (c < 0) return null;
            if (c < '0' || c > '9') throw new IOException("bad netstring length byte " + c);
            length = length * 10 + (c - '0');
        }
        byte[] body = in.readNBytes(length);
        if (in.read() != ',') throw new IOException("netstring without its comma");
        return new String(body, StandardCharsets.UTF_8);
    }

    /** A RIFF/WAVE file of {@code seconds} of silence, 16-bit mono at {@code rate} Hz. */
    static byte[] silentWav(int rate, int seconds) throws IOException {
        int data = rate * 2 * seconds;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream w = new DataOutputStream(bytes);
        w.writeBytes("RIFF");
        w.writeInt(Integer.reverseBytes(36 + data));
        w.writeBytes("WAVEfmt ");
        w.writeInt(Integer.reverseBytes(16));
        w.writeShort(Short.reverseBytes((short) 1));     // PCM
        w.writeShort(Short.reverseBytes((short) 1));     // mono
        w.writeInt(Integer.reverseBytes(rate));
        w.writeInt(Integer.reverseBytes(rate * 2));      // bytes per second
        w.writeShort(Short.reverseBytes((short) 2));     // block align
        w.writeShort(Short.reverseBytes((short) 16));    // bits per sample
        w.writeBytes("data");
        w.writeInt(Integer.reverseBytes(data));
        w.write(new byte[data]);
        return bytes.toByteArray();
    }

    @Override public void close() throws Exception {
        try {
            command("quit", "");
        } catch (IOException gone) {
            // already down
        }
        control.close();
        InteropRig.await(process, 5);
    }
}
