package dev.holdfast.controller.sip;

import gov.nist.javax.sip.Utils;

import java.lang.reflect.Field;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The SIP stack's branch ids from a counter instead of an MD5 digest. The RI makes a branch id for every client
 * transaction it creates (in the transaction's constructor, even when the request's Via already carries ours, which
 * it then takes) and for every ACK and in-dialog request a dialog builds: four per call through the B2BUA, each an
 * MD5 digest behind one of twenty locks, a shared {@link java.util.Random} and a hex string. RFC 3261 8.1.1.7 asks a
 * branch only to be unique in space and time and to start with the magic cookie: a counter after a random nonce
 * drawn once per process is (two controllers of a pair, and a restart, draw different nonces). The id keeps the RI's
 * form, {@code z9hG4bK-SIGNATURE-...}, which its {@code responseBelongsToUs} checks.
 * <p>
 * The RI takes its ids from one process-wide instance ({@link Utils#getInstance()}), replaced here once, for every
 * stack in the process. {@code -Dholdfast.sip.md5Branches=true} leaves the RI's own (for CPU-per-call comparisons).
 */
final class CountedBranchIds extends Utils {
    private static final System.Logger LOG = System.getLogger(CountedBranchIds.class.getName());
    private static final AtomicLong COUNT = new AtomicLong();
    private static volatile boolean installed;

    private final String prefix = "z9hG4bK-" + Utils.getSignature() + "-"
            + Long.toHexString(new SecureRandom().nextLong() & Long.MAX_VALUE) + "x";

    /** Makes the RI take its branch ids from here (once per process; later calls do nothing). */
    static synchronized void install() {
        if (installed || Boolean.getBoolean("holdfast.sip.md5Branches")) return;
        installed = true;
        try {
            Field instance = Utils.class.getDeclaredField("instance");
            instance.setAccessible(true);
            instance.set(null, new CountedBranchIds());
        } catch (ReflectiveOperationException | RuntimeException e) {
            // the RI's own ids still work: only slower
            LOG.log(System.Logger.Level.WARNING, "the SIP stack's branch ids stay MD5 digests (" + e + ")");
        }
    }

    @Override public String generateBranchId() {
        return prefix + Long.toHexString(COUNT.incrementAndGet());
    }
}
