package dev.holdfast.controller.sip;

/**
 * A Contact of a request: its URI and its {@code expires} parameter (null when absent). {@code *} (all bindings)
 * is the URI {@code "*"}.
 */
public record SipContact(String uri, Integer expires) {
    public boolean wildcard() { return "*".equals(uri); }
}
