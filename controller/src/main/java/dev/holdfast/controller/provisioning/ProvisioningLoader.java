package dev.holdfast.controller.provisioning;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads a provisioning file, JSON ({@code .json}) or YAML (anything else), binds it and validates it. Every problem
 * is reported with its file, line, column and field; nothing half-valid is ever returned.
 */
public final class ProvisioningLoader {
    private ProvisioningLoader() {}

    public enum Format { JSON, YAML }

    public static Provisioning load(Path file) throws ProvisioningException, IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        Format format = name.endsWith(".json") ? Format.JSON : Format.YAML;
        return parse(Files.readString(file, StandardCharsets.UTF_8), format, file.toString());
    }

    public static Provisioning parse(String text, Format format, String source) throws ProvisioningException {
        ObjectMapper mapper = mapper(format);
        Provisioning p;
        try {
            p = mapper.readValue(text, Provisioning.class);
        } catch (JsonMappingException e) {
            throw new ProvisioningException(List.of(bindingProblem(source, e)));
        } catch (JsonProcessingException e) {
            JsonLocation l = e.getLocation();
            throw new ProvisioningException(List.of(new ProvisioningException.Problem(source,
                    l == null ? 0 : l.getLineNr(), l == null ? 0 : l.getColumnNr(), "", e.getOriginalMessage())));
        }
        if (p == null) {
            throw new ProvisioningException(List.of(new ProvisioningException.Problem(source, 1, 1, "",
                    "the file is empty")));
        }
        LocationIndex index = LocationIndex.of(mapper.getFactory(), text);
        List<ProvisioningException.Problem> problems = new ArrayList<>();
        for (ProvisioningValidator.Violation v : ProvisioningValidator.validate(p)) {
            LocationIndex.Position pos = index.find(v.pointer());
            problems.add(new ProvisioningException.Problem(source, pos == null ? 0 : pos.line(),
                    pos == null ? 0 : pos.column(), LocationIndex.fieldName(v.pointer()), v.message()));
        }
        if (!problems.isEmpty()) throw new ProvisioningException(problems);
        return p;
    }

    /** The mapper for a format: unknown fields, duplicate keys and nulls for numbers are errors. */
    public static ObjectMapper mapper(Format format) {
        var builder = format == Format.JSON ? JsonMapper.builder(new JsonFactory()) : YAMLMapper.builder(new YAMLFactory());
        return builder
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
    }

    /** Reads a provisioning written by {@link #toJson} (an event log's header), validating it again. */
    public static Provisioning fromJson(com.fasterxml.jackson.databind.JsonNode node) throws ProvisioningException {
        return parse(node.toString(), Format.JSON, "event log header");
    }

    /** Writes a provisioning as JSON (for event log headers and generated configurations). */
    public static ObjectNode toJson(Provisioning p) {
        return mapper(Format.JSON).valueToTree(p);
    }

    private static ProvisioningException.Problem bindingProblem(String source, JsonMappingException e) {
        JsonLocation l = e.getLocation();
        StringBuilder field = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (field.length() > 0) field.append('.');
                field.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                field.append('[').append(r.getIndex()).append(']');
            }
        }
        String message = e.getOriginalMessage();
        if (e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException u) {
            message = "unknown field '" + u.getPropertyName() + "' (known: " + u.getKnownPropertyIds() + ")";
        } else if (e instanceof com.fasterxml.jackson.databind.exc.InvalidFormatException f) {
            message = "cannot read " + describe(f.getValue()) + " as " + simpleType(f.getTargetType())
                    + enumValues(f.getTargetType());
        } else if (e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException m) {
            message = "expected " + simpleType(m.getTargetType()) + enumValues(m.getTargetType())
                    + " here: " + firstLine(e.getOriginalMessage());
        }
        return new ProvisioningException.Problem(source, l == null ? 0 : l.getLineNr(), l == null ? 0 : l.getColumnNr(),
                field.toString(), message);
    }

    private static String describe(Object value) {
        return value instanceof String s ? "'" + s + "'" : String.valueOf(value);
    }

    private static String simpleType(Class<?> type) {
        if (type == null) return "a value";
        if (type == String.class) return "text";
        if (type == Integer.class || type == int.class) return "a whole number";
        if (type == Boolean.class || type == boolean.class) return "yes/no (true or false)";
        if (List.class.isAssignableFrom(type)) return "a list";
        if (type.isEnum()) return "one of";
        if (type.isRecord()) return "a mapping (" + type.getSimpleName() + ")";
        return type.getSimpleName();
    }

    private static String enumValues(Class<?> type) {
        if (type == null || !type.isEnum()) return "";
        List<String> names = new ArrayList<>();
        for (Object c : type.getEnumConstants()) names.add(((Enum<?>) c).name().toLowerCase(Locale.ROOT));
        return " " + names;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
