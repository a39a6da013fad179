package dev.holdfast.tcpha.drill;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a failover's time went, as one timeline in milliseconds from the crash: the client's last byte before it
 * (negative), the primary's last heartbeat the backup heard, the detection, each step of the takeover (fence, tap
 * stopped, ..., readers started), and the client's first byte after it. Read from the backup's "takeover phases"
 * line (wall-clock microseconds, comparable across the rig's processes) and the client's gap list.
 */
final class TakeoverPhases {
    private static final Pattern LINE = Pattern.compile(
            "takeover phases: cause=(\\S+) last_heard_at_us=(-?\\d+) detected_at_us=(\\d+) silence_at_detection_us=\\d+ after_detection_us=\\{([^}]*)}");

    private TakeoverPhases() {}

    /** Null if the backup printed no phases (no takeover). */
    static Map<String, Object> fromCrash(String backupLog, long crashUs, long clientLastByteUs, long clientFirstByteUs) {
        Matcher m = LINE.matcher(backupLog);
        if (!m.find()) return null;
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("cause", m.group(1));
        if (clientLastByteUs > 0) p.put("client_last_byte", ms(clientLastByteUs - crashUs));
        p.put("last_heartbeat_heard", ms(Long.parseLong(m.group(2)) - crashUs));
        long detected = Long.parseLong(m.group(3));
        p.put("detected", ms(detected - crashUs));
        for (String step : m.group(4).split(",\\s*")) {
            String[] kv = step.split("=");
            if (kv.length == 2) p.put(kv[0].strip(), ms(detected + Long.parseLong(kv[1].strip()) - crashUs));
        }
        if (clientFirstByteUs > 0) p.put("client_first_byte", ms(clientFirstByteUs - crashUs));
        return p;
    }

    private static double ms(long us) { return Math.round(us / 10.0) / 100.0; }
}
