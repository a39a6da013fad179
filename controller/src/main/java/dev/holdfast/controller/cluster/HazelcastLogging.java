package dev.holdfast.controller.cluster;

import java.util.logging.Level;
import java.util.logging.Logger;

/** Hazelcast logs through java.util.logging (the project's one logging API), and only its warnings: it is chatty. */
final class HazelcastLogging {
    /** Held: java.util.logging keeps loggers weakly, and a collected logger forgets its level. */
    private static final Logger HAZELCAST = Logger.getLogger("com.hazelcast");
    /** The client's connection manager warns at every reconnection attempt; the client logs the outage once itself. */
    private static final Logger CONNECTIONS = Logger.getLogger("com.hazelcast.client.impl.connection");

    private HazelcastLogging() {}

    static void quiet() {
        if (System.getProperty("hazelcast.logging.type") == null) System.setProperty("hazelcast.logging.type", "jdk");
        if (System.getProperty("hazelcast.logging.level") == null) {
            HAZELCAST.setLevel(Level.WARNING);
            CONNECTIONS.setLevel(Level.SEVERE);
        }
        // no phone-home: the product and its tests tell nobody outside that they run
        System.setProperty("hazelcast.phone.home.enabled", "false");
    }
}
