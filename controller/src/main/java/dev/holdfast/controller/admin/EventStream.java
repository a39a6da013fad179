package dev.holdfast.controller.admin;

import io.netty.channel.Channel;

/** The live event stream (server-sent events). */
final class EventStream {
    /** A client of the stream: it takes the channel once the response head is written. */
    interface Subscriber {
        void attach(Channel channel);
    }
}
