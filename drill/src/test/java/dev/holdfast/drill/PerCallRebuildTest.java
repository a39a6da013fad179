package dev.holdfast.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Each call's rebuild measured from its own gateways' and phone's detection (issue 5's "within 2 s of detection"). */
class PerCallRebuildTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long KILL = 1_000_000L;

    /** gw1 lost at +2 s, gw2 at +5 s, the phone at +4 s; each registered 200 ms after its loss. */
    private static JsonNode registrations() throws Exception {
        return JSON.readTree("""
            {"gateways":[
              {"name":"gw1","lost_at_ms":%d,"registered_at_ms":%d},
              {"name":"gw2","lost_at_ms":%d,"registered_at_ms":%d},
              {"name":"gw3","lost_at_ms":-1,"registered_at_ms":-1},
              {"name":"sip:200001","lost_at_ms":%d,"registered_at_ms":%d}]}
            """.formatted(KILL + 2000, KILL + 2200, KILL + 5000, KILL + 5200, KILL + 4000, KILL + 4200));
    }

    @Test void eachCallCountsFromTheLatestDetectionAmongItsOwnParts() throws Exception {
        JsonNode calls = JSON.readTree("""
            [{"migrated":true,"rebuiltAt":%d,"roles":[{"gateway":"gw1"}],"legs":[{"gateway":"gw1"}],"igcs":[],"sip":null},
             {"migrated":true,"rebuiltAt":%d,"roles":[{"gateway":"gw1"},{"gateway":"gw2"}],"legs":[],
              "igcs":[{"a":{"gateway":"gw1"},"b":{"gateway":"gw2"}}],"sip":null},
             {"migrated":true,"rebuiltAt":%d,"roles":[{"gateway":"gw1"}],"legs":[],"igcs":[],
              "sip":{"number":"200001","gateway":"gw1"}},
             {"migrated":false,"roles":[{"gateway":"gw1"}],"legs":[],"igcs":[],"sip":null},
             {"migrated":true,"rebuiltAt":%d,"roles":[{"gateway":"gw3"}],"legs":[],"igcs":[],"sip":null},
             {"migrated":true,"rebuiltAt":%d,"roles":[{"gateway":"gw2"}],"legs":[],"igcs":[],"sip":null}]
            """.formatted(KILL + 2500, KILL + 7500, KILL + 4700, KILL + 3000, KILL + 3000));
        ObjectNode r = MigrationDrill.perCallRebuild(calls, registrations(), KILL);
        // gw1's call 500 ms after gw1's loss; the gw1-gw2 call 2,500 after gw2's (not 5,500 after gw1's);
        // the phone's call 700 after the phone's loss (later than its gateway's)
        assertEquals(3, r.get("calls").asInt(), r.toString());
        assertEquals(1, r.get("calls_without_times").asInt(), "gw3 never declared a loss after the kill: " + r);
        assertEquals(1, r.get("calls_rebuilt_before_a_part_last_declared_a_loss").asInt(), r.toString());
        assertEquals(700, r.get("from_parts_lost").get("p50").asLong(), r.toString());
        assertEquals(2500, r.get("from_parts_lost").get("max").asLong(), r.toString());
        assertEquals(1, r.get("from_parts_lost_over_2000").asInt(), r.toString());
        assertEquals(2300, r.get("from_parts_registered").get("max").asLong(), r.toString());
        assertEquals(1, r.get("from_parts_registered_over_2000").asInt(), r.toString());
        // what each call waited for: the part that registered last (the phone's call waited for the phone)
        JsonNode by = r.get("by_last_registered_part");
        assertEquals(2, by.get("gateway").get("calls").asInt(), r.toString());
        assertEquals(1, by.get("phone").get("calls").asInt(), r.toString());
        assertEquals(500, by.get("phone").get("part_registered_to_rebuilt").get("max").asLong(), r.toString());
        // the one call over 2 s waited for gw2: lost 5 s after the kill, registered 200 ms later, rebuilt 2.3 s after that
        JsonNode slow = r.get("over_2000_by_last_registered_part").get("gateway");
        assertEquals(1, slow.get("calls").asInt(), r.toString());
        assertEquals(0, r.get("over_2000_by_last_registered_part").get("phone").get("calls").asInt(), r.toString());
        assertEquals(5000, slow.get("part_lost_from_kill").get("max").asLong(), r.toString());
        assertEquals(200, slow.get("part_lost_to_registered").get("max").asLong(), r.toString());
        assertEquals(2300, slow.get("part_registered_to_rebuilt").get("max").asLong(), r.toString());
        assertEquals(0, r.get("over_2000_phone_calls").asInt(), "the slow call is between lines: " + r);
    }

    @Test void percentilesAreNearestRank() {
        ObjectNode p = MigrationDrill.percentiles(java.util.stream.LongStream.rangeClosed(1, 200).boxed().toList());
        assertEquals(100, p.get("p50").asLong());
        assertEquals(198, p.get("p99").asLong());
        assertEquals(200, p.get("max").asLong());
        assertEquals(true, MigrationDrill.percentiles(java.util.List.of()).get("max").isNull());
    }
}
