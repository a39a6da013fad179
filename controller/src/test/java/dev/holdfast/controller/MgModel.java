package dev.holdfast.controller;

import dev.holdfast.h248.message.ActionReply;
import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.CommandReply;
import dev.holdfast.h248.message.CommandRequest;
import dev.holdfast.h248.message.ContextId;
import dev.holdfast.h248.message.Descriptor;
import dev.holdfast.h248.message.ErrorDescriptor;
import dev.holdfast.h248.message.LocalDescriptor;
import dev.holdfast.h248.message.MediaDescriptor;
import dev.holdfast.h248.message.StreamDescriptor;
import dev.holdfast.h248.message.TerminationId;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The tests' own idea of a media gateway's contexts: executes Add (with {@code $} contexts and {@code $} RTP
 * terminations that get an SDP), Modify, Subtract and AuditValue; unknown terminations give error 430.
 */
final class MgModel {
    final Set<String> terminations = new LinkedHashSet<>();
    final Map<Long, List<String>> contexts = new LinkedHashMap<>();
    private final int rtpPortBase;
    private long nextContext = 1;
    private int nextRtp = 1;

    MgModel(int rtpPortBase, String... terminations) {
        this.rtpPortBase = rtpPortBase;
        for (String t : terminations) this.terminations.add(t.toUpperCase(Locale.ROOT));
    }

    /** The Local SDP of the n-th RTP termination (R1 is the first). */
    String sdp(int n) { return "v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio " + (rtpPortBase + 2 * (n + 1)) + " RTP/AVP 0\r\n"; }

    private boolean inSomeContext(String tid) {
        for (List<String> l : contexts.values()) if (l.contains(tid)) return true;
        return false;
    }

    /** Executes the actions of a request as a gateway would; returns the actions of the reply. */
    synchronized List<ActionReply> execute(List<ActionRequest> actions) {
        List<ActionReply> out = new ArrayList<>();
        for (ActionRequest a : actions) {
            ContextId ctx = a.contextId();
            if (ctx.equals(ContextId.ALL)) { executeAll(a, out); continue; }
            if (ctx.equals(ContextId.CHOOSE)) {
                ctx = ContextId.of(nextContext++);
                contexts.put(ctx.value(), new ArrayList<>());
            }
            List<CommandReply> replies = new ArrayList<>();
            ErrorDescriptor error = null;
            for (CommandRequest cr : a.commands()) {
                dev.holdfast.h248.message.Command c = cr.command();
                String tid = c.terminationIds().get(0).value().toUpperCase(Locale.ROOT);
                boolean known = tid.equals("ROOT") || tid.equals("$") || tid.equals("*") || terminations.contains(tid)
                        || (ctx.isSpecific() && contexts.getOrDefault(ctx.value(), List.of()).contains(tid))
                        || inSomeContext(tid);
                if (!known) {
                    ErrorDescriptor e = ErrorDescriptor.of(430, "no termination " + tid);
                    if (c instanceof dev.holdfast.h248.message.Command.Audit au) {
                        replies.add(new CommandReply.Audit(false, false, au.terminationIds(), List.of(e), null));
                        if (cr.optional()) continue;
                    }
                    if (cr.optional()) continue;
                    error = e;
                    break;
                }
                if (c instanceof dev.holdfast.h248.message.Command.Amm mv && mv.verb() == dev.holdfast.h248.message.Command.AmmVerb.MOVE
                        && !inSomeContext(tid)) {
                    // H.248.1 7.2.4: no Move from the null context
                    replies.add(new CommandReply.Amms(CommandReply.AmmsVerb.MOVE, mv.terminationIds(),
                            List.of(ErrorDescriptor.of(ErrorDescriptor.COMMAND_NOT_ALLOWED, tid + " is in no context"))));
                    break;
                }
                if (c instanceof dev.holdfast.h248.message.Command.Amm amm) {
                    List<Descriptor> returned = new ArrayList<>();
                    List<TerminationId> ids = amm.terminationIds();
                    if (amm.verb() == dev.holdfast.h248.message.Command.AmmVerb.ADD) {
                        if (tid.equals("$")) {
                            tid = "R" + nextRtp++;
                            ids = List.of(TerminationId.of(tid));
                            String sdp = sdp(nextRtp - 1);
                            returned.add(MediaDescriptor.of(new StreamDescriptor(1, List.of(new LocalDescriptor(sdp)))));
                        }
                        contexts.get(ctx.value()).add(tid);
                    } else if (amm.verb() == dev.holdfast.h248.message.Command.AmmVerb.MOVE) {
                        // out of the context it is in (gone when emptied), into this one (H.248.1 7.2.4)
                        for (var it = contexts.entrySet().iterator(); it.hasNext(); ) {
                            var e = it.next();
                            if (e.getValue().remove(tid) && e.getValue().isEmpty() && e.getKey() != ctx.value()) it.remove();
                        }
                        contexts.computeIfAbsent(ctx.value(), k -> new ArrayList<>()).add(tid);
                    }
                    replies.add(new CommandReply.Amms(CommandReply.AmmsVerb.valueOf(amm.verb().name()), ids, returned));
                } else if (c instanceof dev.holdfast.h248.message.Command.Subtract sub) {
                    List<String> in = contexts.getOrDefault(ctx.value(), new ArrayList<>());
                    if (tid.equals("*")) in.clear(); else in.remove(tid);
                    if (in.isEmpty()) contexts.remove(ctx.value());
                    replies.add(new CommandReply.Amms(CommandReply.AmmsVerb.SUBTRACT, sub.terminationIds(), List.of()));
                } else if (c instanceof dev.holdfast.h248.message.Command.Audit au) {
                    replies.add(new CommandReply.Audit(false, false, au.terminationIds(), List.of(), null));
                } else {
                    error = ErrorDescriptor.of(501, "not by this gateway");
                    break;
                }
            }
            out.add(new ActionReply(ctx, List.of(), replies, error));
        }
        return out;
    }

    /** ContextID ALL, Subtract only: each termination leaves the context holding it; one reply per context. */
    private void executeAll(ActionRequest a, List<ActionReply> out) {
        Map<Long, List<CommandReply>> byContext = new LinkedHashMap<>();
        for (CommandRequest cr : a.commands()) {
            if (!(cr.command() instanceof dev.holdfast.h248.message.Command.Subtract sub)) {
                out.add(new ActionReply(ContextId.ALL, List.of(), List.of(), ErrorDescriptor.of(501, "not by this gateway")));
                return;
            }
            String tid = sub.terminationIds().get(0).value().toUpperCase(Locale.ROOT);
            for (var it = contexts.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                if (!e.getValue().remove(tid)) continue;
                byContext.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                        .add(new CommandReply.Amms(CommandReply.AmmsVerb.SUBTRACT, sub.terminationIds(), List.of()));
                if (e.getValue().isEmpty()) it.remove();
            }
        }
        for (var e : byContext.entrySet()) out.add(new ActionReply(ContextId.of(e.getKey()), List.of(), e.getValue(), null));
        if (byContext.isEmpty()) {
            out.add(new ActionReply(ContextId.ALL, List.of(), List.of(), ErrorDescriptor.of(431, "no termination in a context")));
        }
    }
}
