package dev.holdfast.controller.provisioning;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each field and element of a JSON or YAML document starts: JSON Pointer to line and column. Built with
 * the streaming parser so that checks made after binding (duplicate numbers, unknown trunk groups) can still point
 * at the line of the field they are about.
 */
final class LocationIndex {
    record Position(int line, int column) {}

    private final Map<String, Position> positions = new HashMap<>();

    static LocationIndex of(JsonFactory factory, String text) {
        LocationIndex index = new LocationIndex();
        try (JsonParser p = factory.createParser(text)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) continue;
                String pointer = p.getParsingContext().pathAsPointer().toString();
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    // the container's own path is that of its parent context
                    pointer = p.getParsingContext().getParent() == null ? ""
                            : p.getParsingContext().getParent().pathAsPointer().toString();
                }
                JsonLocation l = p.currentTokenLocation();
                index.positions.putIfAbsent(pointer, new Position(l.getLineNr(), l.getColumnNr()));
            }
        } catch (IOException e) {
            // a syntax error is reported by the binding pass with its own location; keep what was indexed
        }
        return index;
    }

    /** The position of {@code pointer}, or of its nearest ancestor that has one, or null. */
    Position find(String pointer) {
        JsonPointer p = JsonPointer.compile(pointer);
        while (p != null) {
            Position pos = positions.get(p.toString());
            if (pos != null) return pos;
            p = p.head();
        }
        return null;
    }

    /** {@code /gateways/1/lines/0/number} as {@code gateways[1].lines[0].number}. */
    static String fieldName(String pointer) {
        StringBuilder sb = new StringBuilder();
        for (String part : pointer.split("/")) {
            if (part.isEmpty()) continue;
            if (part.chars().allMatch(Character::isDigit)) sb.append('[').append(part).append(']');
            else {
                if (sb.length() > 0) sb.append('.');
                sb.append(part.replace("~1", "/").replace("~0", "~"));
            }
        }
        return sb.toString();
    }
}
