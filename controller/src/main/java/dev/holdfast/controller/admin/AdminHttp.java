package dev.holdfast.controller.admin;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;

/**
 * One HTTP connection of the admin API: takes whole requests from the aggregator, one at a time (pipelined ones
 * wait, so that answers keep their order), routes them, checks the token and role, runs the route and writes its
 * answer as JSON. Whatever goes wrong, the client gets a status and a JSON error, never a stack trace.
 */
final class AdminHttp extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(AdminHttp.class.getName());
    /** Pipelined requests a connection may queue behind the one being answered. */
    private static final int MAX_WAITING = 16;

    private final AdminApi api;
    private final ArrayDeque<FullHttpRequest> waiting = new ArrayDeque<>();
    private boolean busy;
    private boolean streaming;

    AdminHttp(AdminApi api) { this.api = api; }

    @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest req)) {
            io.netty.util.ReferenceCountUtil.release(msg);
            return;
        }
        if (streaming) { // a stream's client has nothing more to ask on that connection
            req.release();
            return;
        }
        if (busy) {
            if (waiting.size() >= MAX_WAITING) {
                req.release();
                api.counters.count("http.pipeline-overflow");
                ctx.close();
                return;
            }
            waiting.add(req);
            return;
        }
        start(ctx, req);
    }

    private void start(ChannelHandlerContext ctx, FullHttpRequest req) {
        busy = true;
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        boolean head = req.method().equals(HttpMethod.HEAD);
        CompletableFuture<AdminResponse> answer;
        try {
            answer = dispatch(ctx, req);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        } finally {
            req.release();
        }
        answer.whenCompleteAsync((r, failure) -> finish(ctx, r, failure, keepAlive, head), ctx.executor());
    }

    private CompletableFuture<AdminResponse> dispatch(ChannelHandlerContext ctx, FullHttpRequest req) {
        api.counters.count("http.requests");
        if (req.decoderResult().isFailure()) {
            api.counters.count("http.malformed");
            LOG.log(System.Logger.Level.INFO, () -> "admin: malformed HTTP request from " + ctx.channel().remoteAddress()
                    + ": " + req.decoderResult().cause());
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, "malformed HTTP request");
        }
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        String path = uri.path();
        Set<String> allowed = Router.allowedSet();
        Router.Match m = api.router.match(req.method(), path, allowed);
        if (m == null) {
            if (allowed.isEmpty()) throw ApiException.notFound("no such resource: " + shorten(path));
            api.counters.count("http.wrong-method");
            throw new MethodNotAllowed(allowed);
        }
        byte[] body = new byte[req.content().readableBytes()];
        req.content().readBytes(body);
        InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
        Session session = m.route().role() == null ? null
                : api.authorize(m.route().role(), path, req.headers().get(HttpHeaderNames.AUTHORIZATION), uri.parameters());
        AdminRequest r = new AdminRequest(req.method(), path, m.params(), uri.parameters(), body,
                req.headers().get(HttpHeaderNames.CONTENT_TYPE), remote, session);
        return m.route().action().handle(r);
    }

    private void finish(ChannelHandlerContext ctx, AdminResponse r, Throwable failure, boolean keepAlive, boolean head) {
        if (failure != null) r = failureResponse(ctx, failure);
        if (!ctx.channel().isActive()) return;
        if (r.stream != null) {
            streaming = true;
            HttpResponse h = new DefaultHttpResponse(HttpVersion.HTTP_1_1, r.status);
            h.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType);
            h.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
            h.headers().set("X-Accel-Buffering", "no");
            HttpUtil.setTransferEncodingChunked(h, true);
            ctx.writeAndFlush(h);
            r.stream.attach(ctx.channel());
            waiting.forEach(FullHttpRequest::release);
            waiting.clear();
            return;
        }
        FullHttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, r.status,
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(r.body));
        out.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType);
        out.headers().set(HttpHeaderNames.CONTENT_LENGTH, r.body.length);
        out.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        out.headers().set("X-Content-Type-Options", "nosniff");
        for (Map.Entry<String, String> e : r.headers.entrySet()) out.headers().set(e.getKey(), e.getValue());
        api.counters.count("http.status." + r.status.code());
        if (keepAlive) {
            out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(out);
            busy = false;
            FullHttpRequest next = waiting.poll();
            if (next != null) start(ctx, next);
        } else {
            out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private AdminResponse failureResponse(ChannelHandlerContext ctx, Throwable failure) {
        Throwable t = failure;
        while (t instanceof CompletionException && t.getCause() != null) t = t.getCause();
        if (t instanceof MethodNotAllowed m) {
            return AdminResponse.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed here", null)
                    .withHeader("Allow", String.join(", ", m.allowed));
        }
        if (t instanceof ApiException e) {
            AdminResponse r = AdminResponse.error(e.status, e.getMessage(), e.field);
            if (e.status.equals(HttpResponseStatus.UNAUTHORIZED)) r = r.withHeader("WWW-Authenticate", "Bearer realm=\"holdfast\"");
            if (e.status.equals(HttpResponseStatus.TOO_MANY_REQUESTS)) r = r.withHeader("Retry-After", String.valueOf(api.retryAfterSeconds()));
            return r;
        }
        if (t instanceof RejectedExecutionException) {
            return AdminResponse.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "the controller is stopping", null);
        }
        if (t instanceof java.util.concurrent.TimeoutException) {
            api.counters.count("http.core-timeout");
            return AdminResponse.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "the controller's core did not answer in time", null);
        }
        api.counters.count("http.internal-error");
        LOG.log(System.Logger.Level.ERROR, "admin: request from " + ctx.channel().remoteAddress() + " failed", t);
        return AdminResponse.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error (logged)", null);
    }

    @Override public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent && !streaming) ctx.close();
        else super.userEventTriggered(ctx, evt);
    }

    @Override public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        waiting.forEach(FullHttpRequest::release);
        waiting.clear();
        super.channelInactive(ctx);
    }

    @Override public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        api.counters.count("http.io-errors");
        LOG.log(System.Logger.Level.DEBUG, () -> "admin: connection " + ctx.channel().remoteAddress() + ": " + cause);
        ctx.close();
    }

    /** Text from a request, cut short for error messages and logs. */
    static String shorten(String s) {
        if (s == null) return "";
        String t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        StringBuilder b = new StringBuilder(t.length());
        for (char c : t.toCharArray()) b.append(c < 0x20 || c == 0x7f ? '?' : c);
        return b.toString();
    }

    /** A known path asked with a method it does not take. */
    private static final class MethodNotAllowed extends RuntimeException {
        final Set<String> allowed;

        MethodNotAllowed(Set<String> allowed) {
            super(null, null, false, false);
            this.allowed = allowed;
        }
    }
}
