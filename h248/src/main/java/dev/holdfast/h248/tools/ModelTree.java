package dev.holdfast.h248.tools;

import dev.holdfast.h248.message.ContextId;
import dev.holdfast.h248.message.KeepActive;
import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.message.ParmValue;
import dev.holdfast.h248.message.PropertyParm;
import dev.holdfast.h248.message.RequestId;
import dev.holdfast.h248.message.StreamRef;
import dev.holdfast.h248.message.TerminationId;
import dev.holdfast.h248.message.TimeStamp;

import java.lang.reflect.RecordComponent;
import java.util.List;

/**
 * A readable, indented tree of a decoded message, for people: one model element per line, its type and its
 * fields; absent fields (null, empty lists, false flags) are left out; small records that hold only plain values
 * fit on one line; identifiers, mIds and package properties are shown as they are written on the wire; SDP is
 * shown line by line.
 */
final class ModelTree {
    private static final int INDENT = 2;
    private static final int INLINE_MAX = 100;

    private final StringBuilder out = new StringBuilder(4096);

    private ModelTree() {}

    static String render(Object model) {
        ModelTree t = new ModelTree();
        t.node(null, model, 0);
        return t.out.toString();
    }

    private void node(String label, Object value, int depth) {
        if (absent(value)) return;
        String prefix = label == null ? "" : label + ": ";
        String inline = inline(value);
        if (inline != null) {
            line(depth, prefix + inline);
        } else if (value instanceof String s) {
            // multi-line text (SDP): one line per line, a '|' marks the start of each
            line(depth, prefix + "|");
            for (String l : s.split("\r\n|\r|\n", -1)) line(depth + 1, l.isEmpty() ? "|" : "| " + visible(l));
        } else if (value instanceof List<?> list) {
            line(depth, prefix.isEmpty() ? "list" : label + ":");
            for (Object e : list) {
                String item = inline(e);
                if (item != null) {
                    line(depth + 1, "- " + item);
                } else if (e instanceof Record r) {
                    line(depth + 1, "- " + typeName(r));
                    components(r, depth + 2);
                } else {
                    line(depth + 1, "- " + visible(String.valueOf(e)));
                }
            }
        } else if (value instanceof Record r) {
            line(depth, prefix + typeName(r));
            components(r, depth + 1);
        } else {
            line(depth, prefix + value);
        }
    }

    private void components(Record r, int depth) {
        RecordComponent[] rcs = r.getClass().getRecordComponents();
        for (RecordComponent rc : rcs) {
            Object c = get(rc, r);
            if (!absent(c, rcs.length)) node(rc.getName(), c, depth);
        }
    }

    /** Nulls, empty lists and false flags are noise, except a record's only field ({@code ReservedGroup(on=false)}). */
    private static boolean absent(Object v, int siblings) {
        return v == null || (Boolean.FALSE.equals(v) && siblings > 1) || (v instanceof List<?> l && l.isEmpty());
    }

    private static boolean absent(Object v) {
        return absent(v, 2);
    }

    /** The one-line form of a value, or null when it needs lines of its own. */
    private static String inline(Object v) {
        String wire = wireText(v);
        if (wire != null) return wire;
        if (v instanceof String s) return s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0 ? null : visible(s);
        if (v instanceof Number || v instanceof Boolean || v instanceof Enum<?> || v instanceof Character) {
            return String.valueOf(v);
        }
        if (v instanceof List<?> list) {
            StringBuilder b = new StringBuilder("[");
            for (Object e : list) {
                String s = inline(e);
                if (s == null) return null;
                if (b.length() > 1) b.append(", ");
                b.append(s);
            }
            return b.length() > INLINE_MAX ? null : b.append(']').toString();
        }
        if (v instanceof Record r) {
            StringBuilder b = new StringBuilder(typeName(r)).append('(');
            boolean first = true;
            RecordComponent[] rcs = r.getClass().getRecordComponents();
            for (RecordComponent rc : rcs) {
                Object c = get(rc, r);
                if (absent(c, rcs.length)) continue;
                String s = inline(c);
                if (s == null) return null;
                if (!first) b.append(", ");
                b.append(rc.getName()).append('=').append(s);
                first = false;
            }
            return b.length() > INLINE_MAX ? null : b.append(')').toString();
        }
        return null;
    }

    /** Identifiers and other small values as the text encoding writes them. */
    private static String wireText(Object v) {
        if (v instanceof ContextId || v instanceof RequestId || v instanceof TerminationId || v instanceof TimeStamp) {
            return v.toString();
        }
        if (v instanceof KeepActive) return "KeepActive";
        if (v instanceof StreamRef s) return "Stream=" + s.streamId();
        if (v instanceof PropertyParm p) {
            String value = parmValue(p.value());
            return value == null ? null : p.name() + value;
        }
        if (v instanceof ParmValue pv) return parmValue(pv);
        if (v instanceof MId mid) return mid(mid);
        return null;
    }

    private static String parmValue(ParmValue v) {
        if (v instanceof ParmValue.Single s) {
            char rel = switch (s.relation()) {
                case EQUAL -> '=';
                case GREATER -> '>';
                case LESS -> '<';
                case NOT_EQUAL -> '#';
            };
            return rel + s.value();
        }
        if (v instanceof ParmValue.AllOf all) return "=[" + String.join(", ", all.values()) + "]";
        if (v instanceof ParmValue.OneOf one) return "={" + String.join(", ", one.values()) + "}";
        if (v instanceof ParmValue.Range r) return "=[" + r.low() + ":" + r.high() + "]";
        return null;
    }

    private static String mid(MId mid) {
        if (mid instanceof MId.IpAddress ip) return "[" + ip.address() + "]" + (ip.port() == null ? "" : ":" + ip.port());
        if (mid instanceof MId.DomainName dn) return "<" + dn.name() + ">" + (dn.port() == null ? "" : ":" + dn.port());
        if (mid instanceof MId.DeviceName d) return d.name();
        if (mid instanceof MId.MtpAddress m) return "MTP{" + m.hex() + "}";
        return null;
    }

    /** Control characters made visible, so that the tree stays one value per line. */
    private static String visible(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                if (b == null) b = new StringBuilder(s.length() + 8).append(s, 0, i);
                b.append(switch (c) {
                    case '\t' -> "\\t";
                    case '\r' -> "\\r";
                    case '\n' -> "\\n";
                    default -> String.format("\\x%02x", (int) c);
                });
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? s : b.toString();
    }

    /** {@code Transaction.Request}, {@code MediaDescriptor}: the type name without its package. */
    static String typeName(Object o) {
        String name = o.getClass().getName();
        return name.substring(name.lastIndexOf('.') + 1).replace('$', '.');
    }

    private static Object get(RecordComponent rc, Record r) {
        try {
            return rc.getAccessor().invoke(r);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + rc.getName() + " of " + typeName(r), e);
        }
    }

    private void line(int depth, String text) {
        for (int i = 0; i < depth * INDENT; i++) out.append(' ');
        out.append(text).append('\n');
    }
}
