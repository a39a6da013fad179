package dev.holdfast.h248.message;

/** {@code TimeStamp = Date "T" Time}: 8 digits yyyymmdd, 8 digits hhmmssss (hundredths), ISO 8601:1988. */
public record TimeStamp(String date, String time) {
    public TimeStamp {
        if (date.length() != 8 || time.length() != 8 || !digits(date) || !digits(time)) {
            throw new IllegalArgumentException("timestamp " + date + "T" + time);
        }
    }

    /** {@code Character.isDigit} for each character; a loop, not a stream: the decoder makes one per event. */
    private static boolean digits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) return false;
        }
        return true;
    }

    @Override public String toString() { return date + "T" + time; }
}
