package dev.holdfast.controller.warmup;

import dev.holdfast.controller.call.Call;
import dev.holdfast.controller.call.CallState;
import dev.holdfast.controller.call.CallStructure;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The warm-up's rehearsal runs the alternate's real rebuild path on its scratch core, and undoes it. */
class FailoverRehearsalTest {

    /**
     * Each arrival order (gateways ascending, then descending): every call the scripted gateways and phones carry is
     * rebuilt from its cookies, IGC calls are merged into one call with both legs and their IGC, phone dialogs are
     * adopted (half of them before their gateway arrived: calls rebuilt from the dialog's cookie), and after the
     * hang-ups no call and no context is left.
     */
    @Test
    void theScratchCoreRebuildsEveryCallInBothArrivalOrdersThenReleasesThem() {
        ScratchSetup setup = ScratchSetup.create(4);
        for (int round = 0; round < 2; round++) {
            FailoverRehearsal r = new FailoverRehearsal(setup, round + 1);
            List<CallStructure> seen = new ArrayList<>();
            List<String> notRebuilt = new ArrayList<>();
            FailoverRehearsal.Result result = r.run(round, core -> {
                for (Call c : core.calls().calls()) {
                    if (!c.migrated() || c.state() != CallState.CONNECTED) notRebuilt.add(c.toString());
                    seen.add(c.structure());
                }
            });
            assertTrue(result.ok(), result.problems().toString());
            // 4 gateways: 4 basic calls each, 6 IGC calls with the next one, 2 phone calls
            assertEquals(48, result.callsExpected());
            assertEquals(48, result.callsRebuilt());
            assertEquals(0, result.callsLeft());
            assertEquals(8, result.dialogsAdopted());
            assertEquals(List.of(), notRebuilt, "calls not rebuilt from cookies, or not talking");
            long igc = seen.stream().filter(s -> s.igcs().size() == 1 && s.legs().size() == 2
                    && !s.legs().get(0).gateway().equals(s.legs().get(1).gateway())).count();
            assertEquals(24, igc, "IGC calls merged from both gateways' parts: " + seen);
            long phones = seen.stream().filter(s -> s.sip() != null).count();
            assertEquals(8, phones, "calls with a phone: " + seen);
            Map<String, Long> m = r.core().calls().migrationCounters();
            assertEquals(48L, m.get("merge.calls_rebuilt"), m.toString());
            assertEquals(4L, m.get("merge.calls_from_dialogs"), "phones that came before their gateway: " + m);
            // terminations: 2 per basic call, 4 per IGC call (lines and RTP ends), 2 per phone call (line, RTP)
            assertEquals(16L * 2 + 24 * 4 + 8 * 2, m.get("cookie.accepted"), "every termination's cookie verified: " + m);
            assertEquals(0L, r.core().failures());
        }
    }
}
