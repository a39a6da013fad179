package dev.holdfast.sim.script;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The scripted-user-action format, one step per line:
 * <pre>
 *   # a comment; blank lines are ignored; '#' starts a comment anywhere on a line
 *   off-hook A1
 *   expect dial-tone A1
 *   dial A1 1002
 *   expect ringing A2 within 2s
 *   answer A2
 *   expect talk-path A1 up
 *   wait 500ms
 *   flash A1
 *   on-hook A1
 * </pre>
 * An action is {@code VERB TARGET [ARG...]}; {@code wait DURATION}; {@code expect WHAT TARGET [ARG...] [within
 * DURATION]}. Durations are a number with a unit: {@code ms}, {@code s} or {@code m} ({@code 1.5s} is fine).
 * Words are separated by white space. Which verbs and expectations exist is the simulator's business
 * ({@link ScriptTarget}); the parser only checks the shape.
 */
public final class Scripts {
    private Scripts() {}

    public static Script parse(Path file) throws IOException, ScriptSyntaxException {
        return parse(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
    }

    public static Script parse(String name, String text) throws ScriptSyntaxException {
        List<Step> steps = new ArrayList<>();
        String[] lines = text.split("\r?\n|\r", -1);
        for (int i = 0; i < lines.length; i++) {
            String raw = lines[i];
            int hash = raw.indexOf('#');
            String content = (hash >= 0 ? raw.substring(0, hash) : raw).strip();
            if (content.isEmpty()) continue;
            List<String> words = Arrays.asList(content.split("\\s+"));
            steps.add(step(name, i + 1, raw, words));
        }
        return new Script(name, steps);
    }

    private static Step step(String name, int line, String raw, List<String> words) throws ScriptSyntaxException {
        String verb = words.get(0).toLowerCase(Locale.ROOT);
        switch (verb) {
            case "wait" -> {
                if (words.size() != 2) throw new ScriptSyntaxException(name, line, raw, "expected 'wait DURATION'");
                return new Step.Wait(line, duration(name, line, raw, words.get(1)));
            }
            case "expect" -> {
                List<String> rest = words.subList(1, words.size());
                Duration within = null;
                int w = indexOfIgnoreCase(rest, "within");
                if (w >= 0) {
                    if (w != rest.size() - 2) {
                        throw new ScriptSyntaxException(name, line, raw, "'within DURATION' must end the line");
                    }
                    within = duration(name, line, raw, rest.get(w + 1));
                    rest = rest.subList(0, w);
                }
                if (rest.size() < 2) throw new ScriptSyntaxException(name, line, raw, "expected 'expect WHAT TARGET ...'");
                return new Step.Expect(line, rest.get(0).toLowerCase(Locale.ROOT), rest.get(1),
                        rest.subList(2, rest.size()), within);
            }
            default -> {
                if (words.size() < 2) throw new ScriptSyntaxException(name, line, raw, "expected 'ACTION TARGET ...'");
                return new Step.Action(line, verb, words.get(1), words.subList(2, words.size()));
            }
        }
    }

    private static int indexOfIgnoreCase(List<String> words, String word) {
        for (int i = 0; i < words.size(); i++) if (words.get(i).equalsIgnoreCase(word)) return i;
        return -1;
    }

    /** {@code 500ms}, {@code 2s}, {@code 1.5s}, {@code 1m}. */
    public static Duration parseDuration(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        double factorMillis;
        String number;
        if (t.endsWith("ms")) {
            factorMillis = 1;
            number = t.substring(0, t.length() - 2);
        } else if (t.endsWith("s")) {
            factorMillis = 1000;
            number = t.substring(0, t.length() - 1);
        } else if (t.endsWith("m")) {
            factorMillis = 60_000;
            number = t.substring(0, t.length() - 1);
        } else {
            throw new IllegalArgumentException("a duration needs a unit (ms, s, m): " + text);
        }
        double v;
        try {
            v = Double.parseDouble(number);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a duration: " + text);
        }
        if (v < 0 || Double.isNaN(v) || Double.isInfinite(v)) throw new IllegalArgumentException("not a duration: " + text);
        return Duration.ofNanos(Math.round(v * factorMillis * 1_000_000));
    }

    private static Duration duration(String name, int line, String raw, String word) throws ScriptSyntaxException {
        try {
            return parseDuration(word);
        } catch (IllegalArgumentException e) {
            throw new ScriptSyntaxException(name, line, raw, e.getMessage());
        }
    }

    static String format(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
    }
}
