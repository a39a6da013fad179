package dev.holdfast.controller.admin;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.holdfast.h248.message.ContextId;

import java.io.IOException;

/** The admin API's JSON: records as objects, context ids as H.248 writes them ({@code "7"}, {@code "-"}, {@code "$"}). */
final class AdminJson {
    private AdminJson() {}

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new SimpleModule("holdfast-admin").addSerializer(ContextId.class, new ContextIdText()))
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private static final class ContextIdText extends StdSerializer<ContextId> {
        ContextIdText() { super(ContextId.class); }

        @Override public void serialize(ContextId c, JsonGenerator g, SerializerProvider p) throws IOException {
            g.writeString(c.toString());
        }
    }
}
