package dev.holdfast.controller.sim;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link PhoneMigrationSimulation} over seeds: phones' calls survive the primary's death; a seed replays identically. */
class PhoneMigrationSimulationTest {
    static final int SEEDS = Integer.getInteger("sim.phoneSeeds", 10);

    @Test void phoneCallsSurviveTheKillOverSeeds() {
        List<String> failed = new ArrayList<>();
        int lossy = 0;
        List<Long> tryingTakenOver = new ArrayList<>();
        long first = Long.getLong("sim.phoneFirstSeed", 1);
        for (long seed = first; seed < first + SEEDS; seed++) {
            PhoneMigrationSimulation.Result r = PhoneMigrationSimulation.run(seed);
            if (!r.ok()) failed.add(r.summary() + "\n  " + String.join("\n  ", r.violations()));
            if (r.sipLost() > 0) lossy++;
            if (r.summary().contains("its 180 lost") && !r.summary().contains("migration.trying.adopted=0")
                    && r.summary().contains("migration.trying.adopted=")) tryingTakenOver.add(seed);
        }
        // seeds whose caller's 180 was lost, its INVITE taken over as trying (docs/migration.md): 4 in 200
        System.out.println("PhoneMigrationSimulation: " + SEEDS + " seeds from " + first + ", " + lossy + " with SIP loss, "
                + "trying INVITEs taken over in seeds " + tryingTakenOver);
        // the faults are drawn, not assumed: these seeds include lost SIP datagrams (seed 1 loses some)
        if (SEEDS >= 10) assertTrue(lossy > 0, "no seed lost a SIP message");
        assertTrue(failed.isEmpty(), failed.size() + " of " + SEEDS + " seeds failed:\n" + String.join("\n", failed));
    }

    /**
     * Seed 32: a phone calls a line, which rings at the kill; the cookie of the phone's early dialog is altered on its
     * way to the alternate, which refuses it (the phone's INVITE is answered with a refusal). The line's half of the
     * call, rebuilt from the gateway, rings on with nobody calling until the no-answer timer (60 s from the set-up, its
     * rest restored at the alternate) ends it, 39 s after everybody else hung up; before this
     * run waited for that, it was reported as a call, a context and an RTP termination left.
     */
    @Test void aLineRingingForAPhoneWhoseEarlyCookieIsRefusedEndsByTheNoAnswerTime() {
        PhoneMigrationSimulation.Result r = PhoneMigrationSimulation.runWithoutFaults(32);
        assertTrue(r.ok(), r.summary() + "\n" + r.violations());
        assertTrue(r.summary().contains("p1->gw2/A2 ringing at the kill") && r.summary().contains("migration.cookie.rejected=1"), r.summary());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("ended (\\d+) s after the hang-up").matcher(r.summary());
        assertTrue(m.find() && Integer.parseInt(m.group(1)) >= 20,
                "the line's half waited for the no-answer timer: " + r.summary());
    }

    /**
     * Seed 130 (5 % SIP loss): a caller's 180 from the primary is lost before the kill, so its INVITE is still trying;
     * the alternate takes it over when the call's signed cookies vouch for it and rings it (docs/migration.md, "A
     * ringing call whose 180 was lost"). Before, such a call was lost.
     */
    @Test void aCallerWhose180WasLostIsTakenOverAsTrying() {
        PhoneMigrationSimulation.Result r = PhoneMigrationSimulation.run(130);
        assertTrue(r.ok(), r.summary() + "\n" + r.violations());
        assertTrue(r.summary().contains("its 180 lost") && r.summary().contains("migration.trying.adopted=1"), r.summary());
    }

    @Test void aSeedReplaysIdentically() {
        PhoneMigrationSimulation.Result a = PhoneMigrationSimulation.run(3), b = PhoneMigrationSimulation.run(3);
        assertEquals(a.summary(), b.summary());
        assertEquals(a.trace(), b.trace(), "the same H.248 and SIP messages in the same order");
    }
}
