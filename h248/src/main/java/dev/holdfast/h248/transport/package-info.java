/**
 * H.248 transports on Netty and the {@link dev.holdfast.h248.transport.H248Endpoint} facade.
 *
 * <p>Each transport composes its Netty pipeline in one method ({@code UdpTransport.composePipeline},
 * {@code TcpTransport.composePipeline}) from small handlers with one job each: framing
 * ({@link dev.holdfast.h248.transport.udp.DatagramFilter}: one datagram = one message, Annex D.1;
 * {@link dev.holdfast.h248.transport.tcp.TpktFrameDecoder}/{@link dev.holdfast.h248.transport.tcp.TpktFrameEncoder}:
 * TPKT, Annex D.2), encoding ({@link dev.holdfast.h248.transport.codec.MessageDecodeHandler},
 * {@link dev.holdfast.h248.transport.codec.MessageEncodeHandler} over a
 * {@link dev.holdfast.h248.transport.codec.MessageCodec}, text by default), connection tracking
 * ({@link dev.holdfast.h248.transport.tcp.ConnectionRegistry}) and hand-over to the transaction layer
 * ({@link dev.holdfast.h248.transport.TransactionDispatchHandler}). The user's callback is the transaction
 * layer's {@link dev.holdfast.h248.transaction.RequestHandler}.
 */
package dev.holdfast.h248.transport;
