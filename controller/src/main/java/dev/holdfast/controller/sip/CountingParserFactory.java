package dev.holdfast.controller.sip;

import gov.nist.javax.sip.SipStackImpl;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.MessageParser;
import gov.nist.javax.sip.parser.MessageParserFactory;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.stack.SIPTransactionStack;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;

/**
 * The stack's message parser, counting and logging what it cannot read. The stack itself answers a malformed
 * request with {@code 400 Bad Request (reason)} (and drops a malformed response); this wrapper only makes each
 * case visible: a parse failure, or a request lacking a header every request must have (Via, From, To, Call-ID,
 * CSeq), which the stack refuses after parsing. The parser is the RI's with a quick path for the commonest lines
 * ({@link QuickHeaderParser}).
 */
public final class CountingParserFactory implements MessageParserFactory {
    /** Stateless, like the RI's own (one for every stack). */
    private static final MessageParser QUICK = new QuickHeaderParser();

    @Override public MessageParser createMessageParser(SIPTransactionStack stack) {
        MessageParser parser = QUICK;
        SipEdge.Guard guard = SipEdge.guard(((SipStackImpl) stack).getStackName());
        if (guard == null) return parser;
        return (bytes, readBody, strict, listener) -> {
            if (readBody && bytes != null && bytes.length >= guard.datagramBufferBytes()) {
                // a datagram that filled the receive buffer was cut there: larger than the limit, read or not
                guard.counters().count(SipEdgeCounters.OVERSIZED, "a datagram of at least " + bytes.length
                        + " octets: " + firstLine(bytes));
                return null; // the stack drops a datagram that parses to nothing
            }
            return parse(parser, guard.counters(), bytes, readBody, strict, listener);
        };
    }

    private static SIPMessage parse(MessageParser parser, SipEdgeCounters counters, byte[] bytes, boolean readBody,
                                    boolean strict, ParseExceptionListener listener) throws ParseException {
        SIPMessage m;
        try {
            m = parser.parseSIPMessage(bytes, readBody, strict, listener);
        } catch (ParseException e) {
            counters.count(SipEdgeCounters.MALFORMED, e.getMessage() + " in: " + firstLine(bytes));
            throw e;
        }
        if (m != null && readBody) m.setSize(bytes.length); // a whole datagram: what the valve's size limit reads
        if (m instanceof SIPRequest r && (r.getTopmostVia() == null || r.getFrom() == null || r.getTo() == null
                || r.getCallId() == null || r.getCSeq() == null)) {
            counters.count(SipEdgeCounters.MALFORMED, "missing Via, From, To, Call-ID or CSeq in: " + firstLine(bytes));
        }
        return m;
    }

    private static String firstLine(byte[] bytes) {
        if (bytes == null) return "";
        int n = 0;
        while (n < bytes.length && n < 120 && bytes[n] != '\r' && bytes[n] != '\n') n++;
        return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
    }
}
