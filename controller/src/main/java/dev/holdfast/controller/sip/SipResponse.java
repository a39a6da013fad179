package dev.holdfast.controller.sip;

/** A response to a request the core sent, as the core sees it. */
public record SipResponse(int status, String reason, String method, String toTag, String contentType, String body) {}
