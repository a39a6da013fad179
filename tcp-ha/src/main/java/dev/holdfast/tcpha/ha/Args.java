package dev.holdfast.tcpha.ha;

import java.util.HashMap;
import java.util.Map;

/** --key value command-line options. */
final class Args {
    private final Map<String, String> map = new HashMap<>();

    Args(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) throw new IllegalArgumentException("expected --option, got " + args[i]);
            map.put(args[i].substring(2), i + 1 < args.length && !args[i + 1].startsWith("--") ? args[++i] : "true");
        }
    }

    String get(String k, String def) { return map.getOrDefault(k, def); }

    String need(String k) {
        String v = map.get(k);
        if (v == null) throw new IllegalArgumentException("missing --" + k);
        return v;
    }

    int getInt(String k, int def) { return Integer.parseInt(get(k, Integer.toString(def))); }
}
