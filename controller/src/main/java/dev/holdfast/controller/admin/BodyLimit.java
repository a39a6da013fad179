package dev.holdfast.controller.admin;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;

/** Aggregates a request and its body up to a cap; a larger body gets 413 with a JSON error, and the connection closes. */
final class BodyLimit extends HttpObjectAggregator {
    private static final System.Logger LOG = System.getLogger(BodyLimit.class.getName());
    private final AdminCounters counters;

    BodyLimit(int maxBytes, AdminCounters counters) {
        super(maxBytes);
        this.counters = counters;
    }

    @Override protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        counters.count("http.body-too-large");
        LOG.log(System.Logger.Level.INFO, () -> "admin: request body over " + maxContentLength() + " bytes from "
                + ctx.channel().remoteAddress() + " refused (413)");
        byte[] body = ("{\"error\":\"the request body is larger than " + maxContentLength() + " bytes\",\"field\":null}")
                .getBytes(StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, AdminResponse.JSON);
        r.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }
}
