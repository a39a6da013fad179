package dev.holdfast.tcpha.ha;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Takeover.promptBytes: what is written ahead after the ARP to bring back a client whose window was full. */
class PromptBytesTest {
    static final int MSS = 1448;

    @Test
    void aClosedWindowGetsOneByte() {
        // the restored window is 1 byte (zero is restored as 1): one byte fits it, so the kernel sends it at once
        assertEquals(1, Takeover.promptBytes(300_000, 0, MSS));
        assertEquals(1, Takeover.promptBytes(300_000, 1, MSS));
    }

    @Test
    void aWindowBelowOneSegmentGetsWhatFitsIt() {
        assertEquals(1024, Takeover.promptBytes(300_000, 1024, MSS));
        assertEquals(50, Takeover.promptBytes(50, 1024, MSS), "never more than is pending");
    }

    @Test
    void anOpenWindowOrNothingPendingGetsNoPrompt() {
        // a window of a segment or more: the kernel sends the output itself as soon as it is written
        assertEquals(0, Takeover.promptBytes(300_000, MSS, MSS));
        assertEquals(0, Takeover.promptBytes(300_000, 1 << 20, MSS));
        assertEquals(0, Takeover.promptBytes(0, 0, MSS));
    }
}
