package dev.holdfast.controller;

import dev.holdfast.controller.admin.PasswordHash;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * {@code controller hash-password [--iterations N]}: reads a password (from the terminal without echo, or one line of
 * standard input) and prints its hash for the provisioning's {@code admin.users} list.
 */
final class HashPasswordMain {
    private HashPasswordMain() {}

    static int run(String[] args) throws IOException {
        int iterations = PasswordHash.DEFAULT_ITERATIONS;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--iterations") && i + 1 < args.length) {
                try {
                    iterations = Integer.parseInt(args[++i]);
                } catch (NumberFormatException e) {
                    System.err.println("hash-password: --iterations is not a number");
                    return 2;
                }
            } else {
                System.err.println("usage: controller hash-password [--iterations N]   (password from the terminal or stdin)");
                return 2;
            }
        }
        char[] password;
        Console console = System.console();
        if (console != null) {
            password = console.readPassword("password: ");
            char[] again = console.readPassword("again: ");
            if (password == null || again == null || !java.util.Arrays.equals(password, again)) {
                System.err.println("hash-password: the passwords differ");
                return 1;
            }
        } else {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            password = line == null ? null : line.toCharArray();
        }
        if (password == null || password.length == 0) {
            System.err.println("hash-password: empty password");
            return 1;
        }
        try {
            System.out.println(PasswordHash.hash(password, iterations));
        } catch (IllegalArgumentException e) {
            System.err.println("hash-password: " + e.getMessage());
            return 2;
        }
        return 0;
    }
}
