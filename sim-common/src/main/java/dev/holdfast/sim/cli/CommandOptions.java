package dev.holdfast.sim.cli;

import dev.holdfast.sim.script.Scripts;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@code --name value} and {@code --flag} options of the simulators' and load generators' command lines, with
 * the value parsers they share (numbers, durations, HOST:PORT). Every parse error is an
 * {@link IllegalArgumentException} whose message names the option, for the tool to print with its usage.
 */
public final class CommandOptions {
    private final Map<String, String> values;

    private CommandOptions(Map<String, String> values) {
        this.values = values;
    }

    /**
     * Reads {@code args[from..]}: each {@code --name value}, and the names in {@code flags} standing alone.
     * {@code -h}/{@code --help} becomes the flag {@code help}.
     */
    public static CommandOptions parse(String[] args, int from, Set<String> flags) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) { values.put("help", "true"); continue; }
            if (!a.startsWith("--") || a.length() == 2) throw new IllegalArgumentException("bad argument '" + a + "'");
            String name = a.substring(2);
            if (flags.contains(name)) { values.put(name, "true"); continue; }
            if (i + 1 >= args.length) throw new IllegalArgumentException("--" + name + " needs a value");
            values.put(name, args[++i]);
        }
        return new CommandOptions(values);
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** The value as written, or null. */
    public String get(String name) {
        return values.get(name);
    }

    public String get(String name, String dflt) {
        return values.getOrDefault(name, dflt);
    }

    public String required(String name) {
        String v = values.get(name);
        if (v == null) throw new IllegalArgumentException("--" + name + " is required");
        return v;
    }

    /** An integer option; {@code dflt} null makes it required. */
    public int integer(String name, Integer dflt) {
        String v = values.get(name);
        if (v == null) {
            if (dflt == null) throw new IllegalArgumentException("--" + name + " is required");
            return dflt;
        }
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " is not a number: " + v);
        }
    }

    /** A decimal option (rates, packets per second). */
    public double decimal(String name, String dflt) {
        String v = values.getOrDefault(name, dflt);
        try {
            return Double.parseDouble(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " is not a number: " + v);
        }
    }

    /** A duration option ({@code 30s}, {@code 500ms}, {@code 2m}, or plain seconds). */
    public Duration duration(String name, String dflt) {
        String v = values.getOrDefault(name, dflt);
        try {
            return duration(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + name + ": " + e.getMessage());
        }
    }

    /** {@code 30s}, {@code 500ms}, {@code 2m} or plain seconds ({@code 1.5}). */
    public static Duration duration(String text) {
        String t = text.strip();
        if (!t.isEmpty() && (Character.isDigit(t.charAt(t.length() - 1)) || t.endsWith("."))) t = t + "s";
        return Scripts.parseDuration(t);
    }

    /** How a duration is shown back to the user: whole seconds as {@code 3s}, otherwise milliseconds. */
    public static String text(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    /** {@code HOST:PORT}, the host possibly an IPv6 address in brackets. */
    public static InetSocketAddress hostPort(String s) {
        int colon = s.lastIndexOf(':');
        if (colon <= 0) throw new IllegalArgumentException("not HOST:PORT: " + s);
        try {
            int port = Integer.parseInt(s.substring(colon + 1));
            if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range in " + s);
            return new InetSocketAddress(s.substring(0, colon).replace("[", "").replace("]", ""), port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not HOST:PORT: " + s);
        }
    }
}
