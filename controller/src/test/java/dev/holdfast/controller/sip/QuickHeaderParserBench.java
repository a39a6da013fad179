package dev.holdfast.controller.sip;

import gov.nist.javax.sip.parser.MessageParser;
import gov.nist.javax.sip.parser.StringMsgParser;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;

/**
 * Thread CPU time per parsed message, the RI's parser against {@link QuickHeaderParser}, on what the B2BUA receives
 * from SIPp (an INVITE with SDP, a 180, an ACK), in alternating rounds after warm-up. Not a test (surefire skips it):
 * {@code mvn -q -B -ntp -o -pl controller -am test-compile} then
 * {@code java -cp controller/target/test-classes:controller/target/classes:$(cat controller/target/runtime-classpath.txt)
 * dev.holdfast.controller.sip.QuickHeaderParserBench [ROUNDS]}. Thread CPU time rather than wall time: the machine is
 * shared; also the bytes allocated per message (the thread's allocation counter), which do not depend on the load.
 */
public final class QuickHeaderParserBench {
    private static final String[] MESSAGES = {
            "INVITE sip:1002@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-2210-1-0\r\n"
                    + "From: sipp <sip:sipp@127.0.0.1:5061>;tag=2210SIPpTag001\r\nTo: 1002 <sip:1002@127.0.0.1:5060>\r\n"
                    + "Call-ID: 1-2210@127.0.0.1\r\nCSeq: 1 INVITE\r\nContact: sip:sipp@127.0.0.1:5061\r\n"
                    + "Max-Forwards: 70\r\nSubject: Performance Test\r\nContent-Type: application/sdp\r\n"
                    + "Content-Length:   129\r\n\r\nv=0\r\no=user1 53655765 2353687637 IN IP4 127.0.0.1\r\ns=-\r\n"
                    + "c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n",
            "SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKhf1x2f;rport=5060\r\n"
                    + "From: <sip:sipp@127.0.0.1>;tag=a\r\nTo: <sip:1002@127.0.0.1>;tag=b\r\nCall-ID: hf-1\r\n"
                    + "CSeq: 1 INVITE\r\nContact: <sip:127.0.0.1:5062;transport=UDP>\r\nContent-Length: 0\r\n\r\n",
            "ACK sip:1002@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-2210-1-5\r\n"
                    + "From: sipp <sip:sipp@127.0.0.1:5061>;tag=2210SIPpTag001\r\n"
                    + "To: 1002 <sip:1002@127.0.0.1:5060>;tag=xyz\r\nCall-ID: 1-2210@127.0.0.1\r\nCSeq: 1 ACK\r\n"
                    + "Contact: sip:sipp@127.0.0.1:5061\r\nMax-Forwards: 70\r\nSubject: Performance Test\r\n"
                    + "Content-Length: 0\r\n\r\n"};

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 6;
        byte[][] datagrams = new byte[MESSAGES.length][];
        for (int i = 0; i < datagrams.length; i++) datagrams[i] = MESSAGES[i].getBytes(StandardCharsets.UTF_8);
        MessageParser ri = new StringMsgParser();
        MessageParser quick = new QuickHeaderParser();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.ThreadMXBean allocation = (com.sun.management.ThreadMXBean) threads;
        long self = Thread.currentThread().getId();
        int n = 100_000;
        for (int round = 1; round <= rounds; round++) {
            for (MessageParser p : new MessageParser[] {ri, quick}) {
                long a0 = allocation.getThreadAllocatedBytes(self);
                long t0 = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < n; i++) p.parseSIPMessage(datagrams[i % datagrams.length], true, false, null);
                long t1 = threads.getCurrentThreadCpuTime();
                long a1 = allocation.getThreadAllocatedBytes(self);
                System.out.printf("round %d %-5s %6.2f us CPU, %6d bytes allocated per message%s%n", round,
                        p == ri ? "RI" : "quick", (t1 - t0) / 1000.0 / n, (a1 - a0) / n, round <= 2 ? " (warm-up)" : "");
            }
        }
    }
}
