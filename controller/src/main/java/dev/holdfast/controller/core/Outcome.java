package dev.holdfast.controller.core;

import dev.holdfast.h248.message.Transaction;

/** How a request the core sent ended: a reply (which may carry errors), or no reply at all. */
public record Outcome(Transaction.Reply reply, String failure) {
    public static Outcome replied(Transaction.Reply r) { return new Outcome(r, null); }

    public static Outcome failed(String reason) { return new Outcome(null, reason); }

    public boolean failed() { return reply == null; }

    /** True when a reply came and neither the transaction nor any of its actions or commands carries an error. */
    public boolean ok() {
        if (reply == null || reply.error() != null) return false;
        for (var a : reply.actions()) {
            if (a.error() != null) return false;
            for (var c : a.replies()) if (H248.error(c) != null) return false;
        }
        return true;
    }

    /** The first error in the reply, or null. */
    public dev.holdfast.h248.message.ErrorDescriptor firstError() {
        if (reply == null) return null;
        if (reply.error() != null) return reply.error();
        for (var a : reply.actions()) {
            if (a.error() != null) return a.error();
            for (var c : a.replies()) if (H248.error(c) != null) return H248.error(c);
        }
        return null;
    }

    @Override public String toString() {
        if (reply == null) return "failed: " + failure;
        var e = firstError();
        return e == null ? "ok" : "error " + e.code() + (e.text() == null ? "" : " " + e.text());
    }
}
