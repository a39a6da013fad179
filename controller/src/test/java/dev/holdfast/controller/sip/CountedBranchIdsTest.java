package dev.holdfast.controller.sip;

import gov.nist.javax.sip.Utils;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.header.Via;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stack's branch ids once the edge replaced the RI's MD5 ones: the RI's form, and never the same twice. */
class CountedBranchIdsTest {
    @Test void theStacksBranchIdsKeepTheRisFormAndAreUniqueAcrossThreads() throws Exception {
        CountedBranchIds.install();
        CountedBranchIds.install(); // twice: still the one instance
        Utils utils = Utils.getInstance();
        assertInstanceOf(CountedBranchIds.class, utils);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            pool.execute(() -> {
                for (int i = 0; i < 10_000; i++) seen.add(Utils.getInstance().generateBranchId());
            });
        }
        pool.shutdown();
        assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        assertEquals(40_000, seen.size(), "a branch id repeated");
        String id = utils.generateBranchId();
        assertTrue(id.startsWith("z9hG4bK-" + Utils.getSignature() + "-"), id);
        // the RI tells its own transactions' responses by that prefix
        SIPResponse response = new SIPResponse();
        Via via = new Via();
        via.setBranch(id);
        response.setHeader(via);
        assertTrue(utils.responseBelongsToUs(response));
    }
}
