/**
 * Cluster state with Hazelcast, client only (docs/cluster.md): CDRs, SIP registrations, gateway ownership,
 * controller membership and health, and the subscriber directory, written by {@link
 * dev.holdfast.controller.cluster.ClusterClient} on its own thread with timeouts, never by the core. Losing the
 * cluster never stops or slows call processing: CDRs wait in a bounded queue and spool file and are written when the
 * cluster returns. {@link dev.holdfast.controller.cluster.HazelcastMemberMain} runs a member as its own process
 * ({@code bin/hazelcast-member}); the controller itself never embeds one.
 */
package dev.holdfast.controller.cluster;
