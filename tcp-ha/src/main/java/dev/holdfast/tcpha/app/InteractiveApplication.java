package dev.holdfast.tcpha.app;

/** The thesis's Interactive application: each 150-byte request gets a 10 KB reply. */
public final class InteractiveApplication extends RequestReplyApplication {
    public static final int REPLY_SIZE = 10 * 1024;

    @Override
    long replySize(long head) { return REPLY_SIZE; }
}
