package dev.holdfast.controller.admin;

import io.netty.handler.codec.http.HttpResponseStatus;

/** A request the API refuses: the status and the JSON body {@code {"error": message, "field": field}} it gets. */
final class ApiException extends RuntimeException {
    final HttpResponseStatus status;
    final String field;

    ApiException(HttpResponseStatus status, String message, String field) {
        super(message, null, false, false);
        this.status = status;
        this.field = field;
    }

    ApiException(HttpResponseStatus status, String message) { this(status, message, null); }

    static ApiException badRequest(String message, String field) {
        return new ApiException(HttpResponseStatus.BAD_REQUEST, message, field);
    }

    static ApiException notFound(String message) { return new ApiException(HttpResponseStatus.NOT_FOUND, message); }
}
