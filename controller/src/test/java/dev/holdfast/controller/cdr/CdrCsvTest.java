package dev.holdfast.controller.cdr;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** CDRs as RFC 4180 CSV: quoting, doubled quotes, line breaks inside a field, no spreadsheet formulas. */
class CdrCsvTest {
    @Test
    void fieldsAreQuotedWhereTheyMustBe() {
        assertEquals("plain", CdrCsv.field("plain"));
        assertEquals("\"a,b\"", CdrCsv.field("a,b"));
        assertEquals("\"say \"\"hi\"\"\"", CdrCsv.field("say \"hi\""));
        assertEquals("\"two\r\nlines\"", CdrCsv.field("two\r\nlines"));
        assertEquals("\"'=HYPERLINK(1)\"", CdrCsv.field("=HYPERLINK(1)"));
        assertEquals("\"'@sum\"", CdrCsv.field("@sum"));
        assertEquals("-5", CdrCsv.field("-5"), "a negative number is a number");
        assertEquals("", CdrCsv.field(""));
    }

    @Test
    void aRecordIsOneLineAfterTheHeader() {
        CallRecord r = new CallRecord("x-1", "ab", "1001", "2001", "line", "line", List.of("gw1", "gw2"),
                1_700_000_000_000L, 1_700_000_001_000L, 1_700_000_011_000L, CallRecord.FAILED, "set-up failed on gw2: error 510, \"x\"",
                true, "ctl-a");
        String csv = CdrCsv.write(List.of(r));
        assertEquals(String.join(",", CdrCsv.HEADER) + "\r\n"
                + "x-1,ab,1001,2001,line,line,gw1 gw2,2023-11-14T22:13:20Z,2023-11-14T22:13:21Z,2023-11-14T22:13:31Z,10000,failed,"
                + "\"set-up failed on gw2: error 510, \"\"x\"\"\",true,ctl-a\r\n", csv);
    }
}
