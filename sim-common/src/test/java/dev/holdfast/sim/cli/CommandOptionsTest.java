package dev.holdfast.sim.cli;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class CommandOptionsTest {
    @Test
    void readsValuesFlagsAndHelpAfterTheSubcommand() {
        CommandOptions o = CommandOptions.parse(new String[] {"h248", "--lines", "4", "--json", "--hold", "500ms", "-h"},
                1, Set.of("json"));
        assertEquals(4, o.integer("lines", null));
        assertTrue(o.has("json"));
        assertTrue(o.has("help"));
        assertEquals(Duration.ofMillis(500), o.duration("hold", "3s"));
        assertEquals(Duration.ofSeconds(30), o.duration("duration", "30s"));
        assertEquals(7, o.integer("threads", 7));
    }

    @Test
    void everyMistakeNamesTheOption() {
        var missingValue = assertThrows(IllegalArgumentException.class,
                () -> CommandOptions.parse(new String[] {"--lines"}, 0, Set.of()));
        assertTrue(missingValue.getMessage().contains("--lines"), missingValue.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CommandOptions.parse(new String[] {"lines"}, 0, Set.of()));
        CommandOptions o = CommandOptions.parse(new String[] {"--lines", "four", "--hold", "soon"}, 0, Set.of());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> o.integer("lines", 1)).getMessage().contains("--lines"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> o.duration("hold", "1s")).getMessage().contains("--hold"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> o.integer("gateways", null)).getMessage().contains("--gateways is required"));
    }

    @Test
    void durationsWithAndWithoutUnits() {
        assertEquals(Duration.ofMillis(1500), CommandOptions.duration("1.5"));
        assertEquals(Duration.ofSeconds(2), CommandOptions.duration("2s"));
        assertEquals(Duration.ofMinutes(2), CommandOptions.duration("2m"));
        assertEquals("3s", CommandOptions.text(Duration.ofSeconds(3)));
        assertEquals("250ms", CommandOptions.text(Duration.ofMillis(250)));
    }

    @Test
    void hostPortTakesBracketedIpv6AndRejectsBadPorts() {
        assertEquals(5060, CommandOptions.hostPort("127.0.0.1:5060").getPort());
        assertTrue(CommandOptions.hostPort("[::1]:2944").getAddress().isLoopbackAddress());
        assertThrows(IllegalArgumentException.class, () -> CommandOptions.hostPort("127.0.0.1"));
        assertThrows(IllegalArgumentException.class, () -> CommandOptions.hostPort("127.0.0.1:x"));
        assertThrows(IllegalArgumentException.class, () -> CommandOptions.hostPort("127.0.0.1:70000"));
    }
}
