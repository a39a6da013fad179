package dev.holdfast.console;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The text drawings of what the API sends that the end-to-end test cannot easily make happen: a migrated call with
 * a SIP phone's leg and a context still being created, hostile text, and event lines.
 */
class CallDrawingTest {
    private static String draw(String json) throws Exception {
        StringWriter w = new StringWriter();
        try (PrintWriter out = new PrintWriter(w)) {
            CallDrawing.draw(AdminApiClient.JSON.readTree(json), out);
        }
        return w.toString();
    }

    @Test
    void aMigratedCallWithASipPhone() throws Exception {
        String out = draw("""
                {"callId":9,"state":"CONNECTED","parties":["5001","1001"],
                 "legs":[{"gateway":"gw1","context":"3","terminations":["A1","RTP/7"]},{"gateway":"gw2","context":null,"terminations":[]}],
                 "igcs":[],
                 "roles":[{"party":"5001","gateway":"gw1","termination":"RTP/7","context":"3","role":"CALLER"},
                          {"party":"1001","gateway":"gw1","termination":"A1","context":"3","role":"CALLEE"}],
                 "feature":"HOLD","sip":{"number":"5001","callId":"abc@h","gateway":"gw1","context":"3","termination":"RTP/7"},
                 "migrated":true}""");
        assertTrue(out.startsWith("call 9  state CONNECTED  feature HOLD  migrated yes\nparties: 5001, 1001\n"), out);
        assertTrue(out.contains("gateway gw1  context 3\n  |-- A1        party 1001 (CALLEE)\n  `-- RTP/7     party 5001 (CALLER)\n"), out);
        assertTrue(out.contains("gateway gw2  context (being created)\n"), out);
        assertTrue(out.endsWith("SIP phone 5001  dialog abc@h  media on gw1 RTP/7 context 3\n"), out);
    }

    @Test
    void controlCharactersFromTheApiDoNotReachTheTerminal() throws Exception {
        String out = draw("{\"callId\":1,\"state\":\"SETUP\",\"parties\":[\"\\u001b[2J1001\"],\"legs\":[],\"igcs\":[],\"roles\":[],\"feature\":\"NONE\"}");
        assertTrue(out.contains("parties: ?[2J1001\n"), out);
        assertTrue(out.contains("legs: none yet"), out);
        assertTrue(out.chars().noneMatch(c -> c == 0x1b), out);
    }

    @Test
    void eventLines() throws Exception {
        assertEquals("07:05:10.950 call-state call 2 RINGING (was SETUP) parties 1002, 2002 feature=NONE setupMillis=4",
                EventFollower.describe(AdminApiClient.JSON.readTree("""
                        {"kind":"call-state","time":"2026-11-27T07:05:10.950Z","callId":2,"state":"RINGING","feature":"NONE",
                         "call":{"parties":["1002","2002"]},"previousState":"SETUP","setupMillis":4}""")));
        assertEquals("07:06:00.000 gateway-registered gateway=gw1 serviceChange=FAILOVER 909",
                EventFollower.describe(AdminApiClient.JSON.readTree("""
                        {"kind":"gateway-registered","time":"2026-11-27T07:06:00.000Z","gateway":"gw1","serviceChange":"FAILOVER 909"}""")));
    }
}
