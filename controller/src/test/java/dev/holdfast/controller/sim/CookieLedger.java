package dev.holdfast.controller.sim;

import dev.holdfast.controller.cookie.CookieCodec;
import dev.holdfast.controller.cookie.CookieKeyRing;
import dev.holdfast.controller.cookie.CookieVerdict;
import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.Command;
import dev.holdfast.h248.message.CommandRequest;
import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.message.MessageBody;
import dev.holdfast.h248.message.Transaction;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Watches the wire for call cookies, independently of the controllers' own counting: every cookie a controller
 * wrote to a gateway, and every cookie a gateway returned to the alternate in reply to its context audits
 * ({@code Context=n {AuditValue=* {Audit{Media}}}}), each reply counted once. A returned cookie some controller wrote is genuine;
 * any other is not and must be rejected. With {@code tamper} it alters one octet of the first audited cookie on
 * the wire (a forgery in transit) and remembers the call it belonged to.
 */
final class CookieLedger implements SimWire.Tap {
    private static final Pattern COOKIE = Pattern.compile("hfck/c\\s*=\\s*\"([A-Za-z0-9_-]+)\"", Pattern.CASE_INSENSITIVE);
    private static final String B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private final SimControllerNode alternate;
    private final CookieKeyRing keys;
    private final long nowMillis;
    private final Set<String> written = new HashSet<>();
    private final Set<String> audits = new HashSet<>();
    private final Set<String> counted = new HashSet<>();
    private boolean tamper;
    long genuine;
    long forged;
    /** The call key of the cookie altered on the wire (0: none), and where it was. */
    long tamperedKey;
    String tamperedWhere;

    /** Only cookies from this gateway are altered (null: the first audited anywhere). */
    private final String tamperOn;
    /** Every cookie of that gateway's first audit reply is altered, not only the first. */
    boolean tamperAll;

    CookieLedger(SimControllerNode alternate, CookieKeyRing keys, long nowMillis, boolean tamper) {
        this(alternate, keys, nowMillis, tamper, null);
    }

    CookieLedger(SimControllerNode alternate, CookieKeyRing keys, long nowMillis, boolean tamper, String tamperOn) {
        this.alternate = alternate;
        this.keys = keys;
        this.nowMillis = nowMillis;
        this.tamper = tamper;
        this.tamperOn = tamperOn;
    }

    @Override public String arrived(SimWire.Link link, boolean toController, String text, Message m) {
        if (!(m.body() instanceof MessageBody.Transactions ts)) return null;
        if (!toController) {
            Matcher x = COOKIE.matcher(text);
            while (x.find()) written.add(x.group(1));
            if (link.controller == alternate) {
                for (Transaction t : ts.transactions()) {
                    if (t instanceof Transaction.Request r && contextAudit(r)) audits.add(link.id + ":" + r.transactionId());
                }
            }
            return null;
        }
        if (link.controller != alternate || ts.transactions().size() != 1
                || !(ts.transactions().get(0) instanceof Transaction.Reply r)) return null;
        String id = link.id + ":" + r.transactionId();
        if (!audits.contains(id) || !counted.add(id)) return null;
        List<String> cookies = new ArrayList<>();
        Matcher x = COOKIE.matcher(text);
        while (x.find()) cookies.add(x.group(1));
        String replacement = null;
        while (tamper && !cookies.isEmpty() && (tamperOn == null || tamperOn.equals(link.gateway.name))) {
            tamper = tamperAll;
            String original = cookies.remove(0);
            if (CookieCodec.verify(original, keys, nowMillis) instanceof CookieVerdict.Accepted a) tamperedKey = a.cookie().callKey();
            int at = original.length() / 2;
            char c = original.charAt(at);
            char other = B64.charAt((B64.indexOf(c) + 17) % B64.length());
            String altered = original.substring(0, at) + other + original.substring(at + 1);
            text = text.replace("\"" + original + "\"", "\"" + altered + "\"");
            replacement = text;
            tamperedWhere = link.gateway.name + " (call key " + Long.toHexString(tamperedKey) + ")";
            forged++;
        }
        for (String c : cookies) {
            if (written.contains(c)) genuine++;
            else forged++;
        }
        return replacement;
    }

    private static boolean contextAudit(Transaction.Request r) {
        for (ActionRequest a : r.actions()) {
            for (CommandRequest c : a.commands()) {
                if (c.command() instanceof Command.Audit au && au.audit() != null && !au.audit().items().isEmpty()
                        && au.terminationIds().stream().anyMatch(t -> t.value().equals("*"))) return true;
            }
        }
        return false;
    }
}
