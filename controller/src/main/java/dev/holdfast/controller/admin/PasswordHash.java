package dev.holdfast.controller.admin;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Admin passwords as PBKDF2-HMAC-SHA256 hashes (RFC 8018), written {@code pbkdf2-sha256$ITERATIONS$SALT$HASH} with
 * salt and hash in base64: the provisioning file never holds a password.
 */
public final class PasswordHash {
    private PasswordHash() {}

    private static final String PREFIX = "pbkdf2-sha256";
    /** OWASP's figure for PBKDF2-HMAC-SHA256 (2023). */
    public static final int DEFAULT_ITERATIONS = 600_000;
    static final int MIN_ITERATIONS = 1_000;
    static final int MAX_ITERATIONS = 10_000_000;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;

    /** A new hash of {@code password} with a random salt. */
    public static String hash(char[] password, int iterations) {
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations must be in " + MIN_ITERATIONS + ".." + MAX_ITERATIONS);
        }
        byte[] salt = new byte[SALT_BYTES];
        new SecureRandom().nextBytes(salt);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return PREFIX + "$" + iterations + "$" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(derive(password, salt, iterations, HASH_BYTES));
    }

    /** Whether {@code password} matches {@code hash}; false for a malformed hash. Compares in constant time. */
    public static boolean verify(char[] password, String hash) {
        Parsed p = parse(hash);
        if (p == null) return false;
        return MessageDigest.isEqual(derive(password, p.salt, p.iterations, p.hash.length), p.hash);
    }

    public static boolean isWellFormed(String hash) { return parse(hash) != null; }

    /** The iteration count of a well-formed hash (to spend as long on an unknown user as on a known one). */
    static int iterations(String hash) {
        Parsed p = parse(hash);
        return p == null ? DEFAULT_ITERATIONS : p.iterations;
    }

    /** Spends what a verification against a hash with this many iterations spends, and says no. */
    static boolean verifyNothing(char[] password, int iterations) {
        derive(password, new byte[SALT_BYTES], iterations, HASH_BYTES);
        return false;
    }

    private record Parsed(int iterations, byte[] salt, byte[] hash) {}

    private static Parsed parse(String s) {
        if (s == null) return null;
        String[] parts = s.split("\\$", -1);
        if (parts.length != 4 || !parts[0].equals(PREFIX)) return null;
        try {
            int iterations = Integer.parseInt(parts[1]);
            if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) return null;
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] hash = Base64.getDecoder().decode(parts[3]);
            if (salt.length < 8 || hash.length < 16 || hash.length > 64) return null;
            return new Parsed(iterations, salt, hash);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations, int bytes) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, bytes * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from this JDK", e);
        } finally {
            spec.clearPassword();
        }
    }
}
