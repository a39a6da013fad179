package dev.holdfast.console;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real OpenSSH client ({@code ssh}, Debian openssh-client) run as a process against the console. Passwords
 * are given through {@code SSH_ASKPASS} with {@code SSH_ASKPASS_REQUIRE=force} (OpenSSH 8.4+), so no terminal
 * and no extra package (sshpass) is needed.
 */
final class OpenSsh {
    record Result(int exit, String out, String err) {
        @Override public String toString() { return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err; }
    }

    private final Path dir;
    private final int port;

    OpenSsh(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    static List<String> common(int port) {
        return new ArrayList<>(List.of("ssh", "-F", "/dev/null", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=10", "-p", String.valueOf(port)));
    }

    /** {@code ssh user@127.0.0.1 command} with password authentication. */
    Result withPassword(String user, String password, String... command) throws IOException, InterruptedException {
        List<String> cmd = common(port);
        cmd.addAll(List.of("-o", "PreferredAuthentications=password", "-o", "PubkeyAuthentication=no",
                "-o", "NumberOfPasswordPrompts=1", user + "@127.0.0.1"));
        cmd.addAll(List.of(command));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("SSH_ASKPASS", askpass(password).toString());
        pb.environment().put("SSH_ASKPASS_REQUIRE", "force");
        pb.environment().put("DISPLAY", ":0");
        return run(pb, null);
    }

    /** As {@link #withPassword}, with {@code stdin} as the command's input (answers to what it asks). */
    Result withPasswordAndInput(String user, String password, String stdin, String... command) throws IOException, InterruptedException {
        List<String> cmd = common(port);
        cmd.addAll(List.of("-o", "PreferredAuthentications=password", "-o", "PubkeyAuthentication=no",
                "-o", "NumberOfPasswordPrompts=1", user + "@127.0.0.1"));
        cmd.addAll(List.of(command));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("SSH_ASKPASS", askpass(password).toString());
        pb.environment().put("SSH_ASKPASS_REQUIRE", "force");
        pb.environment().put("DISPLAY", ":0");
        return run(pb, stdin);
    }

    /** {@code ssh -i key user@127.0.0.1 command} with public-key authentication only. */
    Result withKey(Path key, String user, String... command) throws IOException, InterruptedException {
        return run(new ProcessBuilder(keyCommand(key, user, command)), null);
    }

    List<String> keyCommand(Path key, String user, String... command) {
        List<String> cmd = common(port);
        cmd.addAll(List.of("-i", key.toString(), "-o", "IdentitiesOnly=yes", "-o", "PreferredAuthentications=publickey",
                "-o", "BatchMode=yes", user + "@127.0.0.1"));
        cmd.addAll(List.of(command));
        return cmd;
    }

    static Result run(ProcessBuilder pb, String stdin) throws IOException, InterruptedException {
        Process p = pb.start();
        if (stdin != null) p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        var out = new java.util.concurrent.CompletableFuture<String>();
        var err = new java.util.concurrent.CompletableFuture<String>();
        drain(p.getInputStream(), out);
        drain(p.getErrorStream(), err);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("ssh did not finish within 30 s: " + pb.command());
        }
        try {
            return new Result(p.exitValue(), out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS));
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    private static void drain(java.io.InputStream in, java.util.concurrent.CompletableFuture<String> into) {
        Thread t = new Thread(() -> {
            try {
                into.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                into.complete("");
            }
        });
        t.setDaemon(true);
        t.start();
    }

    private Path askpass(String password) throws IOException {
        Path script = Files.createTempFile(dir, "askpass", ".sh");
        Path secret = Files.createTempFile(dir, "password", ".txt");
        Files.writeString(secret, password);
        Files.writeString(script, "#!/bin/sh\ncat '" + secret + "'\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    /** A new ECDSA key pair made by ssh-keygen: returns the private key's file ({@code .pub} beside it). */
    static Path keygen(Path dir, String name) throws IOException, InterruptedException {
        Path key = dir.resolve(name);
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-C", name, "-f", key.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException("ssh-keygen failed: " + out);
        return key;
    }
}
