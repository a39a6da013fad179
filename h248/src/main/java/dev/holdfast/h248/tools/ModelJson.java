package dev.holdfast.h248.tools;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonTypeIdResolver;
import com.fasterxml.jackson.databind.jsontype.impl.TypeIdResolverBase;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.holdfast.h248.message.ContextId;
import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.message.RequestId;
import dev.holdfast.h248.message.TerminationId;
import dev.holdfast.h248.message.TimeStamp;

import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The message model as JSON, with Jackson. Every value whose declared type is one of the model's sealed
 * interfaces (Transaction, Command, Descriptor, MId, ...) carries an {@code "@type"} field (a name no record
 * component can have) naming its record as the tree does, e.g. {@code "Command.Amm"},
 * {@code "MediaDescriptor"}, so that the variants can be told apart. Context ids, request ids, termination ids
 * and time stamps are strings as written on the wire ({@code "-"}, {@code "$"}, {@code "*"}, {@code "12"});
 * absent (null) fields are left out.
 */
final class ModelJson {
    private ModelJson() {}

    @JsonTypeInfo(use = JsonTypeInfo.Id.CUSTOM, include = JsonTypeInfo.As.PROPERTY, property = "@type")
    @JsonTypeIdResolver(TypeNames.class)
    private interface Typed {}

    /** Type ids as the tree shows them: {@code Command.Amm}, {@code MediaDescriptor} (written, never read). */
    static final class TypeNames extends TypeIdResolverBase {
        @Override
        public String idFromValue(Object value) { return ModelTree.typeName(value); }

        @Override
        public String idFromValueAndType(Object value, Class<?> suggestedType) { return ModelTree.typeName(value); }

        @Override
        public JsonTypeInfo.Id getMechanism() { return JsonTypeInfo.Id.CUSTOM; }
    }

    private static final ObjectMapper MAPPER = build();

    static String write(Message message) {
        try {
            return MAPPER.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the model as JSON", e);
        }
    }

    private static ObjectMapper build() {
        SimpleModule ids = new SimpleModule("h248-ids");
        ids.addSerializer(ContextId.class, new AsText<>());
        ids.addSerializer(RequestId.class, new AsText<>());
        ids.addSerializer(TerminationId.class, new AsText<>());
        ids.addSerializer(TimeStamp.class, new AsText<>());
        JsonMapper.Builder b = JsonMapper.builder()
                .addModule(ids)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .disable(MapperFeature.AUTO_DETECT_IS_GETTERS) // record helpers such as isWildcard() are not data
                .serializationInclusion(JsonInclude.Include.NON_NULL);
        for (Class<?> sealed : sealedInterfaces()) b.addMixIn(sealed, Typed.class);
        return b.build();
    }

    /** The sealed interfaces reachable from {@link Message}: the places where a variant must be named. */
    static Set<Class<?>> sealedInterfaces() {
        Set<Class<?>> sealed = new LinkedHashSet<>();
        walk(Message.class, new LinkedHashSet<>(), sealed);
        return sealed;
    }

    private static void walk(Type type, Set<Class<?>> seen, Set<Class<?>> sealed) {
        if (type instanceof ParameterizedType p) {
            for (Type arg : p.getActualTypeArguments()) walk(arg, seen, sealed);
            return;
        }
        if (!(type instanceof Class<?> c) || !c.getName().startsWith("dev.holdfast.h248.message.") || !seen.add(c)) {
            return;
        }
        if (c.isSealed()) {
            if (c.isInterface()) sealed.add(c);
            for (Class<?> sub : c.getPermittedSubclasses()) walk(sub, seen, sealed);
        }
        if (c.isRecord()) {
            for (RecordComponent rc : c.getRecordComponents()) walk(rc.getGenericType(), seen, sealed);
        }
    }

    private static final class AsText<T> extends JsonSerializer<T> {
        @Override
        public void serialize(T value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeString(value.toString());
        }
    }
}
