package dev.holdfast.h248.text;

import dev.holdfast.h248.message.Message;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.holdfast.h248.text.Decode.error;
import static dev.holdfast.h248.text.Decode.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** LWSP, comments, line ends, case-insensitive tokens, long and short spellings. */
class LexicalParserTest {

    /** One message using (nearly) every construct, in pretty form. */
    static final String PRETTY = """
            MEGACO/3 [10.0.0.1]:2944
            Transaction = 10 {
              Context = $ {
                Priority = 3, Emergency,
                Topology { a1, a2, Oneway },
                ContextAudit { Topology },
                Add = tdm/1 {
                  Media {
                    TerminationState { ServiceStates = InService, Buffer = OFF },
                    Stream = 1 {
                      LocalControl { Mode = SendReceive, ReservedGroup = ON, tdmc/gain = 2 },
                      Local {v=0},
                      Remote {v=0}
                    }
                  },
                  Events = 5 { al/on { KeepActive, Embed { Signals { cg/dt }, Events = 6 { dd/ce { DigitMap = dp } } } } },
                  Signals { cg/rt { SignalType = TimeOut, Duration = 100, NotifyCompletion = { TimeOut, IntByEvent } } },
                  DigitMap = dp { T:10, (x.|E) },
                  EventBuffer { al/of },
                  Audit { Media, Statistics }
                },
                AuditValue = tdm/2 { Audit { Packages } },
                Notify = tdm/3 { ObservedEvents = 5 { 20240101T00000000 : al/on } },
                ServiceChange = ROOT { Services { Method = Restart, Reason = "901", ServiceChangeAddress = 2944,
                  Profile = ResGW/1, Version = 3 } },
                Subtract = tdm/4 { Audit { } }
              }
            }
            Reply = 11 { ImmAckRequired, Context = 1 { Modify = tdm/1, Notify = tdm/2 } }
            Pending = 12 { }
            TransactionResponseAck { 1-3 }
            """;

    /** The same message in compact form. */
    static final String COMPACT = "!/3 [10.0.0.1]:2944\nT=10{C=${PR=3,EG,TP{a1,a2,OW},CA{TP},A=tdm/1{M{TS{SI=IV,BF=OFF},"
            + "ST=1{O{MO=SR,RG=ON,tdmc/gain=2},L{v=0},R{v=0}}},E=5{al/on{KA,EM{SG{cg/dt},"
            + "E=6{dd/ce{DM=dp}}}}},SG{cg/rt{SY=TO,DR=100,NC={TO,IBE}}},DM=dp{T:10,(x.|E)},EB{al/of},AT{M,SA}},"
            + "AV=tdm/2{AT{PG}},N=tdm/3{OE=5{20240101T00000000:al/on}},SC=ROOT{SV{MT=RS,RE=\"901\",AD=2944,"
            + "PF=ResGW/1,V=3}},S=tdm/4{AT{}}}}P=11{IA,C=1{MF=tdm/1,N=tdm/2}}PN=12{}K{1-3}";

    @Test
    void longAndShortSpellingsGiveTheSameModel() {
        Message pretty = ok(PRETTY);
        assertEquals(pretty, ok(COMPACT));
        assertEquals(4, pretty.transactions().size());
    }

    @Test
    void tokensAreCaseInsensitive() {
        assertEquals(ok(PRETTY), ok(lowerCaseTokens(PRETTY)));
        assertEquals(ok(PRETTY), ok(PRETTY.replace("Transaction", "TRANSACTION").replace("Modify", "mOdIfY")
                .replace("ServiceStates", "SERVICESTATES").replace("MEGACO", "Megaco")));
    }

    /** Lower-cases every letter except inside Local/Remote, quoted strings and names (kept as received). */
    private static String lowerCaseTokens(String s) {
        String[] tokens = {"MEGACO", "Transaction", "Context", "Priority", "Emergency", "Topology", "Oneway",
                "ContextAudit", "Add", "Media", "TerminationState", "ServiceStates", "InService", "Buffer", "OFF",
                "Stream", "LocalControl", "Mode", "SendReceive", "ReservedGroup", "ON", "Local", "Remote", "Events",
                "KeepActive", "Embed", "Signals", "DigitMap", "SignalType", "TimeOut", "Duration", "NotifyCompletion",
                "IntByEvent", "EventBuffer", "Audit", "Statistics", "AuditValue", "Packages", "Notify",
                "ObservedEvents", "ServiceChange", "Services", "Method", "Restart", "Reason", "ServiceChangeAddress",
                "Profile", "Version", "Subtract", "Reply", "ImmAckRequired", "Modify", "Pending",
                "TransactionResponseAck"};
        List<String> sorted = new ArrayList<>(List.of(tokens));
        sorted.sort((a, b) -> b.length() - a.length());
        String out = s;
        for (String t : sorted) out = out.replaceAll("\\b" + t + "\\b", t.toLowerCase());
        return out;
    }

    @Test
    void commentsWhereverLwspIsAllowed() {
        String text = """
                ; a comment before the message
                MEGACO/1 ; after the version
                [10.0.0.1]:2944 ; after the mId
                Transaction ; before '='
                = ; after '='
                1 { ; after '{'
                  Context = 1 ; "quotes", {braces}, [brackets], commas: fine in a comment
                  { Modify = t1 ; between id and '{'
                    { Media ; a
                      { Stream = 1 { LocalControl { Mode = SendOnly ; x
                        , ; before a comma is fine too
                        nt/jit = 40 ; in ms
                      } } } } ; closing
                  } } ; end
                """;
        Message m = ok(text);
        assertEquals(ok(Decode.request("MF=t1{M{ST=1{O{MO=SO,nt/jit=40}}}}")).transactions(), m.transactions());
    }

    @Test
    void crLfAndTabsAndBlankLines() {
        String text = "MEGACO/1\t[10.0.0.1]:2944\r\n\r\nReply\t=\t1\r\n{\r\n\tContext = -\r\n\t{\tNotify = t1 }\r\n}\r\n";
        assertEquals(ok("MEGACO/1 [10.0.0.1]:2944 P=1{C=-{N=t1}}").transactions(), ok(text).transactions());
    }

    @Test
    void namesKeepTheirCase() {
        Message m = ok("!/1 Gateway_7 P=1{C=1{MF=Line/A7{M{O{TdMc/GaIn=2}}}}}");
        assertEquals("Gateway_7", ((dev.holdfast.h248.message.MId.DeviceName) m.mid()).name());
        String s = m.toString();
        assertNotNull(s);
        assertEquals(true, s.contains("Line/A7") && s.contains("TdMc/GaIn"), s);
    }

    @Test
    void lineAndColumnCountCrLfAsOneLineEnd() {
        SyntaxError e = error("MEGACO/1 [10.0.0.1]\r\nT=1{\r\n  C=1{\r\n    Modify=t1{Medai{}}}}");
        assertEquals(4, e.line());
        assertEquals(15, e.column());
        assertEquals("unknown descriptor 'Medai' in Modify", e.reason());
    }

    @Test
    void lineColumnCountsIncrementallyAndBackwards() {
        TextScanner s = new TextScanner("ab\r\ncd\ref\ngh", DecodeOptions.LENIENT);
        int[][] expected = {{1, 1}, {1, 3}, {1, 4}, {2, 1}, {2, 3}, {3, 1}, {3, 3}, {4, 1}, {4, 3}};
        int[] offsets = {0, 2, 3, 4, 6, 7, 9, 10, 12};
        for (int i = 0; i < offsets.length; i++) {
            assertEquals(java.util.Arrays.toString(expected[i]), java.util.Arrays.toString(s.lineColumn(offsets[i])));
        }
        for (int i = offsets.length - 1; i >= 0; i--) {
            assertEquals(java.util.Arrays.toString(expected[i]), java.util.Arrays.toString(s.lineColumn(offsets[i])));
        }
    }

    @Test
    void manyDeviationsStayLinear() {
        // 20 000 parenthesised parameters in one message: each deviation's line is counted from the previous one
        StringBuilder sb = new StringBuilder(Decode.HEADER + "T=1{C=1{MF=t{E=1{");
        for (int i = 0; i < 20_000; i++) sb.append(i == 0 ? "" : ",\n").append("a/b(c=1)");
        sb.append("}}}}");
        DecodeOptions big = new DecodeOptions(DecodeOptions.Strictness.LENIENT, 1 << 20, 32, 256, 256, 1024);
        DecodeResult.Decoded d = Decode.decoded(sb.toString(), big);
        assertEquals(20_000, d.deviations().size());
        assertEquals(20_001, d.deviations().get(19_999).line());
    }

    @Test
    void nameEndReadingEightOctetsAtATimeAgreesWithTheNameCharacterClassForEveryOctet() {
        // every octet value at every position of a word, and words ending before, at and after an 8-octet step
        for (int c = 0; c < 256; c++) {
            boolean nameChar = TextScanner.isNameChar(c);
            for (int at = 1; at < 20; at++) {
                byte[] b = new byte[24];
                java.util.Arrays.fill(b, (byte) 'a');
                b[at] = (byte) c;
                TextScanner s = new TextScanner(b, b.length, DecodeOptions.LENIENT);
                assertEquals(nameChar ? b.length : at, s.nameEnd(0), "octet " + c + " at " + at);
                // the message may end before the array does: octets after it are not read as part of the name
                TextScanner shorter = new TextScanner(b, at, DecodeOptions.LENIENT);
                assertEquals(at, shorter.nameEnd(0), "end at " + at + ", octet " + c + " after it");
            }
        }
    }

    @Test
    void tokenLookupIsCaseInsensitiveAndInPlace() {
        assertEquals(Token.TRANSACTION, Token.lookup("xxTRANSACTIONyy", 2, 13));
        assertEquals(Token.TRANSACTION, Token.lookup("transaction"));
        assertEquals(Token.TRANSACTION, Token.lookup("t"));
        assertEquals(Token.SEGMENTATION_COMPLETE, Token.lookup("&"));
        assertEquals(Token.REQUEST_ID, Token.lookup("SPARQ"));
        assertEquals(Token.REQUEST_ID, Token.lookup("RequestID"));
        assertEquals(Token.CONTEXT_LIST, Token.lookup("clt"));
        assertEquals(Token.INTSIG_DELAY, Token.lookup("Intersignal"));
        assertNull(Token.lookup("Transactio"));
        assertNull(Token.lookup(""));
        for (Token t : Token.values()) {
            assertEquals(t, Token.lookup(t.longName), t.longName);
            assertEquals(t, Token.lookup(t.shortName.toLowerCase()), t.shortName);
        }
    }
}
