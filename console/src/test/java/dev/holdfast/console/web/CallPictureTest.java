package dev.holdfast.console.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the end-to-end tests cannot easily make happen: text from a controller that is markup, a migrated call over
 * two gateways (merged), a context being created; and the Prometheus text the poller reads.
 */
class CallPictureTest {
    static JsonNode json(String s) throws Exception { return new ObjectMapper().readTree(s.replace('\'', '"')); }

    @Test
    void markupInTheApisTextIsEscapedInTheDrawing() throws Exception {
        JsonNode call = json("{'callId':7,'state':'CONNECTED','parties':['<img src=x onerror=alert(1)>','2001'],"
                + "'legs':[{'gateway':'gw\\\"1','context':null,'terminations':['A1</text><script>x</script>']}],"
                + "'roles':[{'party':'<img src=x onerror=alert(1)>','gateway':'gw\\\"1','termination':'A1</text><script>x</script>','context':null,'role':'CALLER'}],"
                + "'igcs':[],'feature':'NONE','sip':null,'migrated':false}");
        String svg = CallPicture.svg(call);
        assertFalse(svg.contains("<script>") || svg.contains("<img") || svg.contains("gw\"1"), svg);
        assertTrue(svg.contains("gateway gw&quot;1") && svg.contains("A1&lt;/text&gt;&lt;script&gt;x&lt;/script&gt;"), svg);
        assertTrue(svg.contains("context (being created)"), svg);
        assertFalse(CallPicture.merged(call));
    }

    @Test
    void aMigratedCallOverTwoGatewaysIsMergedAndItsIgcDrawn() throws Exception {
        JsonNode call = json("{'callId':1,'state':'CONNECTED','parties':['1003','2001'],"
                + "'legs':[{'gateway':'gw1','context':'2','terminations':['A3','R1']},{'gateway':'gw2','context':'1','terminations':['A1','R1']}],"
                + "'roles':[{'party':'1003','gateway':'gw1','termination':'A3','context':'2','role':'CALLER'},"
                + "{'party':'2001','gateway':'gw2','termination':'A1','context':'1','role':'CALLEE'}],"
                + "'igcs':[{'a':{'gateway':'gw1','context':'2','termination':'R1','farGateway':'gw2','farContext':'1'},"
                + "'b':{'gateway':'gw2','context':'1','termination':'R1','farGateway':'gw1','farContext':'2'}}],"
                + "'feature':'NONE','sip':null,'migrated':true}");
        assertTrue(CallPicture.merged(call));
        String svg = CallPicture.svg(call);
        assertEquals(1, Browserless.all("<line class=\"igc\"", svg).size(), svg);
        assertTrue(svg.contains(">IGC to gw2/1</text>") && svg.contains(">IGC to gw1/2</text>"), svg);
        assertTrue(svg.contains(">line 1003</text>") && svg.contains(">line 2001</text>"), svg);
        // migrated on one gateway only: not merged
        ((com.fasterxml.jackson.databind.node.ArrayNode) call.get("legs")).remove(1);
        assertFalse(CallPicture.merged(call));
    }

    @Test
    void thePollerReadsPrometheusTextAndThePlotEscapesItsNames() {
        var m = CounterPoller.metrics("""
                # HELP holdfast_calls_started_total calls set up here
                # TYPE holdfast_calls_started_total counter
                holdfast_calls_started_total 12.0
                holdfast_call_setup_seconds_sum 0.25
                holdfast_call_setup_seconds_count 10.0
                holdfast_malformed_messages_total{protocol="h248",} 2.0
                holdfast_malformed_messages_total{protocol="sip",} 3.0
                broken line
                """);
        assertEquals(12.0, m.get("holdfast_calls_started_total"));
        assertEquals(0.25, m.get("holdfast_call_setup_seconds_sum"));
        assertEquals(5.0, m.get("holdfast_malformed_messages_total"), "labelled samples summed");
        Instant now = Instant.now();
        String svg = Plot.svg("p", "t<", "ms", List.of(new Plot.Series("<b>cc1</b>",
                List.of(new CounterPoller.Point(now.minusSeconds(2), 1), new CounterPoller.Point(now.minusSeconds(1), 3)))), now, 60);
        assertTrue(svg.contains("&lt;b&gt;cc1&lt;/b&gt;") && svg.contains("t&lt; (ms)") && svg.contains("<polyline"), svg);
        assertFalse(svg.contains("<b>"), svg);
    }
}
