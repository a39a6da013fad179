package dev.holdfast.h248.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.text.DecodeOptions;
import dev.holdfast.h248.text.DecodeResult;
import dev.holdfast.h248.text.SampleMessages;
import dev.holdfast.h248.text.TextCodec;
import dev.holdfast.h248.text.TextForm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** {@code h248 decode} and {@code h248 encode}, in process and through the {@code bin/h248} launcher. */
class H248ToolTest {
    @TempDir
    Path dir;

    /** What one run of the tool printed and returned. */
    record Run(int status, String out, String err) {}

    private static Run run(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new H248Tool(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.ISO_8859_1)),
                new PrintStream(out, true, StandardCharsets.ISO_8859_1),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
        return new Run(status, out.toString(StandardCharsets.ISO_8859_1), err.toString(StandardCharsets.UTF_8));
    }

    private Path file(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.ISO_8859_1);
        return p;
    }

    private static String twoMessages() {
        return TextCodec.encode(SampleMessages.modifyLine(), TextForm.PRETTY) + "\n"
                + TextCodec.encode(SampleMessages.notifyDigits(), TextForm.COMPACT) + "\n";
    }

    private static Message decoded(String text) {
        DecodeResult r = TextCodec.decode(text, DecodeOptions.STRICT);
        if (r instanceof DecodeResult.Failed f) fail(f.error().describe() + "\n" + text);
        return ((DecodeResult.Decoded) r).message();
    }

    // ---------------------------------------------------------------- decode

    @Test
    void decodePrintsATreePerMessageFromAFile() throws IOException {
        Path f = file("two.txt", twoMessages());
        Run r = run("", "decode", f.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.err());
        assertEquals(ModelTree.render(SampleMessages.modifyLine()) + "\n" + ModelTree.render(SampleMessages.notifyDigits()),
                r.out());
    }

    @Test
    void decodeReadsStandardInputWhenNoFileIsGiven() {
        Run r = run(TextCodec.encode(SampleMessages.serviceChangeRestart(), TextForm.COMPACT), "decode");
        assertEquals(0, r.status(), r.err());
        assertEquals(ModelTree.render(SampleMessages.serviceChangeRestart()), r.out());
    }

    @Test
    void decodeJsonPrintsOneDocumentPerMessage() throws IOException {
        Run r = run(twoMessages(), "decode", "--json", "-");
        assertEquals(0, r.status(), r.err());
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = new ObjectMapper().readerFor(JsonNode.class).readValues(r.out())) {
            while (it.hasNext()) docs.add(it.next());
        }
        assertEquals(2, docs.size());
        assertEquals("Transaction.Request", docs.get(0).at("/body/transactions/0/@type").asText());
        assertEquals("Command.Notify", docs.get(1).at("/body/transactions/0/actions/0/commands/0/command/@type").asText());
        assertEquals("<mg17.example.net>", "<" + docs.get(1).at("/mid/name").asText() + ">");
    }

    @Test
    void aSyntaxErrorIsReportedWithFileLineColumnTheLineAndACaretAndTheOtherMessagesStillDecode() throws IOException {
        String good = TextCodec.encode(SampleMessages.serviceChangeReply(), TextForm.PRETTY);
        // the second message starts on line 14 of the file; its line 3 has an unknown command at column 9
        String bad = "MEGACO/1 [192.0.2.1]:2944\nTransaction = 1 {\n\tContext = - {Frobnicate = a/1}\n}\n";
        String input = good + "\n" + bad + "\n" + good;
        assertEquals(13, good.split("\n").length + 1, "the bad message starts on line 14");
        Path f = file("bad.txt", input);
        Run r = run("", "decode", f.toString());
        assertEquals(1, r.status());
        assertEquals(2, r.out().lines().filter("Message"::equals).count(), r.out());
        List<String> err = r.err().lines().toList();
        assertTrue(err.get(0).startsWith(f + ":16:"), r.err());
        String reason = err.get(0).substring((f + ":16:").length());
        int column = Integer.parseInt(reason.substring(0, reason.indexOf(':')));
        assertEquals("\tContext = - {Frobnicate = a/1}", err.get(1));
        assertEquals("\t" + " ".repeat(column - 2) + "^", err.get(2), r.err());
        assertTrue(column > 1 && column <= err.get(1).length() + 1, r.err());
    }

    @Test
    void lenientDecodeWarnsAboutEachDeviationAndStrictDecodeRejectsIt() throws IOException {
        // RFC 3525 example 1: a ServiceChange request without the required Reason
        String rfc = resource("rfc3525/01.txt");
        Path f = file("01.txt", "\n" + rfc);
        Run lenient = run("", "decode", f.toString());
        assertEquals(0, lenient.status(), lenient.err());
        assertTrue(lenient.err().startsWith(f + ":"), lenient.err());
        assertTrue(lenient.err().contains(": warning: MISSING_SERVICE_CHANGE_REASON: "), lenient.err());
        Run strict = run("", "decode", "--strict", f.toString());
        assertEquals(1, strict.status());
        assertTrue(strict.err().contains("^"), strict.err());
        assertEquals("", strict.out());
    }

    private static String resource(String name) throws IOException {
        try (var in = H248ToolTest.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) fail("missing test resource " + name);
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    // ---------------------------------------------------------------- encode

    @Test
    void encodeRewritesEachMessageInTheChosenFormSeparatedByABlankLine() throws IOException {
        Path f = file("two.txt", twoMessages());
        Run r = run("", "encode", "--compact", f.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals(TextCodec.encode(SampleMessages.modifyLine(), TextForm.COMPACT) + "\n\n"
                + TextCodec.encode(SampleMessages.notifyDigits(), TextForm.COMPACT) + "\n", r.out());

        // and the output is itself input
        Run back = run(r.out(), "encode", "--pretty");
        assertEquals(0, back.status(), back.err());
        assertEquals(TextCodec.encode(SampleMessages.modifyLine(), TextForm.PRETTY) + "\n"
                + TextCodec.encode(SampleMessages.notifyDigits(), TextForm.PRETTY), back.out());
        assertEquals(SampleMessages.notifyDigits(), decoded(back.out().substring(back.out().indexOf("\n\n") + 2)));
    }

    @Test
    void encodeNeedsAForm() {
        Run r = run("", "encode");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--pretty or --compact"), r.err());
    }

    // ---------------------------------------------------------------- usage

    @Test
    void helpForTheToolAndEachCommandDocumentsTheSplittingRule() {
        for (String[] args : List.of(new String[] {"--help"}, new String[] {"decode", "--help"},
                new String[] {"encode", "--help"}, new String[] {"help", "decode"})) {
            Run r = run("", args);
            assertEquals(0, r.status(), String.join(" ", args));
            assertTrue(r.out().contains("blank line"), r.out());
            assertTrue(r.out().contains("MEGACO/ or !/"), r.out());
        }
    }

    @Test
    void usageErrorsAndUnreadableFilesExitWithTwo() {
        assertEquals(2, run("").status());
        assertEquals(2, run("", "frobnicate").status());
        assertEquals(2, run("", "decode", "--bogus").status());
        Run missing = run("", "decode", dir.resolve("nope.txt").toString());
        assertEquals(2, missing.status());
        assertTrue(missing.err().contains("nope.txt: no such file"), missing.err());
    }

    @Test
    void emptyInputHasNoMessage() {
        Run r = run("\n\n", "decode");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("<stdin>:1:1: no H.248 message"), r.err());
    }

    // ---------------------------------------------------------------- the launcher

    /**
     * bin/h248, copied into a scratch tree shaped like the repository whose module is already built (classes and
     * runtime class path of this test run), run from another directory and through a symbolic link.
     */
    @Test
    void launcherFindsTheModuleFromTheScriptLocationAndRunsTheTool() throws Exception {
        Path repo = Path.of(System.getProperty("user.dir")).getParent(); // surefire runs in h248/
        Path script = repo.resolve("bin/h248");
        assertTrue(Files.isExecutable(script), script + " is missing or not executable");

        Path root = dir.resolve("repo");
        Files.createDirectories(root.resolve("bin"));
        Files.createDirectories(root.resolve("h248/target"));
        Files.copy(script, root.resolve("bin/h248"));
        root.resolve("bin/h248").toFile().setExecutable(true);
        Files.createSymbolicLink(root.resolve("h248/target/classes"), repo.resolve("h248/target/classes"));
        // the tool's run-time dependencies: Jackson (surefire's own class path is a manifest-only jar)
        List<String> runtime = new ArrayList<>();
        for (Class<?> c : List.of(ObjectMapper.class, com.fasterxml.jackson.core.JsonGenerator.class,
                com.fasterxml.jackson.annotation.JsonTypeInfo.class)) {
            runtime.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        }
        Files.writeString(root.resolve("h248/target/runtime-classpath.txt"), String.join(File.pathSeparator, runtime));
        Files.createDirectories(root.resolve("h248/src/main"));
        Files.writeString(root.resolve("pom.xml"), "");
        Files.writeString(root.resolve("h248/pom.xml"), "");
        // the class path file is newer than the (empty) sources: no build
        root.resolve("h248/target/runtime-classpath.txt").toFile().setLastModified(System.currentTimeMillis() + 60_000);

        Path input = file("in.txt", TextCodec.encode(SampleMessages.serviceChangeReply(), TextForm.COMPACT));
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Path link = elsewhere.resolve("h248-link");
        Files.createSymbolicLink(link, root.resolve("bin/h248"));

        for (Path launcher : List.of(root.resolve("bin/h248"), link)) {
            Run r = exec(elsewhere, launcher.toString(), "encode", "--pretty", input.toString());
            assertEquals(0, r.status(), r.err());
            assertEquals(TextCodec.encode(SampleMessages.serviceChangeReply(), TextForm.PRETTY), r.out());
            assertFalse(r.err().contains("building"), r.err());
        }
        Run bad = exec(elsewhere, root.resolve("bin/h248").toString(), "decode", dir.resolve("none").toString());
        assertEquals(2, bad.status(), bad.err());
    }

    private static Run exec(Path cwd, String... command) throws Exception {
        Path out = Files.createTempFile("h248", ".out");
        Path err = Files.createTempFile("h248", ".err");
        try {
            Process p = new ProcessBuilder(command).directory(cwd.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("bin/h248 did not finish in 60 s");
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
