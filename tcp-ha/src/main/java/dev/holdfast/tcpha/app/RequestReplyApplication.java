package dev.holdfast.tcpha.app;

/** Collects fixed-size requests from the byte stream and answers each with a reply computed from it. */
abstract class RequestReplyApplication implements StreamApplication {
    private static final int CHUNK = 16 * 1024;

    /** The reply size for a request whose first 8 bytes read {@code head}. */
    abstract long replySize(long head);

    @Override
    public Session open() {
        byte[] request = new byte[Requests.REQUEST_SIZE];
        int[] have = {0};
        return (buf, off, len, out) -> {
            int i = off;
            while (i < off + len) {
                int n = Math.min(off + len - i, request.length - have[0]);
                System.arraycopy(buf, i, request, have[0], n);
                have[0] += n;
                i += n;
                if (have[0] == request.length) {
                    have[0] = 0;
                    reply(Requests.head(request), out);
                }
            }
        };
    }

    private void reply(long head, Output out) throws InterruptedException {
        long size = replySize(head);
        // sized to the reply: a 150-byte echo must not allocate 16 KB (1,000 connections made that a GC storm)
        byte[] chunk = new byte[(int) Math.min(CHUNK, size)];
        for (long pos = 0; pos < size; ) {
            int n = (int) Math.min(CHUNK, size - pos);
            for (int j = 0; j < n; j++) chunk[j] = Requests.replyByte(head, pos + j);
            out.write(chunk, 0, n);
            pos += n;
        }
    }
}
