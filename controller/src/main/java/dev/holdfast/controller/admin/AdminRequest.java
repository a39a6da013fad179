package dev.holdfast.controller.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpMethod;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * One API request as the routes see it: method, path parameters ({@code {id}}), query parameters, body, where it
 * came from, and who sent it (null before authentication, or for a route that needs none).
 */
final class AdminRequest {
    final HttpMethod method;
    final String path;
    final Map<String, String> pathParams;
    final Map<String, List<String>> query;
    final byte[] body;
    final String contentType;
    final InetSocketAddress remote;
    final Session session;

    AdminRequest(HttpMethod method, String path, Map<String, String> pathParams, Map<String, List<String>> query,
                 byte[] body, String contentType, InetSocketAddress remote, Session session) {
        this.method = method;
        this.path = path;
        this.pathParams = pathParams;
        this.query = query;
        this.body = body;
        this.contentType = contentType;
        this.remote = remote;
        this.session = session;
    }

    /** The source address as text, for logs, audit and login throttling. */
    String source() { return remote == null ? "?" : remote.getAddress().getHostAddress(); }

    /** A path parameter that must be a call id or similar: a positive decimal number. */
    long idParam(String name) {
        String v = pathParams.get(name);
        if (v == null || v.isEmpty() || v.length() > 18 || !v.chars().allMatch(Character::isDigit)) {
            throw ApiException.badRequest("'" + AdminHttp.shorten(v) + "' is not a number", name);
        }
        return Long.parseLong(v);
    }

    /** The body as a JSON object; 400 naming the problem otherwise. */
    JsonNode jsonObject() {
        if (body.length == 0) throw ApiException.badRequest("a JSON object body is required", null);
        if (contentType != null && !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new ApiException(io.netty.handler.codec.http.HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
                    "the body must be application/json, not " + AdminHttp.shorten(contentType), null);
        }
        JsonNode n;
        try {
            n = AdminJson.MAPPER.readTree(body);
        } catch (java.io.IOException e) {
            throw ApiException.badRequest("the body is not JSON: " + AdminHttp.shorten(firstLine(e.getMessage())), null);
        }
        if (n == null || !n.isObject()) throw ApiException.badRequest("the body must be a JSON object", null);
        return n;
    }

    /** A required text field of a JSON object body. */
    static String text(JsonNode body, String field, int maxLength) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) throw ApiException.badRequest("'" + field + "' is missing", field);
        if (!v.isTextual()) throw ApiException.badRequest("'" + field + "' must be a string", field);
        String s = v.textValue();
        if (s.isEmpty()) throw ApiException.badRequest("'" + field + "' is empty", field);
        if (s.length() > maxLength) throw ApiException.badRequest("'" + field + "' is longer than " + maxLength, field);
        return s;
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
