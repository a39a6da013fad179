package dev.holdfast.h248.message;

/**
 * {@code digitMapValue = [T:timer,] [S:timer,] [L:timer,] [Z:timer,] digitMap}. Timers are null when absent.
 * {@code digitMap} holds the map with all white space, comments and line breaks removed, e.g.
 * {@code (0S|00S|[1-7]xLxx|8Lxxxxxxx|#xxxxxxx|*xx|9L1xxxxxxxxxx|9L011x.S)}.
 */
public record DigitMapValue(Integer startTimer, Integer shortTimer, Integer longTimer, Integer durationTimer,
                            String digitMap) {
    public static DigitMapValue of(String digitMap) { return new DigitMapValue(null, null, null, null, digitMap); }
}
