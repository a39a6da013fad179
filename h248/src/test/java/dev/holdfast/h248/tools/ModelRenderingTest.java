package dev.holdfast.h248.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.text.SampleMessages;
import org.junit.jupiter.api.Test;

import java.lang.reflect.RecordComponent;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tree and JSON renderings that {@code h248 decode} prints. */
class ModelRenderingTest {

    @Test
    void jsonNamesTheVariantOfEverySealedInterfaceValue() throws Exception {
        ObjectMapper reader = new ObjectMapper();
        for (Message m : SampleMessages.all()) {
            JsonNode json = reader.readTree(ModelJson.write(m));
            compare(m, json, "$");
        }
    }

    /** Walks model and JSON together: a value whose declared type is a sealed interface has its "@type". */
    private static void compare(Object model, JsonNode json, String path) throws Exception {
        if (model instanceof List<?> list) {
            assertTrue(json.isArray(), path);
            assertEquals(list.size(), json.size(), path);
            for (int i = 0; i < list.size(); i++) compare(list.get(i), json.get(i), path + "[" + i + "]");
            return;
        }
        if (!(model instanceof Record r) || json.isTextual()) return;
        boolean typed = false;
        for (Class<?> sealed : ModelJson.sealedInterfaces()) typed |= sealed.isInstance(r);
        if (typed) assertEquals(ModelTree.typeName(r), json.path("@type").asText(), path + ".type");
        Set<String> fields = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) fields.add(it.next().getKey());
        fields.remove("@type");
        Set<String> components = new TreeSet<>();
        for (RecordComponent rc : r.getClass().getRecordComponents()) {
            Object value = rc.getAccessor().invoke(r);
            if (value == null) {
                assertFalse(json.has(rc.getName()), path + "." + rc.getName() + " is null and left out");
                continue;
            }
            components.add(rc.getName());
            compare(value, json.get(rc.getName()), path + "." + rc.getName());
        }
        assertEquals(components, fields, path + ": JSON fields are the record's components");
    }

    @Test
    void jsonWritesIdentifiersAsTheyAreWritten() throws Exception {
        JsonNode json = new ObjectMapper().readTree(ModelJson.write(SampleMessages.addChoose()));
        JsonNode action = json.at("/body/transactions/0/actions/0");
        assertEquals("$", action.get("contextId").asText());
        assertEquals("Command.Amm", action.at("/commands/1/command/@type").asText());
        assertEquals("$", action.at("/commands/1/command/terminationIds/0").asText());
        assertEquals("TopologyDescriptor", action.at("/contextProperties/2/@type").asText());
    }

    @Test
    void treeShowsOneElementPerLineWithWireTextForIdentifiersAndSdpLineByLine() {
        String tree = ModelTree.render(SampleMessages.modifyLine());
        List<String> lines = tree.lines().toList();
        assertEquals("Message", lines.get(0));
        assertTrue(lines.contains("  mid: [192.0.2.1]:2944"), tree);
        assertTrue(tree.contains("- Transaction.Request\n        transactionId: 10001\n"), tree);
        assertTrue(tree.contains("contextId: 1\n"), tree);
        assertTrue(tree.contains("- al/hookstate=onhook\n"), tree);
        assertTrue(tree.contains("- LocalControlDescriptor.ReservedGroup(on=false)\n"), tree);
        assertTrue(tree.contains("sdp: |\n"), tree);
        assertTrue(tree.contains("| c=IN IP4 198.51.100.7\n"), tree);
        for (String l : lines) assertEquals(l.stripTrailing(), l, "no trailing white space");
    }

    @Test
    void treeLeavesOutAbsentFields() {
        String tree = ModelTree.render(SampleMessages.serviceChangeRestart());
        assertFalse(tree.contains("null"), tree);
        assertFalse(tree.contains("optional"), tree);         // false flag
        assertFalse(tree.contains("contextAudit"), tree);     // empty list
        assertFalse(tree.contains("auth"), tree);             // null
    }
}
