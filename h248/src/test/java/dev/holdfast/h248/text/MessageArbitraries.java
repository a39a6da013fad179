package dev.holdfast.h248.text;

import dev.holdfast.h248.message.ActionReply;
import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.AuditDescriptor;
import dev.holdfast.h248.message.AuditReturnItem;
import dev.holdfast.h248.message.Command;
import dev.holdfast.h248.message.CommandReply;
import dev.holdfast.h248.message.CommandRequest;
import dev.holdfast.h248.message.ContextAuditItem;
import dev.holdfast.h248.message.ContextId;
import dev.holdfast.h248.message.ContextProperty;
import dev.holdfast.h248.message.Descriptor;
import dev.holdfast.h248.message.DigitMapDescriptor;
import dev.holdfast.h248.message.DigitMapValue;
import dev.holdfast.h248.message.ErrorDescriptor;
import dev.holdfast.h248.message.EventBufferDescriptor;
import dev.holdfast.h248.message.EventParameter;
import dev.holdfast.h248.message.EventsDescriptor;
import dev.holdfast.h248.message.IndAuditParameter;
import dev.holdfast.h248.message.KeepActive;
import dev.holdfast.h248.message.LocalControlDescriptor;
import dev.holdfast.h248.message.LocalDescriptor;
import dev.holdfast.h248.message.LocalParm;
import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.message.MediaDescriptor;
import dev.holdfast.h248.message.MediaParm;
import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.message.MessageBody;
import dev.holdfast.h248.message.ModemDescriptor;
import dev.holdfast.h248.message.MuxDescriptor;
import dev.holdfast.h248.message.ObservedEventParameter;
import dev.holdfast.h248.message.ObservedEventsDescriptor;
import dev.holdfast.h248.message.PackagesDescriptor;
import dev.holdfast.h248.message.ParmValue;
import dev.holdfast.h248.message.PropertyParm;
import dev.holdfast.h248.message.RemoteDescriptor;
import dev.holdfast.h248.message.RequestId;
import dev.holdfast.h248.message.RequestedEvent;
import dev.holdfast.h248.message.ServiceChangeParm;
import dev.holdfast.h248.message.SignalParameter;
import dev.holdfast.h248.message.SignalParm;
import dev.holdfast.h248.message.SignalsDescriptor;
import dev.holdfast.h248.message.StatisticsDescriptor;
import dev.holdfast.h248.message.StreamDescriptor;
import dev.holdfast.h248.message.StreamParm;
import dev.holdfast.h248.message.StreamRef;
import dev.holdfast.h248.message.TerminationId;
import dev.holdfast.h248.message.TerminationStateDescriptor;
import dev.holdfast.h248.message.TerminationStateParm;
import dev.holdfast.h248.message.TimeStamp;
import dev.holdfast.h248.message.TopologyDescriptor;
import dev.holdfast.h248.message.Transaction;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCases;
import net.jqwik.api.RandomGenerator;
import net.jqwik.api.Shrinkable;
import net.jqwik.api.ShrinkingDistance;
import net.jqwik.api.Tuple;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Random;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * jqwik generators of random, valid H.248.1 messages over the whole message model: every transaction kind, mId
 * form, context id form, command, descriptor and parameter variant, with values that satisfy the Annex B ABNF.
 *
 * <p>Validity rules the generators keep (beyond the productions themselves):
 * <ul>
 *   <li>Per version: constructs that only exist in H.248.1 v3 (segmentation, termination id lists, v3 context
 *       properties and audit selection, notify behaviour, IEPS, EmergencyOff, the Z timer, SPADirection, signal
 *       RequestID, IntSigDelay, Iteration, ServiceChangeInc, audit items in Services, statistics in streams and
 *       commands, one-way-external/both topology, a stream in a topology triple) are generated for version 3
 *       only; versions 1 and 2 get the v1 subset. The individual audit (indAud...) is generated from version 2
 *       on, in v2's narrower form for version 2.</li>
 *   <li>The "at-most-once" comments of the ABNF are honoured: each kind of item appears at most once in a list,
 *       package-defined items have distinct names.</li>
 *   <li>Where the ABNF needs a non-empty list, the list is non-empty; ServiceChange requests always carry
 *       Method and Reason (REQUIRED by a B.2 comment), the Reason in quotedString form.</li>
 *   <li>Names that the grammar would read as something else are not generated: a bare parameter NAME
 *       (eventOther, sigOther) or a termination id / device name is never spelled like a token (e.g. a
 *       termination id {@code C} in {@code AuditValue = C {...}} would read as the Context token).</li>
 *   <li>A bare token in an audit reply has two model spellings (for example {@code Events} is both
 *       {@code EventsDescriptor(null, [])} and {@code AuditReturnItem(EVENTS)}); only the one the decoder
 *       produces is generated, see {@link #REPLY_AUDIT_ITEMS}.</li>
 *   <li>Real addresses: IPv6 text with at most 8 groups (the ABNF's hexpart does not count them), pathNAMEs
 *       and device names of at most 64 characters, Local/Remote octetStrings without an unescaped '}' and not
 *       ending in a backslash.</li>
 * </ul>
 * Names, values, ids and digit maps are random over their whole character classes, mixed with realistic
 * spellings (al/of, A4444, RFC 3525's digit map, SDP with one or two alternatives and $).
 * Sizes are bounded (lists of at most 3 elements at most levels, nesting bounded by the grammar's own
 * Embed levels) so that a property run stays quick.
 */
public final class MessageArbitraries {
    private MessageArbitraries() {}

    /** Random valid messages of versions 1, 2 and 3. */
    public static Arbitrary<Message> messages() {
        return oneOf(V1.message(), V2.message(), V3.message());
    }

    /** Random valid messages of one protocol version. */
    public static Arbitrary<Message> messages(int version) {
        return switch (version) {
            case 1 -> V1.message();
            case 2 -> V2.message();
            case 3 -> V3.message();
            default -> throw new IllegalArgumentException("version " + version);
        };
    }

    private static final Gen V1 = new Gen(1);
    private static final Gen V2 = new Gen(2);
    private static final Gen V3 = new Gen(3);

    // ---------------------------------------------------------------------------------------------------------
    // Character classes of Annex B

    static final String ALPHA = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    static final String DIGIT = "0123456789";
    static final String HEXDIG = "0123456789ABCDEFabcdef";
    /** SafeChar = DIGIT / ALPHA / "+" / "-" / "&" / "!" / "_" / "/" / "'" / "?" / "@" / "^" / "`" / "~" / "*" / "$" / "\" / "(" / ")" / "%" / "|" / "." */
    static final String SAFE_CHAR = DIGIT + ALPHA + "+-&!_/'?@^`~*$\\()%|.";
    /** RestChar = ";" / "[" / "]" / "{" / "}" / ":" / "," / "#" / "<" / ">" / "=" */
    static final String REST_CHAR = ";[]{}:,#<>=";
    /** What a quotedString may hold: SafeChar / RestChar / WSP. */
    static final String QUOTED_CHAR = SAFE_CHAR + REST_CHAR + " \t";

    /**
     * Bare tokens that an audit reply may carry. In a reply a bare token is always an {@link AuditReturnItem}
     * (the decoder's mapping, see MessageParser): the empty-descriptor spellings of the same text
     * ({@code EventsDescriptor(null, [])}, {@code EventBufferDescriptor([])}, {@code DigitMapDescriptor(null,
     * null)}) are generated in requests only.
     */
    static final Set<AuditDescriptor.Item> REPLY_AUDIT_ITEMS = EnumSet.allOf(AuditDescriptor.Item.class);

    // ---------------------------------------------------------------------------------------------------------
    // Lexical items

    static Arbitrary<String> chars(String alphabet, int min, int max) {
        return memo(Arbitraries.strings().withChars(alphabet).ofMinLength(min).ofMaxLength(max));
    }

    /** NAME = ALPHA *63(ALPHA / DIGIT / "_"): mostly short, sometimes the longest allowed. */
    static Arbitrary<String> name() {
        Arbitrary<String> first = chars(ALPHA, 1, 1);
        Arbitrary<String> shortRest = chars(ALPHA + DIGIT + "_", 0, 7);
        Arbitrary<String> longRest = chars(ALPHA + DIGIT + "_", 56, 63);
        return memo(Combinators.combine(first, freq(Tuple.of(30, shortRest), Tuple.of(1, longRest)))
                .as(String::concat));
    }

    /** True if the word is spelled like a token of the text encoding (case-insensitively). */
    static boolean isTokenLike(String word) {
        return Token.lookup(word) != null;
    }

    /**
     * A bare parameter NAME (eventOther / sigOther / observed-event and event-spec parameters): not a token,
     * and not in the SPA* / EPA* space that H.248.1 reserves for new signal and event parameter tokens.
     */
    static Arbitrary<String> parameterName() {
        Arbitrary<String> realistic = Arbitraries.of("strict", "init", "ds", "Meth", "dur", "val", "ec", "tl",
                "str", "pl", "jit", "cause", "fx", "ind", "Generic_1");
        return memo(freq(Tuple.of(1, realistic), Tuple.of(3, name()))
                .filter(n -> !isTokenLike(n) && !upper(n).startsWith("SPA") && !upper(n).startsWith("EPA")));
    }

    private static String upper(String s) { return s.toUpperCase(Locale.ROOT); }

    static Arbitrary<String> packageName() {
        return memo(freq(
                Tuple.of(2, Arbitraries.of("al", "cg", "dd", "g", "nt", "rtp", "tdmc", "ct", "srvtn", "an", "it",
                        "bcg", "xal", "ocp", "etsi_nr")),
                Tuple.of(3, name())));
    }

    static Arbitrary<String> itemName() {
        return memo(freq(
                Tuple.of(2, Arbitraries.of("of", "on", "fl", "ce", "dt", "rt", "ri", "pl", "jit", "ec", "gain",
                        "cause", "act", "os", "or", "ps", "pr", "sc", "delay", "dtmf_1")),
                Tuple.of(3, name())));
    }

    /** pkgdName = NAME "/" NAME / NAME "/" "*" / "*" "/" "*". */
    static Arbitrary<String> pkgdName() {
        return memo(freq(
                Tuple.of(25, Combinators.combine(packageName(), itemName()).as((p, i) -> p + "/" + i)),
                Tuple.of(2, packageName().map(p -> p + "/*")),
                Tuple.of(1, Arbitraries.just("*/*"))));
    }

    /** VALUE = quotedString / 1*(SafeChar), kept as written (a quoted string with its quotes). */
    static Arbitrary<String> value() {
        Arbitrary<String> realistic = Arbitraries.of("on", "off", "true", "false", "state", "0", "1", "20",
                "0.2", "\"916135551212\"", "UM", "-5", "G711", "PCMU", "*");
        return memo(freq(
                Tuple.of(2, realistic),
                Tuple.of(3, chars(SAFE_CHAR, 1, 12)),
                Tuple.of(2, quotedString())));
    }

    /** quotedString = DQUOTE *(SafeChar / RestChar / WSP) DQUOTE, with its quotes. */
    static Arbitrary<String> quotedString() {
        return memo(chars(QUOTED_CHAR, 0, 16).map(s -> "\"" + s + "\""));
    }

    static Arbitrary<Integer> uint16() {
        return memo(Arbitraries.integers().between(0, 65535).edgeCases(c -> c.includeOnly(0, 1, 65535)));
    }

    static Arbitrary<Long> uint32() {
        return memo(Arbitraries.longs().between(0, 0xFFFFFFFFL).edgeCases(c -> c.includeOnly(0L, 1L, 0xFFFFFFFFL)));
    }

    /** Timer = 1*2DIGIT; Version = 1*2DIGIT. */
    static Arbitrary<Integer> twoDigits() {
        return memo(Arbitraries.integers().between(0, 99));
    }

    static Arbitrary<TimeStamp> timeStamp() {
        return memo(Combinators.combine(chars(DIGIT, 8, 8), chars(DIGIT, 8, 8)).as(TimeStamp::new));
    }

    static Arbitrary<ErrorDescriptor> errorDescriptor() {
        Arbitrary<Integer> code = freq(
                Tuple.of(3, Arbitraries.of(400, 401, 402, 403, 406, 410, 411, 412, 413, 430, 431, 432, 433, 434,
                        500, 501, 502, 503, 510)),
                Tuple.of(1, Arbitraries.integers().between(0, 9999)));
        Arbitrary<String> text = chars(QUOTED_CHAR, 0, 24).injectNull(0.3);
        return memo(Combinators.combine(code, text).as(ErrorDescriptor::new));
    }

    /** extensionParameter = "X" ("-" / "+") 1*6(ALPHA / DIGIT). */
    static Arbitrary<String> extensionName() {
        return memo(Combinators.combine(Arbitraries.of("X-", "X+"), chars(ALPHA + DIGIT, 1, 6)).as(String::concat));
    }

    // ---- termination ids and mIds

    /** pathDomainName = (ALPHA / DIGIT / "*") *63(ALPHA / DIGIT / "-" / "*" / "."). */
    static Arbitrary<String> pathDomainName() {
        return memo(Combinators.combine(chars(ALPHA + DIGIT + "*", 1, 1), chars(ALPHA + DIGIT + "-*.", 0, 12))
                .as(String::concat));
    }

    /**
     * pathNAME = ["*"] NAME *("/" / "*" / ALPHA / DIGIT / "_" / "$") ["@" pathDomainName], at most 64 characters
     * in total, never spelled like a token.
     */
    static Arbitrary<String> pathName() {
        Arbitrary<String> star = freq(Tuple.of(8, Arbitraries.just("")),
                Tuple.of(1, Arbitraries.just("*")));
        Arbitrary<String> tail = chars("/*$_" + ALPHA + DIGIT, 0, 8);
        Arbitrary<String> domain = freq(Tuple.of(6, Arbitraries.just("")),
                Tuple.of(1, pathDomainName().map(d -> "@" + d)));
        Arbitrary<String> realistic = Arbitraries.of("A4444", "A4445", "A5555", "A5556", "aaln/1", "ds/ds1_1/1",
                "RTP/0001", "tdm/3/*", "line$", "ep/*@mg1.example.net");
        Arbitrary<String> random = Combinators.combine(star, name(), tail, domain)
                .as((s, n, t, d) -> s + n + t + d)
                .filter(p -> p.length() <= 64);
        return memo(freq(Tuple.of(1, realistic), Tuple.of(3, random))
                .filter(p -> !isTokenLike(p)));
    }

    /** TerminationID = "ROOT" / pathNAME / "$" / "*". */
    static Arbitrary<TerminationId> terminationId() {
        return memo(freq(
                Tuple.of(1, Arbitraries.just(TerminationId.ROOT)),
                Tuple.of(1, Arbitraries.just(TerminationId.CHOOSE)),
                Tuple.of(1, Arbitraries.just(TerminationId.ALL)),
                Tuple.of(12, pathName().map(TerminationId::of))));
    }

    static Arbitrary<String> ipv4() {
        Arbitrary<Integer> octet = Arbitraries.integers().between(0, 255);
        return memo(Combinators.combine(octet, octet, octet, octet).as((a, b, c, d) -> a + "." + b + "." + c + "." + d));
    }

    /**
     * IPv6address = hexpart [":" IPv4address]; hexpart = hexseq "::" [hexseq] / "::" [hexseq] / hexseq; and a
     * real IPv6 address (RFC 2373 / 4291 text form, which the ABNF's productions do not count): 8 groups, or
     * fewer around one "::" standing for at least one group, an IPv4 tail counting as two. The IPv4 tail only
     * follows a hex group (":::1.2.3.4" is what the ABNF would want for "::1.2.3.4").
     */
    static Arbitrary<String> ipv6() {
        Arbitrary<String> hex4 = chars(HEXDIG, 1, 4);
        Arbitrary<List<String>> groups = hex4.list().ofMaxSize(8);
        Arbitrary<String> plain = Combinators.combine(groups, groups, Arbitraries.of(true, false))
                .as((left, right, compressed) -> {
                    if (!compressed) {
                        List<String> all = new ArrayList<>(left);
                        all.addAll(right);
                        if (all.size() < 8) return null;
                        return String.join(":", all.subList(0, 8));
                    }
                    List<String> r = right.subList(0, Math.min(right.size(), 7 - Math.min(left.size(), 7)));
                    List<String> l = left.subList(0, Math.min(left.size(), 7 - r.size()));
                    return String.join(":", l) + "::" + String.join(":", r);
                })
                .filter(java.util.Objects::nonNull);
        Arbitrary<String> withV4 = Combinators.combine(hex4.list().ofMaxSize(4), hex4.list().ofMinSize(1).ofMaxSize(5),
                        ipv4(), Arbitraries.of(true, false))
                .as((left, right, v4, compressed) -> {
                    if (!compressed) {
                        List<String> all = new ArrayList<>(left);
                        all.addAll(right);
                        while (all.size() < 6) all.add("0");
                        return String.join(":", all.subList(0, 6)) + ":" + v4;
                    }
                    List<String> l = left.subList(0, Math.min(left.size(), 5 - right.size()));
                    return String.join(":", l) + "::" + String.join(":", right.subList(0, Math.min(right.size(), 5)))
                            + ":" + v4;
                });
        return oneOf(plain, plain, withV4, Arbitraries.of("::", "::1", "2001:db8::1", "fe80::1:2:3:4", "::ffff:192.0.2.1"));
    }

    /** domainName = "<" (ALPHA / DIGIT) *63(ALPHA / DIGIT / "-" / ".") ">" (without the angle brackets). */
    static Arbitrary<String> domainName() {
        Arbitrary<String> realistic = Arbitraries.of("mgc.example.net", "mg1", "gw-2.carrier.example");
        Arbitrary<String> random = Combinators.combine(chars(ALPHA + DIGIT, 1, 1), chars(ALPHA + DIGIT + "-.", 0, 20))
                .as(String::concat);
        return memo(oneOf(realistic, random));
    }

    /** mId in every form: [IPv4]:port, [IPv6]:port, &lt;domain&gt;:port, MTP{hex}, deviceName. */
    static Arbitrary<MId> mid() {
        Arbitrary<Integer> port = uint16().injectNull(0.4);
        Arbitrary<MId> v4 = Combinators.combine(ipv4(), port).as((a, p) -> new MId.IpAddress(a, false, p));
        Arbitrary<MId> v6 = Combinators.combine(ipv6(), port).as((a, p) -> new MId.IpAddress(a, true, p));
        Arbitrary<MId> domain = Combinators.combine(domainName(), port).as(MId.DomainName::new);
        Arbitrary<MId> mtp = chars(HEXDIG, 4, 8).map(MId.MtpAddress::new);
        Arbitrary<String> device = Combinators.combine(name(), chars("/_" + ALPHA + DIGIT, 0, 8))
                .as(String::concat).filter(d -> d.length() <= 64 && !isTokenLike(d));
        return memo(freq(Tuple.of(4, v4), Tuple.of(2, v6), Tuple.of(2, domain), Tuple.of(1, mtp),
                Tuple.of(1, device.map(MId.DeviceName::new))));
    }

    // ---- digit maps

    /**
     * digitMap = digitString / "(" digitStringList ")" without white space; digitStringElement = digitPosition
     * [DOT]; digitPosition = digitMapLetter / "x" / "[" digitLetter "]"; digitLetter = *((DIGIT "-" DIGIT) /
     * digitMapLetter); digitMapLetter = DIGIT / A-K / a-k / "L" / "S" / "Z".
     */
    static Arbitrary<String> digitMap() {
        String letters = DIGIT + "ABCDEFGHIJKabcdefghijkLSZ";
        Arbitrary<String> letter = freq(Tuple.of(5, chars(DIGIT, 1, 1)),
                Tuple.of(2, chars(letters, 1, 1)), Tuple.of(5, Arbitraries.just("x")));
        Arbitrary<String> digitRange = Combinators.combine(Arbitraries.integers().between(0, 9),
                Arbitraries.integers().between(0, 9)).as((a, b) -> Math.min(a, b) + "-" + Math.max(a, b));
        Arbitrary<String> inBrackets = oneOf(digitRange, chars(letters, 1, 1))
                .list().ofMinSize(1).ofMaxSize(3).map(l -> "[" + String.join("", l) + "]");
        Arbitrary<String> position = freq(Tuple.of(6, letter), Tuple.of(1, inBrackets));
        Arbitrary<String> element = Combinators.combine(position,
                freq(Tuple.of(6, Arbitraries.just("")), Tuple.of(1, Arbitraries.just("."))))
                .as(String::concat);
        Arbitrary<String> digitString = element.list().ofMinSize(1).ofMaxSize(8).map(l -> String.join("", l));
        Arbitrary<String> list = digitString.list().ofMinSize(1).ofMaxSize(4)
                .map(l -> "(" + String.join("|", l) + ")");
        Arbitrary<String> realistic = Arbitraries.of("(0S|00S|[1-7]xLxx|8Lxxxxxxx|Exxxxxxx|Fxx|9L1xxxxxxxxxx|9L011x.S)",
                "(0|00|[1-7]xxx|8xxxxxxx|Fxxxxxxx|Exx|91xxxxxxxxxx|9011x.)", "xxxx", "(x.T)");
        return memo(freq(Tuple.of(1, realistic), Tuple.of(2, digitString), Tuple.of(4, list)));
    }

    // ---- SDP (Local / Remote octetString)

    /**
     * The octetString of a Local or Remote descriptor, as the model holds it (MessageEncoder's class comment: the
     * exact octets between the braces, written verbatim). Mostly SDP in the RFC layout (starting and ending with a
     * line break, LF or CRLF), one or two alternative session descriptions, {@code $} for "MG chooses"; sometimes
     * any octetString: {@code nonEscapeChar = "\}" / %x01-7C / %x7E-FF}, never ending in a lone backslash (it
     * would escape the closing brace).
     */
    static Arbitrary<String> sdp() {
        Arbitrary<String> addr = oneOf(ipv4(), Arbitraries.just("$"));
        Arbitrary<String> port = oneOf(Arbitraries.integers().between(1024, 65535).map(String::valueOf),
                Arbitraries.just("$"));
        Arbitrary<String> payload = Arbitraries.of("0", "4", "8", "18", "0 8 101", "$");
        Arbitrary<List<String>> session = Combinators.combine(addr, port, payload, Arbitraries.of(true, false))
                .as((a, p, pt, full) -> {
                    List<String> lines = new ArrayList<>();
                    lines.add("v=0");
                    if (full) {
                        lines.add("o=- 2890844526 2890842807 IN IP4 " + (a.equals("$") ? "192.0.2.1" : a));
                        lines.add("s=-");
                        lines.add("t=0 0");
                    }
                    lines.add("c=IN IP4 " + a);
                    lines.add("m=audio " + p + " RTP/AVP " + pt);
                    if (!pt.equals("$") && full) lines.add("a=ptime:20");
                    return lines;
                });
        Arbitrary<String> eol = Arbitraries.of("\n", "\r\n");
        Arbitrary<String> layout = Combinators.combine(session.list().ofMinSize(1).ofMaxSize(2), eol,
                        Arbitraries.of(true, false))
                .as((sessions, nl, framed) -> {
                    StringBuilder sb = new StringBuilder(framed ? nl : "");
                    for (List<String> lines : sessions) for (String l : lines) sb.append(l).append(nl);
                    return framed ? sb.toString() : sb.substring(0, sb.length() - nl.length());
                });
        // any octetString: octets 01-FF except '}', which appears only escaped; no trailing lone backslash
        StringBuilder octets = new StringBuilder();
        for (char c = 1; c <= 0xFF; c++) if (c != '}') octets.append(c);
        Arbitrary<String> anyOctets = Combinators.combine(chars(octets.toString(), 0, 30),
                        Arbitraries.of("", "\\}", "a=x:\\}\\}"))
                .as((o, esc) -> o + esc)
                .filter(o -> !endsInLoneBackslash(o));
        return memo(freq(Tuple.of(6, layout), Tuple.of(1, anyOctets)));
    }

    /** True when the text ends in a backslash (which would escape the closing brace). */
    static boolean endsInLoneBackslash(String o) {
        return !o.isEmpty() && o.charAt(o.length() - 1) == '\\';
    }

    // ---- jqwik plumbing

    /*
     * jqwik recomputes a generated value from its shrinkable tree each time value() is asked for (every filter
     * level asks again), regenerates a oneOf / frequencyOf alternative from its seed on each value() call, and
     * hashes whole arbitrary trees to memoize generators. Over a grammar this deep that made one message cost
     * tens of milliseconds. So: every composite generator is wrapped once by memo() (identity hash, a cached
     * value per generated shrinkable), and alternatives are chosen by ChoiceArbitrary, which hands out the chosen
     * alternative's own shrinkable (shrinking stays inside the chosen alternative).
     */

    /** The arbitrary with identity hashing and cached values (see above). */
    static <T> Arbitrary<T> memo(Arbitrary<T> inner) {
        return inner instanceof CachingArbitrary<T> ? inner : new CachingArbitrary<>(inner);
    }

    /** oneOf with equal weights, without flatMap. */
    @SafeVarargs
    static <T> Arbitrary<T> oneOf(Arbitrary<? extends T>... alternatives) {
        List<Tuple.Tuple2<Integer, Arbitrary<? extends T>>> weighted = new ArrayList<>();
        for (Arbitrary<? extends T> a : alternatives) weighted.add(Tuple.of(1, a));
        return freq(weighted);
    }

    /** frequencyOf without flatMap. */
    @SafeVarargs
    static <T> Arbitrary<T> freq(Tuple.Tuple2<Integer, Arbitrary<? extends T>>... alternatives) {
        return freq(List.of(alternatives));
    }

    @SuppressWarnings("unchecked")
    static <T> Arbitrary<T> freq(List<? extends Tuple.Tuple2<Integer, ? extends Arbitrary<? extends T>>> alternatives) {
        List<Arbitrary<T>> arbitraries = new ArrayList<>();
        int[] weights = new int[alternatives.size()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = alternatives.get(i).get1();
            arbitraries.add(memo((Arbitrary<T>) alternatives.get(i).get2()));
        }
        return new CachingArbitrary<>(new ChoiceArbitrary<>(arbitraries, weights));
    }

    private static final class CachingArbitrary<T> implements Arbitrary<T> {
        private final Arbitrary<T> inner;

        CachingArbitrary(Arbitrary<T> inner) { this.inner = inner; }

        @Override public RandomGenerator<T> generator(int genSize) {
            RandomGenerator<T> g = inner.generator(genSize);
            return random -> new CachedShrinkable<>(g.next(random));
        }

        @Override public RandomGenerator<T> generatorWithEmbeddedEdgeCases(int genSize) {
            RandomGenerator<T> g = inner.generatorWithEmbeddedEdgeCases(genSize);
            return random -> new CachedShrinkable<>(g.next(random));
        }

        @Override public EdgeCases<T> edgeCases(int maxEdgeCases) {
            List<java.util.function.Supplier<Shrinkable<T>>> suppliers = new ArrayList<>();
            for (java.util.function.Supplier<Shrinkable<T>> s : inner.edgeCases(maxEdgeCases).suppliers()) {
                suppliers.add(() -> new CachedShrinkable<>(s.get()));
            }
            return EdgeCases.fromSuppliers(suppliers);
        }

        @Override public boolean equals(Object o) { return this == o; }

        @Override public int hashCode() { return System.identityHashCode(this); }
    }

    private static final class CachedShrinkable<T> implements Shrinkable<T> {
        private final Shrinkable<T> inner;
        private T value;
        private boolean computed;

        CachedShrinkable(Shrinkable<T> inner) { this.inner = inner; }

        @Override public T value() {
            if (!computed) {
                value = inner.value();
                computed = true;
            }
            return value;
        }

        @Override public java.util.stream.Stream<Shrinkable<T>> shrink() {
            return inner.shrink().map(s -> new CachedShrinkable<>(s));
        }

        @Override public java.util.Optional<Shrinkable<T>> grow(Shrinkable<?> before, Shrinkable<?> after) {
            return inner.grow(before, after).map(s -> new CachedShrinkable<>(s));
        }

        @Override public java.util.stream.Stream<Shrinkable<T>> grow() {
            return inner.grow().map(s -> new CachedShrinkable<>(s));
        }

        @Override public ShrinkingDistance distance() { return inner.distance(); }
    }

    /** Picks one alternative by weight and returns that alternative's own shrinkable. */
    private static final class ChoiceArbitrary<T> implements Arbitrary<T> {
        private final List<Arbitrary<T>> alternatives;
        private final int[] weights;
        private final int total;

        ChoiceArbitrary(List<Arbitrary<T>> alternatives, int[] weights) {
            this.alternatives = List.copyOf(alternatives);
            this.weights = weights.clone();
            this.total = java.util.Arrays.stream(weights).sum();
        }

        private RandomGenerator<T> pick(List<RandomGenerator<T>> gens) {
            return random -> {
                int r = random.nextInt(total);
                int i = 0;
                while (r >= weights[i]) r -= weights[i++];
                return gens.get(i).next(random);
            };
        }

        @Override public RandomGenerator<T> generator(int genSize) {
            return pick(alternatives.stream().map(a -> a.generator(genSize)).toList());
        }

        @Override public RandomGenerator<T> generatorWithEmbeddedEdgeCases(int genSize) {
            return pick(alternatives.stream().map(a -> a.generatorWithEmbeddedEdgeCases(genSize)).toList());
        }

        /** None: combining the alternatives' edge cases over the whole grammar costs seconds per generator. */
        @Override public EdgeCases<T> edgeCases(int maxEdgeCases) { return EdgeCases.none(); }

        @Override public boolean equals(Object o) { return this == o; }

        @Override public int hashCode() { return System.identityHashCode(this); }
    }

    // ---- list helpers

    /** Either nothing or one element. */
    static <T> Arbitrary<List<T>> opt(Arbitrary<? extends T> a, int presentWeight, int absentWeight) {
        Arbitrary<List<T>> one = a.map(x -> List.<T>of(x));
        return memo(freq(Tuple.of(absentWeight, Arbitraries.just(List.<T>of())),
                Tuple.of(presentWeight, one)));
    }

    static <T> Arbitrary<List<T>> opt(Arbitrary<? extends T> a) { return memo(opt(a, 1, 1)); }

    static <T> Arbitrary<List<T>> none() { return memo(Arbitraries.just(List.of())); }

    /** The list, or (by weight) an empty one. */
    static <T> Arbitrary<List<T>> orEmpty(Arbitrary<List<T>> a, int presentWeight, int absentWeight) {
        return memo(freq(Tuple.of(absentWeight, Arbitraries.just(List.<T>of())), Tuple.of(presentWeight, a)));
    }

    /**
     * The concatenation of the groups' elements in random order, at least {@code min} elements. Each group is one
     * "kind" of item: an {@link #opt} group gives at-most-once items.
     */
    @SafeVarargs
    static <T> Arbitrary<List<T>> mix(int min, Arbitrary<List<T>>... groups) {
        // a seed rather than flatMap(shuffle): no arbitrary is built per generated value, and it shrinks to 0
        Arbitrary<Long> seed = Arbitraries.longs().between(0, 1 << 20);
        Arbitrary<List<T>> all = Combinators.combine(List.of(groups))
                .as(ls -> {
                    List<T> out = new ArrayList<>();
                    for (List<T> l : ls) out.addAll(l);
                    return out;
                })
                .filter(l -> l.size() >= min);
        return memo(Combinators.combine(all, seed).as((l, s) -> {
            List<T> out = new ArrayList<>(l);
            if (s != 0) Collections.shuffle(out, new Random(s));
            return List.copyOf(out);
        }));
    }

    /** Property parameters with distinct names (each "at most once"). */
    static Arbitrary<List<PropertyParm>> distinctByName(Arbitrary<PropertyParm> p, int min, int max) {
        return memo(p.list().ofMinSize(min).ofMaxSize(max).uniqueElements(PropertyParm::name));
    }

    @SuppressWarnings("unchecked")
    static <T> List<T> widen(List<? extends T> l) { return (List<T>) l; }

    // ---------------------------------------------------------------------------------------------------------

    /** The generators for one protocol version. */
    static final class Gen {
        final int version;
        final boolean v3;

        Gen(int version) {
            this.version = version;
            this.v3 = version >= 3;
        }

        // ---- message level

        Arbitrary<Message> message() {
            Arbitrary<Message.AuthenticationHeader> auth = Combinators.combine(chars(HEXDIG, 8, 8),
                            chars(HEXDIG, 8, 8), chars(HEXDIG, 24, 64))
                    .as((spi, seq, data) -> new Message.AuthenticationHeader("0x" + spi, "0x" + seq, "0x" + data))
                    .injectNull(0.85);
            Arbitrary<MessageBody> body = freq(
                    Tuple.of(12, transaction().list().ofMinSize(1).ofMaxSize(3)
                            .map(MessageBody.Transactions::new)),
                    Tuple.of(1, errorDescriptor().map(MessageBody.Error::new)));
            return memo(Combinators.combine(auth, mid(), body).as((a, m, b) -> new Message(a, version, m, b)));
        }

        Arbitrary<Transaction> transaction() {
            List<Tuple.Tuple2<Integer, Arbitrary<Transaction>>> kinds = new ArrayList<>();
            kinds.add(Tuple.of(5, transactionRequest()));
            kinds.add(Tuple.of(5, transactionReply()));
            kinds.add(Tuple.of(1, uint32().map(id -> new Transaction.Pending(id))));
            kinds.add(Tuple.of(1, responseAck()));
            if (v3) {
                kinds.add(Tuple.of(1, Combinators.combine(uint32(), uint16(), Arbitraries.of(true, false))
                        .as((id, seg, end) -> new Transaction.SegmentReply(id, seg, end))));
            }
            return memo(freq(kinds));
        }

        Arbitrary<Transaction> transactionRequest() {
            return memo(Combinators.combine(uint32(), actionRequest().list().ofMinSize(1).ofMaxSize(3))
                    .as(Transaction.Request::new));
        }

        Arbitrary<Transaction> transactionReply() {
            Arbitrary<Integer> segment = v3 ? uint16().injectNull(0.7) : Arbitraries.just(null);
            Arbitrary<Tuple.Tuple2<ErrorDescriptor, List<ActionReply>>> content = freq(
                    Tuple.of(1, errorDescriptor().map(e -> Tuple.of(e, List.<ActionReply>of()))),
                    Tuple.of(6, actionReply().list().ofMinSize(1).ofMaxSize(3)
                            .map(a -> Tuple.of((ErrorDescriptor) null, a))));
            return memo(Combinators.combine(uint32(), segment, Arbitraries.of(true, false), Arbitraries.of(true, false),
                            content)
                    .as((id, seg, end, immAck, c) ->
                            new Transaction.Reply(id, seg, seg != null && end, immAck, c.get1(), c.get2())));
        }

        Arbitrary<Transaction> responseAck() {
            Arbitrary<Transaction.AckRange> range = oneOf(
                    uint32().map(Transaction.AckRange::of),
                    Combinators.combine(uint32(), uint32())
                            .as((a, b) -> new Transaction.AckRange(Math.min(a, b), Math.max(a, b))));
            return memo(range.list().ofMinSize(1).ofMaxSize(4).map(Transaction.ResponseAck::new));
        }

        /** ContextID = UINT32 / "*" / "-" / "$"; 0, 0xFFFFFFFE and 0xFFFFFFFF are reserved. */
        Arbitrary<ContextId> contextId() {
            return memo(freq(
                    Tuple.of(6, Arbitraries.longs().between(1, 0xFFFFFFFDL)
                            .edgeCases(c -> c.includeOnly(1L, 0xFFFFFFFDL)).map(ContextId::of)),
                    Tuple.of(2, Arbitraries.just(ContextId.NULL)),
                    Tuple.of(2, Arbitraries.just(ContextId.CHOOSE)),
                    Tuple.of(1, Arbitraries.just(ContextId.ALL))));
        }

        // ---- actions

        Arbitrary<ActionRequest> actionRequest() {
            Arbitrary<List<ContextProperty>> props = orEmpty(contextProperties(), 1, 3);
            Arbitrary<List<ContextAuditItem>> audit = orEmpty(contextAudit(), 1, 4);
            Arbitrary<List<CommandRequest>> commands = commandRequest().list().ofMinSize(0).ofMaxSize(3);
            // the ABNF needs a context property, a ContextAudit or a command: the model rejects an empty one
            return memo(Combinators.combine(contextId(), props, audit, commands)
                    .as((c, p, a, cmds) -> p.isEmpty() && a.isEmpty() && cmds.isEmpty() ? null
                            : new ActionRequest(c, p, a, cmds))
                    .filter(java.util.Objects::nonNull));
        }

        Arbitrary<ActionReply> actionReply() {
            Arbitrary<List<ContextProperty>> props = orEmpty(contextProperties(), 1, 3);
            Arbitrary<List<CommandReply>> replies = commandReply().list().ofMinSize(0).ofMaxSize(3);
            Arbitrary<ErrorDescriptor> error = errorDescriptor().injectNull(0.75);
            return memo(Combinators.combine(contextId(), props, replies, error)
                    .as(ActionReply::new)
                    .filter(a -> a.error() != null || !a.contextProperties().isEmpty() || !a.replies().isEmpty()));
        }

        /** contextProperties: each kind at most once; v3 context attributes (package properties) any number. */
        Arbitrary<List<ContextProperty>> contextProperties() {
            Arbitrary<ContextProperty> emergency = v3 ? Arbitraries.of(true, false).map(ContextProperty.Emergency::new)
                    : Arbitraries.just(new ContextProperty.Emergency(true));
            return memo(mix(1,
                    opt(topology()),
                    opt(priority()),
                    opt(emergency),
                    v3 ? opt(Arbitraries.of(true, false).map(ContextProperty.Ieps::new)) : none(),
                    v3 ? opt(contextList(), 1, 4) : none(),
                    v3 ? distinctByName(propertyParm(pkgdName()), 0, 2).map(MessageArbitraries::<ContextProperty>widen)
                            : none()));
        }

        /** v3 ContextAttr { ContextList = { ContextID, ... } }. */
        Arbitrary<ContextProperty> contextList() {
            return memo(contextId().list().ofMinSize(1).ofMaxSize(3).map(ContextProperty.ContextList::new));
        }

        Arbitrary<ContextProperty> priority() {
            return memo(Arbitraries.integers().between(0, 15).map(ContextProperty.Priority::new));
        }

        Arbitrary<ContextProperty> topology() {
            Arbitrary<TopologyDescriptor.Direction> direction = v3
                    ? Arbitraries.of(TopologyDescriptor.Direction.class)
                    : Arbitraries.of(TopologyDescriptor.Direction.BOTHWAY, TopologyDescriptor.Direction.ISOLATE,
                    TopologyDescriptor.Direction.ONEWAY);
            Arbitrary<Integer> stream = v3 ? uint16().injectNull(0.6) : Arbitraries.just(null);
            return memo(Combinators.combine(terminationId(), terminationId(), direction, stream)
                    .as(TopologyDescriptor.Triple::new)
                    .list().ofMinSize(1).ofMaxSize(3).map(TopologyDescriptor::new));
        }

        /** contextAudit items: tokens at most once; v3 adds package properties and selection conditions. */
        Arbitrary<List<ContextAuditItem>> contextAudit() {
            Arbitrary<List<ContextAuditItem>> tokens = Arbitraries.subsetOf(v3
                            ? EnumSet.allOf(ContextAuditItem.Kind.class)
                            : EnumSet.of(ContextAuditItem.Kind.TOPOLOGY, ContextAuditItem.Kind.EMERGENCY,
                            ContextAuditItem.Kind.PRIORITY))
                    .map(s -> s.stream().map(k -> (ContextAuditItem) new ContextAuditItem.Token(k)).toList());
            if (!v3) return memo(mix(1, tokens));
            Arbitrary<List<ContextAuditItem>> packageProps = pkgdName().list().ofMaxSize(2).uniqueElements()
                    .map(l -> l.stream().map(n -> (ContextAuditItem) new ContextAuditItem.PackageProperty(n)).toList());
            Arbitrary<ContextAuditItem> selectPriority = priority().map(ContextAuditItem.Select::new);
            Arbitrary<ContextAuditItem> selectEmergency = Arbitraries.of(true, false)
                    .map(b -> new ContextAuditItem.Select(new ContextProperty.Emergency(b)));
            Arbitrary<ContextAuditItem> selectIeps = Arbitraries.of(true, false)
                    .map(b -> new ContextAuditItem.Select(new ContextProperty.Ieps(b)));
            Arbitrary<ContextAuditItem> selectAttr = propertyParm(pkgdName()).map(ContextAuditItem.Select::new);
            Arbitrary<ContextAuditItem> selectList = contextList().map(ContextAuditItem.Select::new);
            Arbitrary<ContextAuditItem> logic = Arbitraries.of(true, false).map(ContextAuditItem.Logic::new);
            return memo(mix(1, tokens, packageProps, opt(selectPriority, 1, 3), opt(selectEmergency, 1, 3),
                    opt(selectIeps, 1, 3), opt(selectAttr, 1, 3), opt(selectList, 1, 4), opt(logic, 1, 3)));
        }

        // ---- commands

        /** One termination id in v1/v2; in v3 a termIDList of one or more. */
        Arbitrary<List<TerminationId>> termIds() {
            return memo(v3 ? terminationId().list().ofMinSize(1).ofMaxSize(3) : terminationId().map(List::of));
        }

        Arbitrary<CommandRequest> commandRequest() {
            return memo(Combinators.combine(command(), Arbitraries.of(true, false), Arbitraries.of(true, false))
                    .as(CommandRequest::new));
        }

        Arbitrary<Command> command() {
            Arbitrary<Command> amm = Combinators.combine(Arbitraries.of(Command.AmmVerb.class), termIds(),
                    ammParameters()).as(Command.Amm::new);
            Arbitrary<Command> subtract = Combinators.combine(termIds(), auditDescriptor(false).injectNull(0.5))
                    .as(Command.Subtract::new);
            Arbitrary<Command> audit = oneOf(
                    Combinators.combine(termIds(), auditDescriptor(false)).as((ids, ad) -> new Command.Audit(false, ids, ad)),
                    Combinators.combine(termIds(), auditDescriptor(true)).as((ids, ad) -> new Command.Audit(true, ids, ad)));
            Arbitrary<Command> notify = Combinators.combine(termIds(), observedEventsDescriptor(),
                    errorDescriptor().injectNull(0.8)).as(Command.Notify::new);
            Arbitrary<Command> serviceChange = Combinators.combine(termIds(), serviceChangeParms())
                    .as(Command.ServiceChange::new);
            return memo(freq(Tuple.of(5, amm), Tuple.of(2, subtract), Tuple.of(2, audit),
                    Tuple.of(2, notify), Tuple.of(2, serviceChange)));
        }

        /** ammParameter: each descriptor at most once. */
        Arbitrary<List<Descriptor>> ammParameters() {
            return memo(mix(0,
                    opt(mediaDescriptor()),
                    opt(modemDescriptor(), 1, 8),
                    opt(muxDescriptor(), 1, 8),
                    opt(eventsDescriptor()),
                    opt(signalsDescriptor()),
                    opt(digitMapDescriptor(), 1, 3),
                    opt(eventBufferDescriptor(), 1, 4),
                    opt(auditDescriptor(false), 1, 4),
                    v3 ? opt(statisticsDescriptor(), 1, 4) : none()));
        }

        Arbitrary<CommandReply> commandReply() {
            Arbitrary<CommandReply> amms = Combinators.combine(Arbitraries.of(CommandReply.AmmsVerb.class), termIds(),
                    terminationAudit()).as(CommandReply.Amms::new);
            Arbitrary<CommandReply> auditOther = Combinators.combine(Arbitraries.of(true, false), termIds(),
                            terminationAudit())
                    .as((cap, ids, ta) -> new CommandReply.Audit(cap, false, ids, ta, null));
            Arbitrary<CommandReply> auditContextIds = Combinators.combine(Arbitraries.of(true, false),
                            terminationId().list().ofMinSize(1).ofMaxSize(3))
                    .as((cap, ids) -> new CommandReply.Audit(cap, true, ids, List.of(), null));
            Arbitrary<CommandReply> auditContextError = Combinators.combine(Arbitraries.of(true, false),
                            errorDescriptor())
                    .as((cap, err) -> new CommandReply.Audit(cap, true, List.of(), List.of(), err));
            Arbitrary<CommandReply> notify = Combinators.combine(termIds(), errorDescriptor().injectNull(0.6))
                    .as(CommandReply.Notify::new);
            Arbitrary<CommandReply> scError = Combinators.combine(termIds(), errorDescriptor())
                    .as((ids, e) -> new CommandReply.ServiceChange(ids, e, List.of()));
            Arbitrary<CommandReply> scParms = Combinators.combine(termIds(), serviceChangeReplyParms(0))
                    .as((ids, p) -> new CommandReply.ServiceChange(ids, null, p));
            return memo(freq(Tuple.of(6, amms), Tuple.of(2, auditOther), Tuple.of(1, auditContextIds),
                    Tuple.of(1, auditContextError), Tuple.of(2, notify), Tuple.of(1, scError), Tuple.of(2, scParms)));
        }

        /** terminationAudit = auditReturnParameter *(COMMA auditReturnParameter); each kind at most once here. */
        Arbitrary<List<Descriptor>> terminationAudit() {
            Arbitrary<List<Descriptor>> bareItems = Arbitraries.subsetOf(REPLY_AUDIT_ITEMS).ofMaxSize(2)
                    .map(s -> s.stream().map(i -> (Descriptor) new AuditReturnItem(i)).toList());
            // each descriptor kind at most once, and a bare token never next to the same kind's descriptor
            return memo(mix(0,
                    opt(mediaDescriptor(), 1, 3),
                    opt(modemDescriptor(), 1, 12),
                    opt(muxDescriptor(), 1, 10),
                    opt(eventsDescriptor().filter(d -> !isBare(d)), 1, 5),
                    opt(signalsDescriptor(), 1, 5),
                    opt(digitMapDescriptor(), 1, 5),
                    opt(observedEventsDescriptor(), 1, 6),
                    opt(eventBufferDescriptor().filter(d -> !isBare(d)), 1, 6),
                    opt(statisticsDescriptor(), 1, 4),
                    opt(packagesDescriptor(), 1, 6),
                    opt(errorDescriptor(), 1, 6),
                    version == 2 ? opt(indAuditReturn(), 1, 4) : none(),
                    bareItems)
                    .filter(MessageArbitraries::noBareTokenClash));
        }

        /**
         * v2 only: an individual audit item as an auditReturnParameter, in the forms that are no full descriptor
         * (the decoder reads a text that is both as the full descriptor): Events without a RequestID, a bare Mode
         * of a stream's LocalControl, bare ServiceStates.
         */
        Arbitrary<Descriptor> indAuditReturn() {
            Arbitrary<IndAuditParameter> events = pkgdName().map(n -> new IndAuditParameter.Events(null, n));
            Arbitrary<IndAuditParameter> mode = uint16().map(id -> IndAuditParameter.Media.of(
                    new IndAuditParameter.Stream(id, IndAuditParameter.LocalControl.of(
                            new IndAuditParameter.Mode(null, null)))));
            Arbitrary<IndAuditParameter> states = Arbitraries.just(IndAuditParameter.Media.of(
                    new IndAuditParameter.TerminationState(new IndAuditParameter.ServiceStates(null, null))));
            return Arbitraries.oneOf(events, mode, states).map(p -> new dev.holdfast.h248.message.IndAuditReturn(p));
        }

        // ---- descriptors

        Arbitrary<MediaDescriptor> mediaDescriptor() {
            Arbitrary<List<MediaParm>> termState = opt(terminationStateDescriptor(), 1, 2);
            Arbitrary<List<MediaParm>> streamParms = streamParms(1).map(MessageArbitraries::<MediaParm>widen);
            Arbitrary<List<MediaParm>> streamDescriptors = Combinators.combine(
                            uint16().list().ofMinSize(1).ofMaxSize(2).uniqueElements(), streamParms(1)
                                    .list().ofSize(2))
                    .as((ids, parms) -> {
                        List<MediaParm> out = new ArrayList<>();
                        for (int i = 0; i < ids.size(); i++) out.add(new StreamDescriptor(ids.get(i), parms.get(i)));
                        return out;
                    });
            Arbitrary<List<MediaParm>> streams = freq(Tuple.of(3, streamParms),
                    Tuple.of(2, streamDescriptors), Tuple.of(1, none()));
            return memo(mix(1, termState, streams).map(MediaDescriptor::new));
        }

        /** streamParm: Local, Remote, LocalControl (and v3 Statistics), each at most once. */
        Arbitrary<List<StreamParm>> streamParms(int min) {
            return memo(mix(min,
                    opt(localControl()),
                    opt(sdp().map(LocalDescriptor::new)),
                    opt(sdp().map(RemoteDescriptor::new)),
                    v3 ? opt(statisticsDescriptor(), 1, 4) : none()));
        }

        Arbitrary<StreamParm> localControl() {
            Arbitrary<List<LocalParm>> mode = opt(Arbitraries.of(LocalControlDescriptor.Mode.class)
                    .map(LocalControlDescriptor.StreamMode::new), 2, 1);
            Arbitrary<List<LocalParm>> rv = opt(Arbitraries.of(true, false).map(LocalControlDescriptor.ReservedValue::new));
            Arbitrary<List<LocalParm>> rg = opt(Arbitraries.of(true, false).map(LocalControlDescriptor.ReservedGroup::new));
            Arbitrary<List<LocalParm>> props = distinctByName(propertyParm(pkgdName()), 0, 2)
                    .map(MessageArbitraries::<LocalParm>widen);
            return memo(mix(1, mode, rv, rg, props).map(LocalControlDescriptor::new));
        }

        Arbitrary<MediaParm> terminationStateDescriptor() {
            Arbitrary<List<TerminationStateParm>> states = opt(Arbitraries.of(TerminationStateDescriptor.ServiceState.class)
                    .map(TerminationStateDescriptor.ServiceStates::new));
            Arbitrary<List<TerminationStateParm>> buffer = opt(Arbitraries.of(true, false)
                    .map(TerminationStateDescriptor.EventBufferControl::new));
            Arbitrary<List<TerminationStateParm>> props = distinctByName(propertyParm(pkgdName()), 0, 2)
                    .map(MessageArbitraries::<TerminationStateParm>widen);
            return memo(mix(1, states, buffer, props).map(TerminationStateDescriptor::new));
        }

        /** propertyParm = name parmValue, with every parmValue form. */
        Arbitrary<PropertyParm> propertyParm(Arbitrary<String> names) {
            return memo(Combinators.combine(names, parmValue()).as(PropertyParm::new));
        }

        /** parmValue = (EQUAL alternativeValue) / (INEQUAL VALUE). */
        Arbitrary<ParmValue> parmValue() {
            Arbitrary<ParmValue> equal = value().map(v -> new ParmValue.Single(ParmValue.Relation.EQUAL, v));
            Arbitrary<ParmValue> inequal = Combinators.combine(Arbitraries.of(ParmValue.Relation.GREATER,
                    ParmValue.Relation.LESS, ParmValue.Relation.NOT_EQUAL), value()).as(ParmValue.Single::new);
            Arbitrary<ParmValue> allOf = value().list().ofMinSize(1).ofMaxSize(3).map(ParmValue.AllOf::new);
            Arbitrary<ParmValue> oneOf = value().list().ofMinSize(1).ofMaxSize(3).map(ParmValue.OneOf::new);
            Arbitrary<ParmValue> range = Combinators.combine(value(), value()).as(ParmValue.Range::new);
            return memo(freq(Tuple.of(8, equal), Tuple.of(2, inequal), Tuple.of(1, allOf),
                    Tuple.of(1, oneOf), Tuple.of(1, range)));
        }

        /** Legacy Modem: {@code = type} or {@code [type, ...]}, optional properties. */
        Arbitrary<Descriptor> modemDescriptor() {
            Arbitrary<String> type = freq(
                    Tuple.of(4, Arbitraries.of("V18", "V22", "V22b", "V32", "V32b", "V34", "V90", "V91", "SynchISDN")),
                    Tuple.of(1, extensionName()));
            Arbitrary<Descriptor> single = Combinators.combine(type, distinctByName(propertyParm(pkgdName()), 0, 2))
                    .as((t, p) -> new ModemDescriptor(List.of(t), false, p));
            Arbitrary<Descriptor> list = Combinators.combine(type.list().ofMinSize(1).ofMaxSize(3).uniqueElements(),
                            distinctByName(propertyParm(pkgdName()), 0, 2))
                    .as((t, p) -> new ModemDescriptor(t, true, p));
            return memo(oneOf(single, list));
        }

        /** Legacy Mux = type { terminationId, ... }. */
        Arbitrary<Descriptor> muxDescriptor() {
            Arbitrary<String> type = freq(
                    Tuple.of(4, v3 ? Arbitraries.of("H221", "H223", "H226", "V76", "Nx64Kservice")
                            : Arbitraries.of("H221", "H223", "H226", "V76")),
                    Tuple.of(1, extensionName()));
            return memo(Combinators.combine(type, terminationId().list().ofMinSize(1).ofMaxSize(3))
                    .as(MuxDescriptor::new));
        }

        Arbitrary<RequestId> requestId() {
            return memo(freq(Tuple.of(8, uint32().map(RequestId::of)),
                    Tuple.of(1, Arbitraries.just(RequestId.ALL))));
        }

        /** Events [= RequestID { requestedEvent, ... }]: bare (clears) or with 1..3 events. */
        Arbitrary<Descriptor> eventsDescriptor() {
            return memo(freq(
                    Tuple.of(1, Arbitraries.just(new EventsDescriptor(null, List.of()))),
                    Tuple.of(6, Combinators.combine(requestId(), requestedEvent(1).list().ofMinSize(1).ofMaxSize(3))
                            .as(EventsDescriptor::new))));
        }

        /** The second-level Events of an Embed: bare or with secondRequestedEvents. */
        Arbitrary<EventsDescriptor> embeddedEvents() {
            return memo(freq(
                    Tuple.of(1, Arbitraries.just(new EventsDescriptor(null, List.of()))),
                    Tuple.of(3, Combinators.combine(requestId(), requestedEvent(2).list().ofMinSize(1).ofMaxSize(2))
                            .as(EventsDescriptor::new))));
        }

        /**
         * requestedEvent (level 1) or secondRequestedEvent (level 2). eventParameter kinds at most once each,
         * eventOther names distinct; KeepActive and an Embed with signals are never both present.
         */
        Arbitrary<RequestedEvent> requestedEvent(int level) {
            Arbitrary<EventParameter.Embed> embed = level == 1 ? embed() : embedSignalsOnly();
            List<Tuple.Tuple2<Integer, Arbitrary<List<EventParameter>>>> embedOrKeepActive = new ArrayList<>(List.of(
                    Tuple.of(4, none()),
                    Tuple.of(1, embed.map(e -> List.<EventParameter>of(e))),
                    Tuple.of(1, Arbitraries.just(List.<EventParameter>of(KeepActive.INSTANCE)))));
            if (level == 1) {
                // embedNoSig may sit next to KeepActive; embedWithSig may not
                embedOrKeepActive.add(Tuple.of(1, embeddedEvents()
                        .map(e -> List.<EventParameter>of(new EventParameter.Embed(null, e), KeepActive.INSTANCE))));
            }
            Arbitrary<List<EventParameter>> params = mix(0,
                    freq(embedOrKeepActive),
                    opt(eventDigitMap(), 1, 4),
                    opt(uint16().map(StreamRef::new), 1, 4),
                    v3 ? opt(notifyBehaviour(level), 1, 5) : none(),
                    v3 ? opt(Arbitraries.just(new EventParameter.ResetEventsDescriptor()), 1, 6) : none(),
                    distinctByName(propertyParm(parameterName()), 0, 2).map(MessageArbitraries::<EventParameter>widen));
            return memo(Combinators.combine(pkgdName(), params).as(RequestedEvent::new));
        }

        /** embedWithSig / embedNoSig: signals and/or the second-level events. */
        Arbitrary<EventParameter.Embed> embed() {
            return memo(oneOf(
                    embedSignalsOnly(),
                    embeddedEvents().map(e -> new EventParameter.Embed(null, e)),
                    Combinators.combine(signalsDescriptor(), embeddedEvents()).as(EventParameter.Embed::new)));
        }

        /** embedSig = Embed { signalsDescriptor }. */
        Arbitrary<EventParameter.Embed> embedSignalsOnly() {
            return memo(signalsDescriptor().map(s -> new EventParameter.Embed(s, null)));
        }

        Arbitrary<EventParameter> eventDigitMap() {
            return memo(oneOf(
                    name().map(n -> new EventParameter.EventDigitMap(n, null)),
                    digitMapValue().map(v -> new EventParameter.EventDigitMap(null, v))));
        }

        /** v3 notifyBehaviour; RegulatedNotify's embed is bounded to signals only below level 1. */
        Arbitrary<EventParameter> notifyBehaviour(int level) {
            Arbitrary<EventParameter.Embed> regulated = (level == 1 ? embed() : embedSignalsOnly()).injectNull(0.5);
            return memo(oneOf(
                    Arbitraries.of(EventParameter.NotifyBehaviourKind.IMMEDIATE, EventParameter.NotifyBehaviourKind.NEVER)
                            .map(k -> new EventParameter.NotifyBehaviour(k, null)),
                    regulated.map(e -> new EventParameter.NotifyBehaviour(EventParameter.NotifyBehaviourKind.REGULATED, e))));
        }

        /** Signals { [signalParm *(, signalParm)] }. */
        Arbitrary<SignalsDescriptor> signalsDescriptor() {
            Arbitrary<SignalParm> list = Combinators.combine(uint16(),
                            signalRequest(true).list().ofMinSize(1).ofMaxSize(3))
                    .as(SignalParm.SignalList::new);
            Arbitrary<SignalParm> parm = freq(Tuple.of(5, signalRequest(false)),
                    Tuple.of(1, list));
            return memo(parm.list().ofMinSize(0).ofMaxSize(3).map(SignalsDescriptor::new));
        }

        /**
         * signalRequest: each sigParameter kind at most once, sigOther names distinct. In a SignalList the B.2
         * comment asks for exactly one signalType per signal.
         */
        Arbitrary<SignalParm.Request> signalRequest(boolean inList) {
            Arbitrary<SignalParameter> type = Arbitraries.of(SignalParameter.SignalType.class)
                    .map(SignalParameter.Type::new);
            List<SignalParameter.NotificationReason> reasons = new ArrayList<>(List.of(
                    SignalParameter.NotificationReason.TIME_OUT, SignalParameter.NotificationReason.INTERRUPTED_BY_EVENT,
                    SignalParameter.NotificationReason.INTERRUPTED_BY_NEW_SIGNALS_DESCRIPTOR,
                    SignalParameter.NotificationReason.OTHER_REASON));
            if (v3) reasons.add(SignalParameter.NotificationReason.ITERATION);
            Arbitrary<SignalParameter> notifyCompletion = Arbitraries.of(reasons).list().uniqueElements()
                    .ofMinSize(1).ofMaxSize(3).map(SignalParameter.NotifyCompletion::new);
            Arbitrary<List<SignalParameter>> params = mix(0,
                    inList ? type.map(t -> List.of(t)) : opt(type),
                    opt(uint16().map(SignalParameter.Duration::new), 1, 2),
                    opt(notifyCompletion, 1, 2),
                    opt(Arbitraries.just(KeepActive.INSTANCE), 1, 3),
                    opt(uint16().map(StreamRef::new), 1, 3),
                    v3 ? opt(Arbitraries.of(SignalParameter.DirectionKind.class).map(SignalParameter.Direction::new), 1, 3)
                            : none(),
                    v3 ? opt(requestId().map(SignalParameter.SignalRequestId::new), 1, 3) : none(),
                    v3 ? opt(uint16().map(SignalParameter.IntersignalDelay::new), 1, 3) : none(),
                    distinctByName(propertyParm(parameterName()), 0, 2).map(MessageArbitraries::<SignalParameter>widen));
            return memo(Combinators.combine(pkgdName(), params).as(SignalParm.Request::new));
        }

        /** digitMapValue = [T:timer,] [S:timer,] [L:timer,] [Z:timer (v2+; generated in v3),] digitMap. */
        Arbitrary<DigitMapValue> digitMapValue() {
            Arbitrary<Integer> timer = twoDigits().injectNull(0.6);
            Arbitrary<Integer> z = v3 ? twoDigits().injectNull(0.6) : Arbitraries.just(null);
            return memo(Combinators.combine(timer, timer, timer, z, digitMap()).as(DigitMapValue::new));
        }

        /**
         * DigitMap = name / { value } / name { value }. (The bare token of an audit reply is an AuditReturnItem.)
         */
        Arbitrary<Descriptor> digitMapDescriptor() {
            Arbitrary<Descriptor> nameOnly = name().map(n -> new DigitMapDescriptor(n, null));
            Arbitrary<Descriptor> valueOnly = digitMapValue().map(v -> new DigitMapDescriptor(null, v));
            Arbitrary<Descriptor> both = Combinators.combine(name(), digitMapValue()).as(DigitMapDescriptor::new);
            return memo(oneOf(nameOnly, valueOnly, both));
        }

        /** EventBuffer [{ eventSpec, ... }]: bare or with 1..3 specs. */
        Arbitrary<Descriptor> eventBufferDescriptor() {
            Arbitrary<List<ObservedEventParameter>> params = mix(0,
                    opt(uint16().map(StreamRef::new), 1, 3),
                    distinctByName(propertyParm(parameterName()), 0, 2)
                            .map(MessageArbitraries::<ObservedEventParameter>widen));
            Arbitrary<EventBufferDescriptor.EventSpec> spec = Combinators.combine(pkgdName(), params)
                    .as(EventBufferDescriptor.EventSpec::new);
            return memo(freq(
                    Tuple.of(1, Arbitraries.just(new EventBufferDescriptor(List.of()))),
                    Tuple.of(4, spec.list().ofMinSize(1).ofMaxSize(3).map(EventBufferDescriptor::new))));
        }

        /**
         * Audit { [auditItem, ...] }: each token at most once and, from v2 on, distinct individual audit
         * parameters, in any order; DigitMap and Packages (in either form) are not allowed in AuditCapability
         * (B.2 comment).
         */
        Arbitrary<AuditDescriptor> auditDescriptor(boolean capabilities) {
            EnumSet<AuditDescriptor.Item> items = EnumSet.allOf(AuditDescriptor.Item.class);
            if (capabilities) {
                items.remove(AuditDescriptor.Item.DIGIT_MAP);
                items.remove(AuditDescriptor.Item.PACKAGES);
            }
            Arbitrary<List<AuditDescriptor.AuditItem>> tokens = Arbitraries.of(items).list().uniqueElements()
                    .ofMaxSize(4).map(MessageArbitraries::<AuditDescriptor.AuditItem>widen);
            Arbitrary<List<AuditDescriptor.AuditItem>> individual = version >= 2
                    ? orEmpty(indAuditParameter(capabilities).list().uniqueElements().ofMinSize(1).ofMaxSize(3)
                            .map(MessageArbitraries::<AuditDescriptor.AuditItem>widen), 2, 1)
                    : none();
            return memo(mix(0, tokens, individual).map(AuditDescriptor::new));
        }

        /**
         * indAudauditReturnParameter (v2 and v3): v2 has one indAudmediaParm per Media, one indAudlocalParm per
         * LocalControl (Mode, ReservedValue, ReservedGroup or a pkgdName), LocalControl as the only
         * indAudstreamParm, a RequestID on Events and a signal (name only) in a SignalList; v3 adds lists, the
         * selections, Local/Remote/Statistics per stream and the optional parts.
         */
        Arbitrary<IndAuditParameter> indAuditParameter(boolean capabilities) {
            Arbitrary<IndAuditParameter.Signal> signal = v3
                    ? Combinators.combine(pkgdName(), uint16().injectNull(0.6), requestId().injectNull(0.6))
                    .as(IndAuditParameter.Signal::new)
                    : pkgdName().map(IndAuditParameter.Signal::of);
            Arbitrary<IndAuditParameter.SignalParm> signalParm = oneOf(signal,
                    Combinators.combine(uint16(), v3 ? signal.injectNull(0.4) : signal)
                            .as(IndAuditParameter.SignalList::new));
            Arbitrary<IndAuditParameter> eventBuffer = oneOf(
                    pkgdName().map(IndAuditParameter.EventBuffer::of),
                    Combinators.combine(pkgdName(), uint16()).as((n, st) -> new IndAuditParameter.EventBuffer(n, st, null)),
                    Combinators.combine(pkgdName(), parameterName())
                            .as((n, pn) -> new IndAuditParameter.EventBuffer(n, null, pn)));
            List<Tuple.Tuple2<Integer, Arbitrary<? extends IndAuditParameter>>> kinds = new ArrayList<>(List.of(
                    Tuple.of(6, indAuditMedia()),
                    Tuple.of(2, Combinators.combine(v3 ? requestId().injectNull(0.4) : requestId(), pkgdName())
                            .as(IndAuditParameter.Events::new)),
                    Tuple.of(2, signalParm.injectNull(0.2).map(IndAuditParameter.Signals::new)),
                    Tuple.of(1, eventBuffer),
                    Tuple.of(1, pkgdName().map(IndAuditParameter.Statistics::new))));
            if (!capabilities) {
                kinds.add(Tuple.of(1, name().map(IndAuditParameter.DigitMap::new)));
                kinds.add(Tuple.of(1, Combinators.combine(packageName(), uint16()).as(IndAuditParameter.Packages::new)));
            }
            return memo(freq(widen(kinds)));
        }

        /**
         * indAudmediaDescriptor: v2 one indAudmediaParm; v3 a TerminationState at most once and either stream
         * parameters (each kind at most once) or Stream descriptors (distinct ids), not both (B.2 comments).
         */
        Arbitrary<IndAuditParameter> indAuditMedia() {
            Arbitrary<IndAuditParameter.MediaParm> state = indAuditTerminationStateParm()
                    .map(IndAuditParameter.TerminationState::new);
            Arbitrary<IndAuditParameter.MediaParm> stream = Combinators.combine(uint16(), indAuditStreamParm())
                    .as(IndAuditParameter.Stream::new);
            if (!v3) {
                return memo(oneOf(state, stream, indAuditStreamParm()).map(p -> IndAuditParameter.Media.of(p)));
            }
            Arbitrary<List<IndAuditParameter.MediaParm>> streamParms = mix(1,
                    opt(indAuditLocalControl()),
                    opt(pkgdName().map(IndAuditParameter.Statistics::new)),
                    opt(sdp().map(IndAuditParameter.Local::new)),
                    opt(sdp().map(IndAuditParameter.Remote::new)));
            Arbitrary<List<IndAuditParameter.MediaParm>> streams = stream.list().ofMinSize(1).ofMaxSize(2)
                    .uniqueElements(p -> ((IndAuditParameter.Stream) p).streamId());
            return memo(mix(1, opt(state), orEmpty(oneOf(streamParms, streams), 3, 1))
                    .map(IndAuditParameter.Media::new));
        }

        /** indAudstreamParm: v2 LocalControl; v3 also Statistics, Local and Remote. */
        Arbitrary<IndAuditParameter.StreamParm> indAuditStreamParm() {
            if (!v3) return memo(indAuditLocalControl());
            return memo(freq(Tuple.of(4, indAuditLocalControl()),
                    Tuple.of(1, pkgdName().map(IndAuditParameter.Statistics::new)),
                    Tuple.of(1, sdp().map(IndAuditParameter.Local::new)),
                    Tuple.of(1, sdp().map(IndAuditParameter.Remote::new))));
        }

        /**
         * indAudlocalControlDescriptor: v2 one indAudlocalParm; v3 a list with Mode (bare or a selection),
         * ReservedValue and ReservedGroup at most once each and properties (pkgdName or propertyParm) by distinct
         * names.
         */
        Arbitrary<IndAuditParameter.StreamParm> indAuditLocalControl() {
            Arbitrary<IndAuditParameter.LocalParm> property = pkgdName().map(IndAuditParameter.Property::new);
            if (!v3) {
                return memo(oneOf(Arbitraries.just(IndAuditParameter.Mode.audit()),
                        Arbitraries.just(new IndAuditParameter.ReservedValue()),
                        Arbitraries.just(new IndAuditParameter.ReservedGroup()), property)
                        .map(p -> IndAuditParameter.LocalControl.of(p)));
            }
            Arbitrary<IndAuditParameter.LocalParm> mode = oneOf(Arbitraries.just(IndAuditParameter.Mode.audit()),
                    Combinators.combine(Arbitraries.of(ParmValue.Relation.class),
                            Arbitraries.of(LocalControlDescriptor.Mode.class)).as(IndAuditParameter.Mode::new));
            Arbitrary<List<IndAuditParameter.LocalParm>> properties = oneOf(property,
                            propertyParm(pkgdName()).map(p -> (IndAuditParameter.LocalParm) p))
                    .list().ofMaxSize(2).uniqueElements(MessageArbitraries::indAuditPropertyName);
            return memo(mix(1, opt(mode), opt(Arbitraries.just(new IndAuditParameter.ReservedValue())),
                    opt(Arbitraries.just(new IndAuditParameter.ReservedGroup())), properties)
                    .map(IndAuditParameter.LocalControl::new));
        }

        /** indAudterminationStateParm: v2 ServiceStates, Buffer or a pkgdName; v3 also the selections. */
        Arbitrary<IndAuditParameter.TerminationStateParm> indAuditTerminationStateParm() {
            List<Tuple.Tuple2<Integer, Arbitrary<? extends IndAuditParameter.TerminationStateParm>>> kinds =
                    new ArrayList<>(List.of(
                            Tuple.of(2, Arbitraries.just(IndAuditParameter.ServiceStates.audit())),
                            Tuple.of(1, Arbitraries.just(new IndAuditParameter.Buffer())),
                            Tuple.of(2, pkgdName().map(IndAuditParameter.Property::new))));
            if (v3) {
                kinds.add(Tuple.of(2, Combinators.combine(Arbitraries.of(ParmValue.Relation.class),
                                Arbitraries.of(TerminationStateDescriptor.ServiceState.class))
                        .as(IndAuditParameter.ServiceStates::new)));
                kinds.add(Tuple.of(2, propertyParm(pkgdName())));
            }
            return memo(freq(widen(kinds)));
        }

        /** Statistics { pkgdName [= VALUE / (v3) [VALUE, ...]], ... }: names distinct. */
        Arbitrary<StatisticsDescriptor> statisticsDescriptor() {
            Arbitrary<ParmValue> single = value().map(v -> new ParmValue.Single(ParmValue.Relation.EQUAL, v));
            Arbitrary<ParmValue> list = value().list().ofMinSize(1).ofMaxSize(3).map(ParmValue.AllOf::new);
            Arbitrary<ParmValue> val = (v3 ? freq(Tuple.of(3, single), Tuple.of(1, list)) : single)
                    .injectNull(0.3);
            return memo(Combinators.combine(pkgdName(), val).as(StatisticsDescriptor.Statistic::new)
                    .list().ofMinSize(1).ofMaxSize(3).uniqueElements(StatisticsDescriptor.Statistic::name)
                    .map(StatisticsDescriptor::new));
        }

        /** ObservedEvents = RequestID { [timestamp:] pkgdName [{ params }], ... }. */
        Arbitrary<ObservedEventsDescriptor> observedEventsDescriptor() {
            Arbitrary<List<ObservedEventParameter>> params = mix(0,
                    opt(uint16().map(StreamRef::new), 1, 3),
                    distinctByName(propertyParm(parameterName()), 0, 3)
                            .map(MessageArbitraries::<ObservedEventParameter>widen));
            Arbitrary<ObservedEventsDescriptor.ObservedEvent> event = Combinators.combine(
                    timeStamp().injectNull(0.4), pkgdName(), params).as(ObservedEventsDescriptor.ObservedEvent::new);
            return memo(Combinators.combine(requestId(), event.list().ofMinSize(1).ofMaxSize(3))
                    .as(ObservedEventsDescriptor::new));
        }

        /** Packages { NAME-UINT16, ... }. */
        Arbitrary<Descriptor> packagesDescriptor() {
            return memo(Combinators.combine(packageName(), uint16()).as(PackagesDescriptor.Item::new)
                    .list().ofMinSize(1).ofMaxSize(4).map(PackagesDescriptor::new));
        }

        // ---- ServiceChange

        Arbitrary<MId> serviceChangeMid() { return memo(mid()); }

        /**
         * Services { ... } of a request: Method and Reason always (REQUIRED), the rest at most once each, not
         * both ServiceChangeAddress and MgcIdToTry; in v3 also ServiceChangeInc and audit items.
         */
        Arbitrary<List<ServiceChangeParm>> serviceChangeParms() {
            Arbitrary<ServiceChangeParm> method = freq(
                    Tuple.of(6, Arbitraries.of(ServiceChangeParm.MethodKind.FAILOVER, ServiceChangeParm.MethodKind.FORCED,
                            ServiceChangeParm.MethodKind.GRACEFUL, ServiceChangeParm.MethodKind.RESTART,
                            ServiceChangeParm.MethodKind.DISCONNECTED, ServiceChangeParm.MethodKind.HANDOFF)
                            .map(ServiceChangeParm.Method::of)),
                    Tuple.of(1, extensionName().map(x -> new ServiceChangeParm.Method(ServiceChangeParm.MethodKind.EXTENSION, x))));
            Arbitrary<ServiceChangeParm> reason = Combinators.combine(
                            Arbitraries.of(900, 901, 902, 903, 904, 905, 906, 907, 908, 909, 910, 911, 912, 913, 914, 915, 916, 917),
                            chars(QUOTED_CHAR.replace("\t", ""), 0, 16).injectNull(0.4))
                    .as((code, text) -> new ServiceChangeParm.Reason("\"" + code + (text == null ? "" : " " + text) + "\""));
            Arbitrary<List<ServiceChangeParm>> auditItems = v3
                    ? Combinators.combine(Arbitraries.subsetOf(AuditDescriptor.Item.values()).ofMaxSize(2),
                            indAuditParameter(false).list().uniqueElements().ofMaxSize(2))
                    .as((tokens, individual) -> {
                        List<ServiceChangeParm> out = new ArrayList<>();
                        for (AuditDescriptor.Item i : tokens) out.add(new ServiceChangeParm.AuditItem(i));
                        for (IndAuditParameter p : individual) out.add(new ServiceChangeParm.AuditItem(p));
                        return out;
                    })
                    : none();
            return memo(mix(2,
                    method.map(m -> List.of(m)),
                    reason.map(r -> List.of(r)),
                    opt(uint32().map(ServiceChangeParm.Delay::new), 1, 3),
                    addressOrMgcId(),
                    opt(profile(), 1, 2),
                    opt(twoDigits().map(ServiceChangeParm.Version::new), 1, 2),
                    opt(timeStamp().map(ServiceChangeParm.Stamp::new), 1, 3),
                    opt(propertyParm(extensionName()), 1, 4),
                    v3 ? opt(Arbitraries.just(new ServiceChangeParm.Incomplete()), 1, 4) : none(),
                    auditItems));
        }

        /** servChgReplyParm: address or MgcIdToTry (not both), Profile, Version, TimeStamp; at least {@code min}. */
        Arbitrary<List<ServiceChangeParm>> serviceChangeReplyParms(int min) {
            return memo(mix(Math.max(min, 1),
                    addressOrMgcId(),
                    opt(profile(), 1, 2),
                    opt(twoDigits().map(ServiceChangeParm.Version::new)),
                    opt(timeStamp().map(ServiceChangeParm.Stamp::new), 1, 3)));
        }

        Arbitrary<List<ServiceChangeParm>> addressOrMgcId() {
            Arbitrary<ServiceChangeParm> address = oneOf(
                    serviceChangeMid().map(m -> new ServiceChangeParm.Address(m, null)),
                    uint16().map(p -> new ServiceChangeParm.Address(null, p)));
            Arbitrary<ServiceChangeParm> mgcId = serviceChangeMid().map(ServiceChangeParm.MgcIdToTry::new);
            return memo(freq(Tuple.of(2, none()), Tuple.of(2, address.map(a -> List.of(a))),
                    Tuple.of(1, mgcId.map(m -> List.of(m)))));
        }

        Arbitrary<ServiceChangeParm> profile() {
            return memo(Combinators.combine(freq(Tuple.of(1, Arbitraries.of("ResGW", "TrunkGW", "ANNC")),
                    Tuple.of(2, name())), twoDigits()).as(ServiceChangeParm.Profile::new));
        }
    }

    /** The property an individual-audit property item names (a pkgdName alone or a propertyParm selection). */
    static String indAuditPropertyName(IndAuditParameter.LocalParm p) {
        return p instanceof PropertyParm pp ? pp.name() : p instanceof IndAuditParameter.Property pr ? pr.pkgdName() : "";
    }

    /** An empty Events or EventBuffer descriptor, written as the bare token. */
    static boolean isBare(Descriptor d) {
        return d instanceof EventsDescriptor e && e.requestId() == null && e.events().isEmpty()
                || d instanceof EventBufferDescriptor b && b.events().isEmpty();
    }

    /**
     * No two items of a terminationAudit spell the same descriptor token (e.g. a Media descriptor and a bare
     * Media), which the at-most-once rule forbids.
     */
    static boolean noBareTokenClash(List<Descriptor> audit) {
        Set<AuditDescriptor.Item> bare = audit.stream().filter(d -> d instanceof AuditReturnItem)
                .map(d -> ((AuditReturnItem) d).item()).collect(Collectors.toSet());
        for (Descriptor d : audit) {
            AuditDescriptor.Item kind = d instanceof MediaDescriptor ? AuditDescriptor.Item.MEDIA
                    : d instanceof ModemDescriptor ? AuditDescriptor.Item.MODEM
                    : d instanceof MuxDescriptor ? AuditDescriptor.Item.MUX
                    : d instanceof SignalsDescriptor ? AuditDescriptor.Item.SIGNALS
                    : d instanceof EventsDescriptor ? AuditDescriptor.Item.EVENTS
                    : d instanceof EventBufferDescriptor ? AuditDescriptor.Item.EVENT_BUFFER
                    : d instanceof DigitMapDescriptor ? AuditDescriptor.Item.DIGIT_MAP
                    : d instanceof StatisticsDescriptor ? AuditDescriptor.Item.STATISTICS
                    : d instanceof ObservedEventsDescriptor ? AuditDescriptor.Item.OBSERVED_EVENTS
                    : d instanceof PackagesDescriptor ? AuditDescriptor.Item.PACKAGES
                    : null;
            if (kind != null && bare.contains(kind)) return false;
        }
        return true;
    }
}
