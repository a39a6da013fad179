/**
 * SIP phone simulator and SIP load generator.
 * <ul>
 *   <li>{@link dev.holdfast.endpointsim.phone.Phone}: a phone's logic (registration with digest, refresh, keepalive
 *       and failover along an ordered list of controllers; calls, hold, transfer, conference join, session timers),
 *       free of I/O and real time: it runs on a {@code SimScheduler} and talks SIP through
 *       {@link dev.holdfast.endpointsim.sip.SipStackPort}. Each call's RTP is sim-common's talk-path probe.</li>
 *   <li>{@link dev.holdfast.endpointsim.sip.JainSipStack}: the port over JAIN-SIP, one stack and one UDP+TCP port
 *       for many phones; {@link dev.holdfast.endpointsim.sip.VirtualSipNetwork}: the port in virtual time.</li>
 *   <li>{@link dev.holdfast.endpointsim.PhoneRuntime}: phones in real time on one machine;
 *       {@link dev.holdfast.endpointsim.PhoneSimMain} ({@code bin/phones}): phones driven by a script file;
 *       {@link dev.holdfast.endpointsim.script.PhoneScriptTarget}: the script verbs.</li>
 *   <li>{@link dev.holdfast.endpointsim.load.SipLoadGenMain} ({@code bin/loadgen sip}): the load generator.</li>
 * </ul>
 */
package dev.holdfast.endpointsim;
