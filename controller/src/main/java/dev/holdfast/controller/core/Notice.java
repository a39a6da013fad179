package dev.holdfast.controller.core;

import java.util.Map;

/**
 * Something the core tells its observers happened (a call started, changed or ended; a gateway registered or was
 * lost; a phone registered or left), for the admin API's live stream and metrics. Unlike a {@link Command} it asks
 * nothing of the world: observers may drop it, and the core's behaviour does not depend on whether anyone listens.
 *
 * @param time   the core time of the event that caused it (epoch ms)
 * @param kind   e.g. {@code call-started}, {@code call-state}, {@code call-released}, {@code gateway-registered},
 *               {@code gateway-lost}, {@code gateway-state}, {@code phone-registered}, {@code phone-unregistered}
 * @param fields what it says, as immutable values (text, numbers, immutable records such as a call's structure)
 */
public record Notice(long time, String kind, Map<String, Object> fields) {
    public Notice {
        fields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
    }
}
