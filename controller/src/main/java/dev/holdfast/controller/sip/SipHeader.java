package dev.holdfast.controller.sip;

/** One header line the core adds to a message it sends, e.g. {@code WWW-Authenticate}. */
public record SipHeader(String name, String value) {}
