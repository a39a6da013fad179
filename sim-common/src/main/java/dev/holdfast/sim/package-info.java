/**
 * Code shared by the simulators (the media-gateway simulator now, the SIP phone simulator later):
 * <ul>
 *   <li>{@link dev.holdfast.sim.time}: the one thread and the clock a simulator runs on, real
 *       ({@link dev.holdfast.sim.time.EventLoopSimScheduler}) or virtual
 *       ({@link dev.holdfast.sim.time.VirtualSimScheduler});</li>
 *   <li>{@link dev.holdfast.sim.media}: UDP sockets for media, real (Netty, one shared event loop) or in memory;</li>
 *   <li>{@link dev.holdfast.sim.rtp}: the RTP talk-path probe that proves a call's media really flows;</li>
 *   <li>{@link dev.holdfast.sim.script}: scripted user actions ({@code off-hook A1}, {@code dial A1 1002}, ...).</li>
 * </ul>
 */
package dev.holdfast.sim;
