package dev.holdfast.gatewaysim.core;

import dev.holdfast.h248.message.TimeStamp;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The time stamp of an observed event (H.248.1 B.2: yyyymmdd, hhmmssss in hundredths, UTC). */
class ObservedEventTimeStampTest {

    @Test
    void writesUtcDateAndTimeToTheHundredth() {
        TimeStamp t = EventEngine.timeStamp(Instant.parse("2026-11-27T15:27:27.759Z").toEpochMilli());
        assertEquals(new TimeStamp("20261127", "15272775"), t);
        assertEquals(new TimeStamp("19700101", "00000000"), EventEngine.timeStamp(0));
        assertEquals(new TimeStamp("20001231", "23595999"),
                EventEngine.timeStamp(Instant.parse("2000-12-31T23:59:59.999Z").toEpochMilli()));
    }

    @Test
    void agreesWithTheCalendarOverManyRandomInstants() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 10_000; i++) {
            long ms = random.nextLong(0, Instant.parse("2200-01-01T00:00:00Z").toEpochMilli());
            ZonedDateTime z = Instant.ofEpochMilli(ms).atZone(ZoneOffset.UTC);
            TimeStamp expected = new TimeStamp(
                    String.format(Locale.ROOT, "%04d%02d%02d", z.getYear(), z.getMonthValue(), z.getDayOfMonth()),
                    String.format(Locale.ROOT, "%02d%02d%02d%02d", z.getHour(), z.getMinute(), z.getSecond(),
                            z.getNano() / 10_000_000));
            assertEquals(expected, EventEngine.timeStamp(ms), "at " + ms);
        }
    }
}
