package dev.holdfast.controller.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** What a route answers: a status and a body (JSON unless said otherwise), or a live stream that takes the channel. */
final class AdminResponse {
    static final String JSON = "application/json; charset=utf-8";

    final HttpResponseStatus status;
    final String contentType;
    final byte[] body;
    final Map<String, String> headers;
    /** Non-null: the route streams; it is handed the channel after the response head is written. */
    final EventStream.Subscriber stream;

    private AdminResponse(HttpResponseStatus status, String contentType, byte[] body, Map<String, String> headers,
                          EventStream.Subscriber stream) {
        this.status = status;
        this.contentType = contentType;
        this.body = body;
        this.headers = headers;
        this.stream = stream;
    }

    static AdminResponse json(HttpResponseStatus status, Object value) {
        try {
            return new AdminResponse(status, JSON, AdminJson.MAPPER.writeValueAsBytes(value), Map.of(), null);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a response as JSON", e);
        }
    }

    static AdminResponse ok(Object value) { return json(HttpResponseStatus.OK, value); }

    static AdminResponse text(HttpResponseStatus status, String contentType, String text) {
        return new AdminResponse(status, contentType, text.getBytes(StandardCharsets.UTF_8), Map.of(), null);
    }

    static AdminResponse stream(EventStream.Subscriber subscriber) {
        return new AdminResponse(HttpResponseStatus.OK, "text/event-stream; charset=utf-8", new byte[0], Map.of(), subscriber);
    }

    static AdminResponse error(HttpResponseStatus status, String message, String field) {
        java.util.LinkedHashMap<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("error", message);
        body.put("field", field);
        return json(status, body);
    }

    AdminResponse withHeader(String name, String value) {
        java.util.LinkedHashMap<String, String> h = new java.util.LinkedHashMap<>(headers);
        h.put(name, value);
        return new AdminResponse(status, contentType, body, Map.copyOf(h), stream);
    }
}
