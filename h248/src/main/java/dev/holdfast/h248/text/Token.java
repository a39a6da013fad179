package dev.holdfast.h248.text;

import java.util.Locale;

/**
 * The keyword tokens of the H.248.1 text encoding (Annex B, versions 1 to 3), each with its long (pretty) and
 * short (compact) spelling. Tokens are case-insensitive on the wire. One table for the decoder and the encoder.
 */
public enum Token {
    ADD("Add", "A"),
    AND_AUDIT_SELECT("AndLgc", "ANDLGC"),
    AUDIT("Audit", "AT"),
    AUDIT_CAPABILITY("AuditCapability", "AC"),
    AUDIT_VALUE("AuditValue", "AV"),
    AUTHENTICATION("Authentication", "AU"),
    BOTH("Both", "B"),
    BOTHWAY("Bothway", "BW"),
    BRIEF("Brief", "BR"),
    BUFFER("Buffer", "BF"),
    CONTEXT("Context", "C"),
    CONTEXT_AUDIT("ContextAudit", "CA"),
    CONTEXT_ATTR("ContextAttr", "CT"),
    CONTEXT_LIST("ContextList", "CLT"),
    DIGIT_MAP("DigitMap", "DM"),
    DIRECTION("SPADirection", "SPADI"),
    DISCARD("Discard", "DS"),
    DISCONNECTED("Disconnected", "DC"),
    DELAY("Delay", "DL"),
    DURATION("Duration", "DR"),
    EMBED("Embed", "EM"),
    EMERGENCY("Emergency", "EG"),
    EMERGENCY_OFF("EmergencyOff", "EGO"),
    EMERGENCY_VALUE("EmergencyValue", "EGV"),
    ERROR("Error", "ER"),
    EVENT_BUFFER("EventBuffer", "EB"),
    EVENTS("Events", "E"),
    EXTERNAL("External", "EX"),
    FAILOVER("Failover", "FL"),
    FORCED("Forced", "FO"),
    GRACEFUL("Graceful", "GR"),
    H221("H221", "H221"),
    H223("H223", "H223"),
    H226("H226", "H226"),
    HANDOFF("HandOff", "HO"),
    IEPS("IEPSCall", "IEPS"),
    IMM_ACK_REQUIRED("ImmAckRequired", "IA"),
    IMMEDIATE_NOTIFY("ImmediateNotify", "NBIN"),
    INACTIVE("Inactive", "IN"),
    INTERNAL("Internal", "IT"),
    INTERRUPT_BY_EVENT("IntByEvent", "IBE"),
    INTERRUPT_BY_NEW_SIGNALS_DESCR("IntBySigDescr", "IBS"),
    INTSIG_DELAY("Intersignal", "SPAIS"),
    ISOLATE("Isolate", "IS"),
    IN_SERVICE("InService", "IV"),
    ITERATION("Iteration", "IR"),
    KEEP_ACTIVE("KeepActive", "KA"),
    LOCAL("Local", "L"),
    LOCAL_CONTROL("LocalControl", "O"),
    LOCK_STEP("LockStep", "SP"),
    LOOPBACK("Loopback", "LB"),
    MEDIA("Media", "M"),
    MEGACOP("MEGACO", "!"),
    SEGMENT("Segment", "SM"),
    METHOD("Method", "MT"),
    MGC_ID_TO_TRY("MgcIdToTry", "MG"),
    MODE("Mode", "MO"),
    MODIFY("Modify", "MF"),
    MODEM("Modem", "MD"),
    MOVE("Move", "MV"),
    MTP("MTP", "MTP"),
    MUX("Mux", "MX"),
    NEVER_NOTIFY("NeverNotify", "NBNN"),
    NOTIFY("Notify", "N"),
    NOTIFY_COMPLETION("NotifyCompletion", "NC"),
    NX64K("Nx64Kservice", "N64"),
    OBSERVED_EVENTS("ObservedEvents", "OE"),
    ONEWAY("Oneway", "OW"),
    ONEWAY_BOTH("OnewayBoth", "OWB"),
    ONEWAY_EXTERNAL("OnewayExternal", "OWE"),
    ON_OFF("OnOff", "OO"),
    OR_AUDIT_SELECT("OrLgc", "ORLGC"),
    OTHER_REASON("OtherReason", "OR"),
    OUT_OF_SERVICE("OutOfService", "OS"),
    PACKAGES("Packages", "PG"),
    PENDING("Pending", "PN"),
    PRIORITY("Priority", "PR"),
    PROFILE("Profile", "PF"),
    REASON("Reason", "RE"),
    RECVONLY("ReceiveOnly", "RC"),
    REGULATED_NOTIFY("RegulatedNotify", "NBRN"),
    REPLY("Reply", "P"),
    REQUEST_ID("SPARequestID", "SPARQ"),
    RESET_EVENTS_DESCRIPTOR("ResetEventsDescriptor", "RSE"),
    RESTART("Restart", "RS"),
    REMOTE("Remote", "R"),
    RESPONSE_ACK("TransactionResponseAck", "K"),
    RESERVED_GROUP("ReservedGroup", "RG"),
    RESERVED_VALUE("ReservedValue", "RV"),
    SEGMENTATION_COMPLETE("END", "&"),
    SENDONLY("SendOnly", "SO"),
    SENDRECV("SendReceive", "SR"),
    SERVICES("Services", "SV"),
    SERVICE_STATES("ServiceStates", "SI"),
    SERVICE_CHANGE("ServiceChange", "SC"),
    SERVICE_CHANGE_ADDRESS("ServiceChangeAddress", "AD"),
    SERVICE_CHANGE_INCOMPLETE("ServiceChangeInc", "SIC"),
    SIGNAL_LIST("SignalList", "SL"),
    SIGNALS("Signals", "SG"),
    SIGNAL_TYPE("SignalType", "SY"),
    STATISTICS("Statistics", "SA"),
    STREAM("Stream", "ST"),
    SUBTRACT("Subtract", "S"),
    SYNCH_ISDN("SynchISDN", "SN"),
    TERMINATION_STATE("TerminationState", "TS"),
    TEST("Test", "TE"),
    TIME_OUT("TimeOut", "TO"),
    TOPOLOGY("Topology", "TP"),
    TRANSACTION("Transaction", "T"),
    V18("V18", "V18"),
    V22("V22", "V22"),
    V22BIS("V22b", "V22b"),
    V32("V32", "V32"),
    V32BIS("V32b", "V32b"),
    V34("V34", "V34"),
    V76("V76", "V76"),
    V90("V90", "V90"),
    V91("V91", "V91"),
    VERSION("Version", "V");

    /** {@code values()}, indexed by ordinal, without a copy. */
    static final Token[] BY_ORDINAL = values();

    /** The spelling in pretty (long) form. */
    public final String longName;
    /** The spelling in compact (short) form. */
    public final String shortName;

    Token(String longName, String shortName) {
        this.longName = longName;
        this.shortName = shortName;
    }

    public String spelling(boolean compact) { return compact ? shortName : longName; }

    /*
     * Case-insensitive open-addressing table over every spelling (long, short and the decode-only aliases), so
     * that the decoder can look a word up in place, without creating a String or upper-casing it.
     */
    private static final int TABLE_MASK = 1023;
    private static final Token[] SLOT_TOKEN = new Token[TABLE_MASK + 1];
    private static final char[][] SLOT_SPELLING = new char[TABLE_MASK + 1][];
    private static final int MAX_SPELLING;

    static {
        int max = 0;
        for (Token t : values()) {
            max = Math.max(max, put(t.longName, t));
            max = Math.max(max, put(t.shortName, t));
        }
        // Spellings of earlier H.248.1 v3 drafts, still sent by some peers; accepted on decode, never encoded.
        max = Math.max(max, put("RequestID", REQUEST_ID));
        max = Math.max(max, put("RQ", REQUEST_ID));
        max = Math.max(max, put("IntSigDelay", INTSIG_DELAY));
        MAX_SPELLING = max;
    }

    private static int put(String spelling, Token token) {
        char[] upper = spelling.toUpperCase(Locale.ROOT).toCharArray();
        int h = hash(spelling, 0, spelling.length());
        int i = (h ^ (h >>> 11)) & TABLE_MASK;
        while (SLOT_SPELLING[i] != null) {
            if (java.util.Arrays.equals(SLOT_SPELLING[i], upper)) return upper.length; // first spelling wins
            i = (i + 1) & TABLE_MASK;
        }
        SLOT_SPELLING[i] = upper;
        SLOT_TOKEN[i] = token;
        return upper.length;
    }

    private static int hash(CharSequence s, int start, int end) {
        int h = 0;
        for (int i = start; i < end; i++) h = hashStep(h, s.charAt(i));
        return h;
    }

    /** One step of the case-insensitive hash of a spelling, from 0: lets a scanner hash a word while it reads it. */
    static int hashStep(int h, char c) {
        return 31 * h + (c >= 'a' && c <= 'z' ? c - 32 : c);
    }

    /**
     * The tokens whose long or short spelling is {@code word}, case-insensitively, or null. Some short names are
     * shared across contexts by the standard (none in this table clash); callers still check that the token is
     * one the ABNF allows at that position.
     */
    public static Token lookup(CharSequence word) {
        return lookup(word, 0, word.length());
    }

    /** {@link #lookup(CharSequence)} of {@code text[start, end)}, without allocating. */
    public static Token lookup(CharSequence text, int start, int end) {
        return lookup(text, start, end, hash(text, start, end));
    }

    /** As above, with the {@link #hashStep} hash of the word already computed by the caller. */
    static Token lookup(CharSequence text, int start, int end, int hash) {
        int len = end - start;
        if (len <= 0 || len > MAX_SPELLING) return null;
        int i = (hash ^ (hash >>> 11)) & TABLE_MASK;
        char[] spelling;
        while ((spelling = SLOT_SPELLING[i]) != null) {
            if (spelling.length == len && sameIgnoringCase(text, start, spelling)) return SLOT_TOKEN[i];
            i = (i + 1) & TABLE_MASK;
        }
        return null;
    }

    /*
     * The decoder's table: each spelling as up to three 8-octet words, case folded (octet & 0xDF, which keeps the
     * name characters A-Z, a-z, 0-9 and '_' apart) and packed little-endian, so that a word read from the message
     * is matched with a few long comparisons, without looking at it octet by octet.
     */
    private static final int WORDS_MASK = 511;
    private static final int MAX_WORDS_SPELLING = 24;
    private static final long FOLD = 0xDFDFDFDFDFDFDFDFL;
    private static final java.lang.invoke.VarHandle LONG = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
            long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    /**
     * Four longs per slot, side by side so that a probe reads one cache line (two when the slot straddles one), not
     * a line in each of five arrays: the three words, then {@code length | (ordinal + 1) << 8} (0: empty slot).
     * 512 slots for about 240 spellings: 16 KB.
     */
    private static final long[] WORDS = new long[(WORDS_MASK + 1) * 4];

    static {
        for (int i = 0; i <= TABLE_MASK; i++) {
            Token t = SLOT_TOKEN[i];
            if (t == null) continue;
            byte[] b = new String(SLOT_SPELLING[i]).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            if (b.length > MAX_WORDS_SPELLING) throw new AssertionError("spelling too long: " + t);
            putWords(b, t);
        }
    }

    private static void putWords(byte[] b, Token t) {
        int len = b.length;
        long w0 = word(b, 0, len);
        long w1 = len > 8 ? word(b, 8, len - 8) : 0;
        long w2 = len > 16 ? word(b, 16, len - 16) : 0;
        int i = wordsSlot(w0, w1, w2, len);
        while (WORDS[(i << 2) + 3] != 0) i = (i + 1) & WORDS_MASK;
        int at = i << 2;
        WORDS[at] = w0;
        WORDS[at + 1] = w1;
        WORDS[at + 2] = w2;
        WORDS[at + 3] = len | (long) (t.ordinal() + 1) << 8;
    }

    /** The first {@code min(n, 8)} octets at {@code p}, folded, little-endian; the rest of the word 0. */
    private static long word(byte[] b, int p, int n) {
        if (n >= 8) {
            if (p + 8 <= b.length) return (long) LONG.get(b, p) & FOLD;
            n = 8;
        } else if (p + 8 <= b.length) {
            return (long) LONG.get(b, p) & FOLD & ((1L << (n << 3)) - 1);
        }
        long w = 0;
        for (int k = n - 1; k >= 0; k--) w = (w << 8) | (b[p + k] & 0xDF);
        return w;
    }

    private static int wordsSlot(long w0, long w1, long w2, int len) {
        long x = (w0 + 31 * w1 + 961 * w2 + len) * 0x9E3779B97F4A7C15L;
        return (int) (x >>> 55) & WORDS_MASK;
    }

    /**
     * The token spelled by the ISO-8859-1 octets {@code b[start, end)}, which are NAME characters (ALPHA, DIGIT,
     * '_'), case-insensitively, or null.
     */
    static Token lookup(byte[] b, int start, int end) {
        int len = end - start;
        if (len <= 0 || len > MAX_WORDS_SPELLING) return null;
        long w0 = word(b, start, len);
        long w1 = 0;
        long w2 = 0;
        if (len > 8) {
            w1 = word(b, start + 8, len - 8);
            if (len > 16) w2 = word(b, start + 16, len - 16);
        }
        int i = wordsSlot(w0, w1, w2, len);
        long[] words = WORDS;
        while (true) {
            int at = i << 2;
            long shape = words[at + 3];
            if (shape == 0) return null;
            if (words[at] == w0 && (shape & 0xFF) == len && words[at + 1] == w1
                    && words[at + 2] == w2) {
                return BY_ORDINAL[(int) (shape >>> 8) - 1];
            }
            i = (i + 1) & WORDS_MASK;
        }
    }

    private static boolean sameIgnoringCase(CharSequence text, int start, char[] upper) {
        for (int k = 0; k < upper.length; k++) {
            char c = text.charAt(start + k);
            if (c >= 'a' && c <= 'z') c -= 32;
            if (c != upper[k]) return false;
        }
        return true;
    }
}
