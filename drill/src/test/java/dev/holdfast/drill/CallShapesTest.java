package dev.holdfast.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Matching calls across controllers by parties and comparing their structures. */
class CallShapesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String call(long id, String ctxA, String farCtx, String feature) {
        return """
            {"callId":%d,"state":"CONNECTED","parties":["100001","100012"],
             "legs":[{"gateway":"gw1","context":{"value":%s},"terminations":["A1","R1"]},
                     {"gateway":"gw2","context":{"value":%s},"terminations":["A1","R7"]}],
             "igcs":[{"a":{"gateway":"gw1","context":{"value":%s},"termination":"R1","localSdp":"v=0 x","remoteSdp":"v=0 y",
                           "farGateway":"gw2","farContext":{"value":%s}},
                      "b":{"gateway":"gw2","context":{"value":%s},"termination":"R7","localSdp":"v=0 y","remoteSdp":"v=0 x",
                           "farGateway":"gw1","farContext":{"value":%s}}}],
             "roles":[{"party":"100001","gateway":"gw1","termination":"A1","context":{"value":%s},"role":"CALLER"},
                      {"party":"100012","gateway":"gw2","termination":"A1","context":{"value":%s},"role":"CALLEE"}],
             "feature":"%s","sip":null,"migrated":false}
            """.formatted(id, ctxA, farCtx, ctxA, farCtx, farCtx, ctxA, ctxA, farCtx, feature);
    }

    private static JsonNode calls(String... c) throws Exception { return JSON.readTree("[" + String.join(",", c) + "]"); }

    @Test void sameStructureUnderAnotherCallIdMatches() throws Exception {
        CallShapes.Comparison c = CallShapes.compare(calls(call(1, "1", "3", "NONE")), calls(call(77, "1", "3", "NONE")));
        assertEquals(1, c.matched());
    }

    @Test void anotherFarContextOrFeatureDoesNotMatch() throws Exception {
        assertEquals(0, CallShapes.compare(calls(call(1, "1", "3", "NONE")), calls(call(1, "1", "4", "NONE"))).matched());
        assertEquals(0, CallShapes.compare(calls(call(1, "1", "3", "NONE")), calls(call(1, "1", "3", "HOLD"))).matched());
    }

    @Test void aMissingCallIsReported() throws Exception {
        CallShapes.Comparison c = CallShapes.compare(calls(call(1, "1", "3", "NONE")), calls());
        assertEquals(0, c.matched());
        assertEquals(1, c.differences().size());
    }
}
