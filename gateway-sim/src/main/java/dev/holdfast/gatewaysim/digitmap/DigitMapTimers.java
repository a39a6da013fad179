package dev.holdfast.gatewaysim.digitmap;

import java.time.Duration;

/**
 * The digit map timers of H.248.1 7.1.14.2: start (T), short (S) and long (L). The MG's provisioned defaults
 * are overridden by the values given in a digit map ({@code T:n, S:n, L:n}, in seconds). A zero start timer
 * disables it (wait for the first digit for ever).
 */
public record DigitMapTimers(Duration start, Duration shortTimer, Duration longTimer) {
    /** Provisioned defaults: T 16 s, S 4 s, L 16 s. */
    public static final DigitMapTimers DEFAULTS =
            new DigitMapTimers(Duration.ofSeconds(16), Duration.ofSeconds(4), Duration.ofSeconds(16));

    /** These timers with the ones a digit map value gives (null: not given) put in their place. */
    public DigitMapTimers overriddenBy(Integer t, Integer s, Integer l) {
        return new DigitMapTimers(t == null ? start : Duration.ofSeconds(t),
                s == null ? shortTimer : Duration.ofSeconds(s), l == null ? longTimer : Duration.ofSeconds(l));
    }
}
