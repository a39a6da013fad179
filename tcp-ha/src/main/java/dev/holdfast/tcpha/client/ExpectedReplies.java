package dev.holdfast.tcpha.client;

import dev.holdfast.tcpha.app.InteractiveApplication;
import dev.holdfast.tcpha.app.Requests;

/** What a client sends as message {@code msg} and what it must get back, for each demo application. */
public record ExpectedReplies(String app, long bulkSize) {

    public byte[] request(long conn, long msg) {
        byte[] r = new byte[Requests.REQUEST_SIZE];
        for (int i = 0; i < r.length; i++) r[i] = Requests.requestByte(conn, msg, i);
        if (app.equals("bulk")) {
            for (int i = 0; i < 8; i++) r[i] = (byte) (bulkSize >>> (56 - 8 * i));
        }
        return r;
    }

    public long replySize() {
        return switch (app) {
            case "echo" -> Requests.REQUEST_SIZE;
            case "interactive" -> InteractiveApplication.REPLY_SIZE;
            case "bulk" -> bulkSize;
            default -> throw new IllegalArgumentException("unknown application " + app);
        };
    }

    /** Byte {@code pos} of the reply to {@code request}. */
    public byte replyByte(byte[] request, long pos) {
        return app.equals("echo") ? request[(int) pos] : Requests.replyByte(Requests.head(request), pos);
    }
}
