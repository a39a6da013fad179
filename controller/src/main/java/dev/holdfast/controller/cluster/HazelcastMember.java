package dev.holdfast.controller.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

/**
 * One Hazelcast member on loopback, for {@code bin/hazelcast-member} (its own process) and for tests (in their JVM).
 * The controller never runs one: it is a client.
 */
public final class HazelcastMember {
    private HazelcastMember() {}

    /** Starts a member of {@code clusterName} on 127.0.0.1:{@code port} (exactly that port), joining members on loopback. */
    public static HazelcastInstance start(int port, String clusterName) {
        HazelcastLogging.quiet();
        Config config = new Config();
        config.setClusterName(clusterName);
        config.setInstanceName("holdfast-member-" + port);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "jdk");
        // a member that stops is gone at once, not after a graceful migration wait (one member: nothing to migrate)
        config.setProperty("hazelcast.shutdownhook.policy", "TERMINATE");
        config.getJetConfig().setEnabled(false);
        NetworkConfig net = config.getNetworkConfig();
        net.setPort(port).setPortAutoIncrement(false);
        net.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        net.setPublicAddress("127.0.0.1:" + port);
        JoinConfig join = net.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1");
        config.setProperty("hazelcast.socket.bind.any", "false");
        return Hazelcast.newHazelcastInstance(config);
    }
}
