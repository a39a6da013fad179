package dev.holdfast.h248.message;

/** {@code TimeStamp = Date "T" Time}: 8 digits yyyymmdd, 8 digits hhmmssss (hundredths), ISO 8601:1988. */
public record TimeStamp(String date, String time) {
    public TimeStamp {
        if (date.length() != 8 || time.length() != 8 || !date.chars().allMatch(Character::isDigit)
                || !time.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("timestamp " + date + "T" + time);
        }
    }

    @Override public String toString() { return date + "T" + time; }
}
