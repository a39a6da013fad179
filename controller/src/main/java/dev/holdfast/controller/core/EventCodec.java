package dev.holdfast.controller.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.message.Transaction;
import dev.holdfast.h248.text.DecodeOptions;
import dev.holdfast.h248.text.DecodeResult;
import dev.holdfast.h248.text.TextCodec;
import dev.holdfast.h248.text.TextForm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Events and commands as one-line JSON objects, H.248 content as compact H.248 text (readable, and exactly what
 * the codec round-trips). Field order is fixed, so the same command always gives the same bytes.
 */
public final class EventCodec {
    private EventCodec() {}

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The mId written on replies and commands in the log: only the transaction inside matters. */
    private static final MId LOG_MID = new MId.DeviceName("log");
    /** Replies are kept in the richest version, so nothing a gateway sent is refused by the encoder. */
    private static final int REPLY_VERSION = 3;

    // ------------------------------------------------------------------------------------------ events

    public static String encode(long seq, Event e) {
        ObjectNode o = JSON.createObjectNode();
        o.put("seq", seq);
        o.put("time", e.time());
        if (e instanceof Event.RequestReceived r) {
            o.put("type", "request");
            o.put("peer", r.peer());
            o.put("handle", r.handle());
            o.put("message", TextCodec.encode(Message.of(r.version(), r.mid(), r.request()), TextForm.COMPACT));
        } else if (e instanceof Event.ReplyReceived r) {
            o.put("type", "reply");
            o.put("token", r.token());
            o.put("message", TextCodec.encode(Message.of(REPLY_VERSION, LOG_MID, r.reply()), TextForm.COMPACT));
        } else if (e instanceof Event.RequestFailed f) {
            o.put("type", "failed");
            o.put("token", f.token());
            o.put("reason", f.reason());
        } else if (e instanceof Event.TimerFired t) {
            o.put("type", "timer");
            o.put("timer", t.timer());
        } else if (e instanceof Event.PeerLost p) {
            o.put("type", "peer-lost");
            o.put("peer", p.peer());
        } else if (e instanceof Event.SipRequestReceived r) {
            o.put("type", "sip-request");
            o.put("source", r.source());
            o.put("handle", r.handle());
            o.set("sip", JSON.valueToTree(r.request()));
        } else if (e instanceof Event.SipResponseReceived r) {
            o.put("type", "sip-response");
            o.put("token", r.token());
            o.set("sip", JSON.valueToTree(r.response()));
        } else if (e instanceof Event.SipRequestFailed f) {
            o.put("type", "sip-failed");
            o.put("token", f.token());
            o.put("reason", f.reason());
        } else if (e instanceof Event.SipDialogEnded d) {
            o.put("type", "sip-dialog-ended");
            o.put("callId", d.callId());
        } else if (e instanceof Event.Admin a) {
            o.put("type", "admin");
            o.put("verb", a.verb());
            ArrayNode args = o.putArray("args");
            a.args().forEach(args::add);
        }
        return o.toString();
    }

    /** The event of a log line, or an exception naming what is wrong with it. */
    public static Event decodeEvent(String line) {
        JsonNode o = parse(line);
        long time = o.path("time").asLong();
        String type = o.path("type").asText();
        switch (type) {
            case "request" -> {
                Message m = message(o.path("message").asText());
                return new Event.RequestReceived(time, o.path("peer").asText(), m.version(), m.mid(),
                        o.path("handle").asLong(), (Transaction.Request) m.transactions().get(0));
            }
            case "reply" -> {
                Message m = message(o.path("message").asText());
                return new Event.ReplyReceived(time, o.path("token").asLong(), (Transaction.Reply) m.transactions().get(0));
            }
            case "failed" -> { return new Event.RequestFailed(time, o.path("token").asLong(), o.path("reason").asText()); }
            case "timer" -> { return new Event.TimerFired(time, o.path("timer").asLong()); }
            case "peer-lost" -> { return new Event.PeerLost(time, o.path("peer").asText()); }
            case "admin" -> {
                List<String> args = new ArrayList<>();
                o.path("args").forEach(a -> args.add(a.asText()));
                return new Event.Admin(time, o.path("verb").asText(), args);
            }
            case "sip-request" -> {
                return new Event.SipRequestReceived(time, o.path("source").asText(), o.path("handle").asLong(),
                        treeToValue(o.path("sip"), dev.holdfast.controller.sip.SipRequest.class));
            }
            case "sip-response" -> {
                return new Event.SipResponseReceived(time, o.path("token").asLong(),
                        treeToValue(o.path("sip"), dev.holdfast.controller.sip.SipResponse.class));
            }
            case "sip-dialog-ended" -> { return new Event.SipDialogEnded(time, o.path("callId").asText()); }
            case "sip-failed" -> { return new Event.SipRequestFailed(time, o.path("token").asLong(), o.path("reason").asText()); }
            default -> throw new IllegalArgumentException("unknown event type '" + type + "'");
        }
    }

    // ------------------------------------------------------------------------------------------ commands

    public static String encode(Command c) {
        ObjectNode o = JSON.createObjectNode();
        if (c instanceof Command.SendRequest s) {
            o.put("type", "send");
            o.put("peer", s.peer());
            o.put("token", s.token());
            o.put("message", TextCodec.encode(Message.of(1, LOG_MID, new Transaction.Request(s.token(), s.actions())), TextForm.COMPACT));
        } else if (c instanceof Command.SendReply r) {
            o.put("type", "reply");
            o.put("handle", r.handle());
            o.put("message", TextCodec.encode(Message.of(1, LOG_MID, Transaction.Reply.of(r.handle(), r.actions())), TextForm.COMPACT));
        } else if (c instanceof Command.SendErrorReply r) {
            o.put("type", "error-reply");
            o.put("handle", r.handle());
            o.put("message", TextCodec.encode(Message.of(1, LOG_MID, Transaction.Reply.error(r.handle(), r.error())), TextForm.COMPACT));
        } else if (c instanceof Command.StartTimer t) {
            o.put("type", "start-timer");
            o.put("timer", t.timer());
            o.put("delay", t.delayMillis());
        } else if (c instanceof Command.CancelTimer t) {
            o.put("type", "cancel-timer");
            o.put("timer", t.timer());
        } else if (c instanceof Command.SipRespond r) {
            o.put("type", "sip-respond");
            o.put("handle", r.handle());
            o.set("sip", JSON.valueToTree(r.reply()));
        } else if (c instanceof Command.SipSend r) {
            o.put("type", "sip-send");
            o.put("token", r.token());
            o.set("sip", JSON.valueToTree(r.request()));
        } else if (c instanceof Command.SipAdoptDialog a) {
            o.put("type", "sip-adopt-dialog");
            o.set("sip", JSON.valueToTree(a.dialog()));
        } else if (c instanceof Command.SipAdoptEarlyDialog a) {
            o.put("type", "sip-adopt-early-dialog");
            o.put("token", a.token());
            if (a.inviteBranch() != null) o.put("inviteBranch", a.inviteBranch());
            o.set("sip", JSON.valueToTree(a.dialog()));
        }
        return o.toString();
    }

    // ------------------------------------------------------------------------------------------ header

    /** The first line of a log: what a fresh core must be built from to replay it. */
    public static String header(JsonNode provisioning, long seed) {
        ObjectNode o = JSON.createObjectNode();
        o.put("type", "header");
        o.put("format", "holdfast-event-log/1");
        o.put("seed", seed);
        o.set("provisioning", provisioning);
        return o.toString();
    }

    public record Header(JsonNode provisioning, long seed) {}

    public static Header decodeHeader(String line) {
        JsonNode o = parse(line);
        if (!"header".equals(o.path("type").asText())) throw new IllegalArgumentException("not an event log header");
        return new Header(o.path("provisioning"), o.path("seed").asLong());
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T treeToValue(JsonNode node, Class<T> type) {
        try {
            return JSON.treeToValue(node, type);
        } catch (IOException e) {
            throw new IllegalArgumentException("bad SIP content in log: " + e.getMessage(), e);
        }
    }

    private static Message message(String text) {
        DecodeResult r = TextCodec.decode(text, DecodeOptions.LENIENT);
        if (r instanceof DecodeResult.Failed f) throw new IllegalArgumentException("bad H.248 in log: " + f.error());
        return ((DecodeResult.Decoded) r).message();
    }

}
