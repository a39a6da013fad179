package dev.holdfast.controller.sip;

/**
 * SIPp scenarios written for these tests (the built-in {@code uac} and {@code uas} are used as they are). Keywords
 * are SIPp's: {@code [service]} is the user given with {@code -s}, {@code [authentication]} the digest answer to the
 * last challenge with {@code -au}/{@code -ap}, {@code [expires]} a {@code -key}.
 */
public final class SippScenarios {
    private SippScenarios() {}

    private static String register(int cseq, String contact, boolean auth) {
        return """
                  <send retrans="500">
                    <![CDATA[
                      REGISTER sip:[remote_ip]:[remote_port] SIP/2.0
                      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                      From: <sip:[service]@[remote_ip]>;tag=[pid]SIPpTag[call_number]
                      To: <sip:[service]@[remote_ip]>
                      Call-ID: [call_id]
                      CSeq: %d REGISTER
                      Contact: %s
                      %sExpires: [expires]
                      Max-Forwards: 70
                      Content-Length: 0

                    ]]>
                  </send>
                """.formatted(cseq, contact, auth ? "[authentication]\n                      " : "");
    }

    static final String OWN_CONTACT = "<sip:[service]@[local_ip]:[local_port];transport=[transport]>";

    /** REGISTER, 401, REGISTER with credentials, then {@code finalStatus} (200 for good credentials). */
    public static String register(int finalStatus) { return register(finalStatus, OWN_CONTACT); }

    static String register(int finalStatus, String contact) {
        return "<?xml version=\"1.0\" encoding=\"ISO-8859-1\" ?>\n<scenario name=\"register\">\n"
                + register(1, contact, false)
                + "  <recv response=\"401\" auth=\"true\"/>\n"
                + register(2, contact, true)
                + "  <recv response=\"" + finalStatus + "\"/>\n</scenario>\n";
    }

    /** REGISTER, 401, a pause past the nonce's life, REGISTER with the old nonce: 401 stale=true, then 200. */
    static String registerStale(int pauseMillis) {
        return "<?xml version=\"1.0\" encoding=\"ISO-8859-1\" ?>\n<scenario name=\"register stale\">\n"
                + register(1, OWN_CONTACT, false)
                + "  <recv response=\"401\" auth=\"true\"/>\n"
                + "  <pause milliseconds=\"" + pauseMillis + "\"/>\n"
                + register(2, OWN_CONTACT, true)
                + """
                  <recv response="401" auth="true">
                    <action>
                      <ereg regexp="stale=true" search_in="hdr" header="WWW-Authenticate:" check_it="true" assign_to="stale"/>
                    </action>
                  </recv>
                """
                + register(3, OWN_CONTACT, true)
                + "  <recv response=\"200\"/>\n  <Reference variables=\"stale\"/>\n</scenario>\n";
    }

    private static final String SDP = """

            v=0
            o=user1 53655765 2353687637 IN IP[local_ip_type] [local_ip]
            s=-
            c=IN IP[media_ip_type] [media_ip]
            t=0 0
            m=audio [media_port] RTP/AVP 0
            a=rtpmap:0 PCMU/8000
            """;

    private static String invite() { return invite("sipp", 1, ""); }

    /** An INVITE from {@code user} with CSeq {@code cseq} and {@code extra} header lines. */
    private static String invite(String user, int cseq, String extra) {
        return """
                  <send retrans="500">
                    <![CDATA[
                      INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
                      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                      From: <sip:USER@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
                      To: <sip:[service]@[remote_ip]:[remote_port]>
                      Call-ID: [call_id]
                      CSeq: CSEQ INVITE
                      Contact: <sip:USER@[local_ip]:[local_port];transport=[transport]>
                      EXTRAMax-Forwards: 70
                      Content-Type: application/sdp
                      Content-Length: [len]
                """.replace("USER", user).replace("CSEQ", String.valueOf(cseq))
                .replace("EXTRA", extra.isEmpty() ? "" : extra + "\n                      ")
                + SDP.indent(6) + """
                    ]]>
                  </send>
                """;
    }

    /** The ACK of a non-2xx final response: same branch as the INVITE (the echoed Via). */
    private static final String ACK_FAILURE = """
              <send>
                <![CDATA[
                  ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
                  [last_Via:]
                  [last_From:]
                  [last_To:]
                  Call-ID: [call_id]
                  CSeq: [last_cseq_number] ACK
                  Max-Forwards: 70
                  Content-Length: 0

                ]]>
              </send>
            """;

    /** A caller whose INVITE ends in {@code status} (after optional 100/180/183). */
    public static String uacFails(int status) {
        return "<?xml version=\"1.0\" encoding=\"ISO-8859-1\" ?>\n<scenario name=\"uac " + status + "\">\n" + invite()
                + """
                  <recv response="100" optional="true"/>
                  <recv response="180" optional="true"/>
                  <recv response="183" optional="true"/>
                """
                + "  <recv response=\"" + status + "\"/>\n" + ACK_FAILURE + "</scenario>\n";
    }

    /** A caller that hears ringing, then cancels: 200 for the CANCEL, 487 for the INVITE. */
    public static String uacCancels() {
        return "<?xml version=\"1.0\" encoding=\"ISO-8859-1\" ?>\n<scenario name=\"uac cancel\">\n" + invite()
                + """
                  <recv response="100" optional="true"/>
                  <recv response="180"/>
                  <send>
                    <![CDATA[
                      CANCEL sip:[service]@[remote_ip]:[remote_port] SIP/2.0
                      [last_Via:]
                      From: <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
                      To: <sip:[service]@[remote_ip]:[remote_port]>
                      Call-ID: [call_id]
                      CSeq: 1 CANCEL
                      Max-Forwards: 70
                      Content-Length: 0

                    ]]>
                  </send>
                  <recv response="200"/>
                  <recv response="487"/>
                """ + ACK_FAILURE + "</scenario>\n";
    }

    /** A caller that is answered and waits for the callee to hang up. */
    public static String uacAwaitsBye() { return uacAwaitsBye("sipp", false); }

    /**
     * A caller {@code user} that is answered and waits for the callee to hang up; with {@code authenticate}, it
     * first expects 407 and sends the INVITE again with digest credentials ({@code -au}/{@code -ap}).
     */
    static String uacAwaitsBye(String user, boolean authenticate) {
        String start = authenticate
                ? invite(user, 1, "") + """
                  <recv response="100" optional="true"/>
                  <recv response="407" auth="true"/>
                """ + ACK_FAILURE + invite(user, 2, "[authentication]")
                : invite(user, 1, "");
        return "<?xml version=\"1.0\" encoding=\"ISO-8859-1\" ?>\n<scenario name=\"uac await bye\">\n" + start
                + """
                  <recv response="100" optional="true"/>
                  <recv response="180" optional="true"/>
                  <recv response="200" rrs="true"/>
                  <send>
                    <![CDATA[
                      ACK [next_url] SIP/2.0
                      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                      [last_From:]
                      [last_To:]
                      Call-ID: [call_id]
                      CSeq: [last_cseq_number] ACK
                      Max-Forwards: 70
                      Content-Length: 0

                    ]]>
                  </send>
                  <recv request="BYE"/>
                  <send>
                    <![CDATA[
                      SIP/2.0 200 OK
                      [last_Via:]
                      [last_From:]
                      [last_To:]
                      [last_Call-ID:]
                      [last_CSeq:]
                      Content-Length: 0

                    ]]>
                  </send>
                </scenario>
                """;
    }

    private static final String UAS_RESPONSE = """
              <send>
                <![CDATA[
                  SIP/2.0 %s
                  [last_Via:]
                  [last_From:]
                  [last_To:];tag=[pid]SIPpTag01[call_number]
                  [last_Call-ID:]
                  %s
                  Contact: <sip:[service]@[local_ip]:[local_port];transport=[transport]>
                  Content-Length: 0

                ]]>
              </send>
            """;

    /** A callee that answers 486 Busy Here. */
    static String uasBusy() {
        return "<?xml version=\"1.0\" encoding=\"ISO-8859-1\" ?>\n<scenario name=\"uas busy\">\n"
                + "  <recv request=\"INVITE\"/>\n"
                + UAS_RESPONSE.formatted("486 Busy Here", "[last_CSeq:]")
                + "  <recv request=\"ACK\"/>\n</scenario>\n";
    }

    /** A callee that rings and never answers: it expects the CANCEL, answers 200 and 487. */
    static String uasRingsUntilCancelled() {
        return "<?xml version=\"1.0\" encoding=\"ISO-8859-1\" ?>\n<scenario name=\"uas no answer\">\n"
                + "  <recv request=\"INVITE\"/>\n"
                + UAS_RESPONSE.formatted("180 Ringing", "[last_CSeq:]")
                + "  <recv request=\"CANCEL\"/>\n"
                + UAS_RESPONSE.formatted("200 OK", "[last_CSeq:]")
                + UAS_RESPONSE.formatted("487 Request Terminated", "CSeq: [last_cseq_number] INVITE")
                + "  <recv request=\"ACK\"/>\n</scenario>\n";
    }

    /** A callee that answers, then hangs up. */
    static String uasAnswersThenHangsUp() {
        return "<?xml version=\"1.0\" encoding=\"ISO-8859-1\" ?>\n<scenario name=\"uas hangs up\">\n"
                + "  <recv request=\"INVITE\" rrs=\"true\"/>\n"
                + UAS_RESPONSE.formatted("180 Ringing", "[last_CSeq:]")
                + """
                  <send retrans="500">
                    <![CDATA[
                      SIP/2.0 200 OK
                      [last_Via:]
                      [last_From:]
                      [last_To:];tag=[pid]SIPpTag01[call_number]
                      [last_Call-ID:]
                      [last_CSeq:]
                      Contact: <sip:[service]@[local_ip]:[local_port];transport=[transport]>
                      Content-Type: application/sdp
                      Content-Length: [len]
                """ + SDP.indent(6) + """
                    ]]>
                  </send>
                  <recv request="ACK">
                    <action>
                      <ereg regexp=".*" search_in="hdr" header="From:" check_it="true" assign_to="controller"/>
                    </action>
                  </recv>
                  <pause milliseconds="200"/>
                  <send retrans="500">
                    <![CDATA[
                      BYE [next_url] SIP/2.0
                      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                      From: <sip:[service]@[local_ip]:[local_port]>;tag=[pid]SIPpTag01[call_number]
                      To: [$controller]
                      Call-ID: [call_id]
                      CSeq: 2 BYE
                      Max-Forwards: 70
                      Content-Length: 0

                    ]]>
                  </send>
                  <recv response="200"/>
                </scenario>
                """;
    }

    /** A caller that is answered, puts the call on hold with a re-INVITE (sendonly), then hangs up. */
    static String uacHolds() {
        return "<?xml version=\"1.0\" encoding=\"ISO-8859-1\" ?>\n<scenario name=\"uac hold\">\n" + invite()
                + """
                  <recv response="100" optional="true"/>
                  <recv response="180" optional="true"/>
                  <recv response="200" rrs="true"/>
                """ + inDialog("ACK", 1, "", "") + inDialog("INVITE", 2, "Content-Type: application/sdp", SDP.replace("PCMU/8000\n", "PCMU/8000\na=sendonly\n"))
                + """
                  <recv response="100" optional="true"/>
                  <recv response="200">
                    <action>
                      <ereg regexp="a=recvonly" search_in="body" check_it="true" assign_to="answer"/>
                    </action>
                  </recv>
                """ + inDialog("ACK", 2, "", "") + inDialog("BYE", 3, "", "") + """
                  <recv response="200"/>
                  <Reference variables="answer"/>
                </scenario>
                """;
    }

    private static String inDialog(String method, int cseq, String extra, String body) {
        String send = """
                  <send retrans="500">
                    <![CDATA[
                      METHOD [next_url] SIP/2.0
                      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                      From: <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
                      [last_To:]
                      Call-ID: [call_id]
                      CSeq: CSEQ METHOD
                      Contact: <sip:sipp@[local_ip]:[local_port];transport=[transport]>
                      Max-Forwards: 70
                      EXTRAContent-Length: [len]
                """.replace("METHOD", method).replace("CSEQ", String.valueOf(cseq))
                .replace("EXTRA", extra.isEmpty() ? "" : extra + "\n                      ")
                + (body.isEmpty() ? "\n" : body.indent(6)) + """
                    ]]>
                  </send>
                """;
        // an ACK gets no response: SIPp must not wait to retransmit it
        return method.equals("ACK") ? send.replace("<send retrans=\"500\">", "<send>") : send;
    }

    /** A callee that answers, accepts being put on hold (answers a=recvonly) and is hung up on. */
    static String uasHeld() {
        return "<?xml version=\"1.0\" encoding=\"ISO-8859-1\" ?>\n<scenario name=\"uas held\">\n"
                + "  <recv request=\"INVITE\"/>\n"
                + UAS_RESPONSE.formatted("180 Ringing", "[last_CSeq:]")
                + uasAnswer("[last_To:];tag=[pid]SIPpTag01[call_number]", "")
                + """
                  <recv request="ACK"/>
                  <recv request="INVITE">
                    <action>
                      <ereg regexp="a=sendonly" search_in="body" check_it="true" assign_to="offer"/>
                    </action>
                  </recv>
                """ + uasAnswer("[last_To:]", "a=recvonly\n") + """
                  <recv request="ACK"/>
                  <recv request="BYE"/>
                """ + UAS_RESPONSE.formatted("200 OK", "[last_CSeq:]").replace(";tag=[pid]SIPpTag01[call_number]", "") + """
                  <Reference variables="offer"/>
                </scenario>
                """;
    }

    private static String uasAnswer(String to, String direction) {
        return """
                  <send retrans="500">
                    <![CDATA[
                      SIP/2.0 200 OK
                      [last_Via:]
                      [last_From:]
                      TO
                      [last_Call-ID:]
                      [last_CSeq:]
                      Contact: <sip:[service]@[local_ip]:[local_port];transport=[transport]>
                      Content-Type: application/sdp
                      Content-Length: [len]
                """.replace("TO", to) + (SDP + direction).indent(6) + """
                    ]]>
                  </send>
                """;
    }

    /**
     * A caller that hears ringing (180 required), is answered with SDP (an audio media line checked), pauses
     * {@code talkMillis} (its RTP echo answers the far end meanwhile: SIPp {@code -rtp_echo}) and hangs up.
     */
    public static String uacTalksThenHangsUp(int talkMillis) {
        return "<?xml version=\"1.0\" encoding=\"ISO-8859-1\" ?>\n<scenario name=\"uac talks\">\n" + invite()
                + """
                  <recv response="100" optional="true"/>
                  <recv response="180"/>
                  <recv response="200" rrs="true">
                    <action>
                      <ereg regexp="m=audio [0-9]+ RTP/AVP" search_in="body" check_it="true" assign_to="media"/>
                    </action>
                  </recv>
                  <send>
                    <![CDATA[
                      ACK [next_url] SIP/2.0
                      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                      [last_From:]
                      [last_To:]
                      Call-ID: [call_id]
                      CSeq: [last_cseq_number] ACK
                      Max-Forwards: 70
                      Content-Length: 0

                    ]]>
                  </send>
                """
                + "  <pause milliseconds=\"" + talkMillis + "\"/>\n"
                + """
                  <send retrans="500">
                    <![CDATA[
                      BYE [next_url] SIP/2.0
                      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                      [last_From:]
                      [last_To:]
                      Call-ID: [call_id]
                      CSeq: 2 BYE
                      Max-Forwards: 70
                      Content-Length: 0

                    ]]>
                  </send>
                  <recv response="200"/>
                  <Reference variables="media"/>
                </scenario>
                """;
    }
}
