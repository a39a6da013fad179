package dev.holdfast.h248.text;

import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Objects;

/** Where two message models first differ, as a path of record components: for failure messages. */
final class ModelDiff {
    private ModelDiff() {}

    /** "body.transactions[1].actions[0].contextId: expected 5 but was 6", or null when equal. */
    static String firstDifference(Object expected, Object actual) {
        return diff("", expected, actual);
    }

    private static String diff(String path, Object a, Object b) {
        if (Objects.equals(a, b)) return null;
        if (a == null || b == null || a.getClass() != b.getClass()) return mismatch(path, a, b);
        if (a instanceof List<?> la && b instanceof List<?> lb) {
            for (int i = 0; i < Math.min(la.size(), lb.size()); i++) {
                String d = diff(path + "[" + i + "]", la.get(i), lb.get(i));
                if (d != null) return d;
            }
            return path + ": expected " + la.size() + " elements but was " + lb.size() + "; expected " + la
                    + " but was " + lb;
        }
        if (a.getClass().isRecord()) {
            for (RecordComponent rc : a.getClass().getRecordComponents()) {
                try {
                    String d = diff(path + (path.isEmpty() ? "" : ".") + rc.getName(), rc.getAccessor().invoke(a),
                            rc.getAccessor().invoke(b));
                    if (d != null) return d;
                } catch (ReflectiveOperationException e) {
                    return path + ": " + e;
                }
            }
        }
        return mismatch(path, a, b);
    }

    private static String mismatch(String path, Object a, Object b) {
        return path + ": expected " + show(a) + " but was " + show(b);
    }

    private static String show(Object o) {
        if (o instanceof String s) {
            return "\"" + s.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t") + "\"";
        }
        return String.valueOf(o);
    }
}
