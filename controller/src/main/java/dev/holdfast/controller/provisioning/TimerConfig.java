package dev.holdfast.controller.provisioning;

/**
 * The controller's timers.
 *
 * @param noAnswerSeconds       ringing without answer this long releases the call
 * @param digitMapStart         digit map start timer T (seconds, until the first digit)
 * @param digitMapShort         digit map short timer S (seconds, between digits when more may follow)
 * @param digitMapLong          digit map long timer L (seconds, between digits when more must follow)
 * @param inactivityMillis      {@code it/mit} set on every gateway: it notifies {@code it/ito} when it heard
 *                              nothing from us for this long (sent in units of 10 ms); 0 disables heartbeats
 * @param gatewaySilenceMillis  nothing heard from a gateway this long: probe it with an AuditValue of ROOT; a
 *                              probe that fails means the gateway is lost (default: 3 x inactivity, or 30 s)
 */
public record TimerConfig(Integer noAnswerSeconds, Integer digitMapStart, Integer digitMapShort, Integer digitMapLong,
                          Integer inactivityMillis, Integer gatewaySilenceMillis) {
    public static final TimerConfig DEFAULTS = new TimerConfig(null, null, null, null, null, null);

    public TimerConfig {
        if (noAnswerSeconds == null) noAnswerSeconds = 60;
        if (digitMapStart == null) digitMapStart = 16;
        if (digitMapShort == null) digitMapShort = 4;
        if (digitMapLong == null) digitMapLong = 16;
        if (inactivityMillis == null) inactivityMillis = 10_000;
        if (gatewaySilenceMillis == null) {
            gatewaySilenceMillis = inactivityMillis > 0 ? 3 * inactivityMillis : 30_000;
        }
    }
}
