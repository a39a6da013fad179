package dev.holdfast.tcpha.app;

/** The thesis's Bulk application: a 150-byte request names a file size (its first 8 bytes); the reply is that many bytes. */
public final class BulkApplication extends RequestReplyApplication {
    @Override
    long replySize(long head) { return head; }
}
