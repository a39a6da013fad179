package dev.holdfast.h248.tools;

import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.text.DecodeOptions;
import dev.holdfast.h248.text.DecodeResult;
import dev.holdfast.h248.text.Deviation;
import dev.holdfast.h248.text.SyntaxError;
import dev.holdfast.h248.text.TextCodec;
import dev.holdfast.h248.text.TextForm;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code h248}: decode and re-encode H.248.1 text messages, for people debugging gateways. See {@link #USAGE}.
 * Messages are octets (ISO-8859-1 in, ISO-8859-1 out for encoded messages) so that SDP survives unchanged.
 */
public final class H248Tool {
    static final int OK = 0;
    static final int BAD_MESSAGE = 1;
    static final int USAGE_ERROR = 2;

    static final String SPLIT_RULE = """
            Input: the FILEs, or standard input when there are none (or for '-'). One input may hold several
            messages: a new message starts at a line that begins with MEGACO/ or !/ (in any case, possibly
            indented) right after a blank line.
            """;

    static final String USAGE = """
            Usage: h248 <command> [options] [FILE...]

            Decode and re-encode H.248.1 (Megaco) text messages, pretty or compact, versions 1 to 3.

            Commands:
              decode [--json] [--strict] [FILE...]   show each message as a tree (or JSON)
              encode --pretty|--compact [--strict] [FILE...]
                                                     decode each message and write it again in that form
              help [command]                         this text, or a command's

            Run 'h248 <command> --help' for a command's options.
            """ + "\n" + SPLIT_RULE;

    static final String DECODE_USAGE = """
            Usage: h248 decode [--json] [--strict] [FILE...]

            Decodes each message and prints its model as an indented tree (one element per line; absent
            fields left out), or with --json as JSON (one document per message; sealed-interface variants
            carry an "@type" field).

            Options:
              --json     print JSON instead of the tree
              --strict   reject the deviations from the ABNF that are accepted by default (lenient mode);
                         in lenient mode each accepted deviation is printed to standard error as
                         FILE:LINE:COLUMN: warning: KIND: detail
              --help     this text

            A message that cannot be decoded is reported on standard error as
              FILE:LINE:COLUMN: reason
            followed by the offending line and a caret under the column; the other messages are still
            decoded. Exit status: 0 all decoded, 1 some message could not be decoded, 2 usage error or
            unreadable file.
            """ + "\n" + SPLIT_RULE;

    static final String ENCODE_USAGE = """
            Usage: h248 encode --pretty|--compact [--strict] [FILE...]

            Decodes each message and writes it again: --pretty with long tokens, one element per line,
            indented; --compact with short tokens and no optional white space. Local/Remote SDP is written
            exactly as received. Several messages are separated by a blank line, so the output can be read
            back by h248.

            Options:
              --pretty   long tokens, indented
              --compact  short tokens, no optional white space
              --strict   decode strictly (see 'h248 decode --help')
              --help     this text

            Errors and warnings are reported as for decode. Exit status: 0 all written, 1 some message could
            not be decoded or encoded, 2 usage error or unreadable file.
            """ + "\n" + SPLIT_RULE;

    private final InputStream stdin;
    private final PrintStream out;
    private final PrintStream err;

    H248Tool(InputStream stdin, PrintStream out, PrintStream err) {
        this.stdin = stdin;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false,
                StandardCharsets.ISO_8859_1);
        int status = new H248Tool(System.in, out, System.err).run(args);
        out.flush();
        System.exit(status);
    }

    int run(String... args) {
        if (args.length == 0) {
            err.print(USAGE);
            return USAGE_ERROR;
        }
        String command = args[0];
        List<String> rest = List.of(args).subList(1, args.length);
        switch (command) {
            case "decode":
                return decode(rest);
            case "encode":
                return encode(rest);
            case "help", "--help", "-h":
                if (!rest.isEmpty() && rest.get(0).equals("decode")) out.print(DECODE_USAGE);
                else if (!rest.isEmpty() && rest.get(0).equals("encode")) out.print(ENCODE_USAGE);
                else out.print(USAGE);
                return OK;
            default:
                err.println("h248: unknown command '" + command + "'");
                err.print(USAGE);
                return USAGE_ERROR;
        }
    }

    // ---------------------------------------------------------------- commands

    private int decode(List<String> args) {
        boolean json = false;
        boolean strict = false;
        List<String> files = new ArrayList<>();
        for (String a : args) {
            switch (a) {
                case "--json" -> json = true;
                case "--strict" -> strict = true;
                case "--help", "-h" -> {
                    out.print(DECODE_USAGE);
                    return OK;
                }
                default -> {
                    if (a.startsWith("--")) return usage("decode", "unknown option '" + a + "'", DECODE_USAGE);
                    files.add(a);
                }
            }
        }
        boolean asJson = json;
        return eachMessage(files, strict, (piece, message, first) -> {
            if (asJson) {
                out.println(ModelJson.write(message));
            } else {
                if (!first) out.println();
                out.print(ModelTree.render(message));
            }
            return true;
        });
    }

    private int encode(List<String> args) {
        TextForm form = null;
        boolean strict = false;
        List<String> files = new ArrayList<>();
        for (String a : args) {
            switch (a) {
                case "--pretty" -> form = TextForm.PRETTY;
                case "--compact" -> form = TextForm.COMPACT;
                case "--strict" -> strict = true;
                case "--help", "-h" -> {
                    out.print(ENCODE_USAGE);
                    return OK;
                }
                default -> {
                    if (a.startsWith("--")) return usage("encode", "unknown option '" + a + "'", ENCODE_USAGE);
                    files.add(a);
                }
            }
        }
        if (form == null) return usage("encode", "say --pretty or --compact", ENCODE_USAGE);
        TextForm chosen = form;
        return eachMessage(files, strict, (piece, message, first) -> {
            String text;
            try {
                text = TextCodec.encode(message, chosen);
            } catch (IllegalArgumentException e) {
                err.println(piece.where() + ": cannot encode: " + e.getMessage());
                return false;
            }
            if (!first) out.println();
            out.print(text);
            if (!text.endsWith("\n")) out.println();
            return true;
        });
    }

    private int usage(String command, String problem, String usage) {
        err.println("h248 " + command + ": " + problem);
        err.print(usage);
        return USAGE_ERROR;
    }

    // ---------------------------------------------------------------- reading and reporting

    /** A message of one input, with where it comes from. */
    record Located(String file, MessageSplitter.Piece piece) {
        String where() { return file + ":" + piece.firstLine(); }
    }

    interface MessageAction {
        /** Returns false when the message could not be handled (already reported). */
        boolean handle(Located piece, Message message, boolean first);
    }

    private int eachMessage(List<String> files, boolean strict, MessageAction action) {
        DecodeOptions options = strict ? DecodeOptions.STRICT : DecodeOptions.LENIENT;
        List<String> inputs = files.isEmpty() ? List.of("-") : files;
        int status = OK;
        boolean first = true;
        for (String file : inputs) {
            String name = file.equals("-") ? "<stdin>" : file;
            String text;
            try {
                text = read(file);
            } catch (IOException e) {
                err.println("h248: " + name + ": " + describe(e));
                return USAGE_ERROR;
            }
            List<MessageSplitter.Piece> pieces = MessageSplitter.split(text);
            if (pieces.isEmpty()) {
                err.println(name + ":1:1: no H.248 message in the input");
                status = BAD_MESSAGE;
            }
            for (MessageSplitter.Piece piece : pieces) {
                Located located = new Located(name, piece);
                DecodeResult result = TextCodec.decode(piece.text(), options);
                if (result instanceof DecodeResult.Failed failed) {
                    reportError(located, failed.error());
                    status = BAD_MESSAGE;
                    continue;
                }
                DecodeResult.Decoded decoded = (DecodeResult.Decoded) result;
                for (Deviation d : decoded.deviations()) {
                    err.println(name + ":" + fileLine(piece, d.line()) + ":" + d.column() + ": warning: " + d.kind()
                            + ": " + d.detail());
                }
                if (!action.handle(located, decoded.message(), first)) status = BAD_MESSAGE;
                first = false;
            }
        }
        return status;
    }

    private String read(String file) throws IOException {
        byte[] bytes;
        if (file.equals("-")) {
            bytes = stdin.readAllBytes();
        } else {
            bytes = Files.readAllBytes(Path.of(file));
        }
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static String describe(IOException e) {
        if (e instanceof NoSuchFileException) return "no such file";
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** {@code file:line:column: reason}, then the line and a caret under the column. */
    void reportError(Located located, SyntaxError error) {
        MessageSplitter.Piece piece = located.piece();
        err.println(located.file() + ":" + fileLine(piece, error.line()) + ":" + error.column() + ": "
                + error.reason());
        String line = lineOf(piece.text(), error.line());
        if (line == null) return;
        err.println(line);
        StringBuilder caret = new StringBuilder();
        int col = Math.max(1, Math.min(error.column(), line.length() + 1));
        for (int i = 0; i < col - 1; i++) caret.append(line.charAt(i) == '\t' ? '\t' : ' ');
        err.println(caret.append('^'));
    }

    private static int fileLine(MessageSplitter.Piece piece, int lineInMessage) {
        return piece.firstLine() + Math.max(1, lineInMessage) - 1;
    }

    /** The 1-based line {@code n} of {@code text} (lines end at CR, LF or CRLF), or null. */
    static String lineOf(String text, int n) {
        int line = 1;
        int i = 0;
        while (line < n) {
            if (i >= text.length()) return null;
            char c = text.charAt(i++);
            if (c == '\r') {
                if (i < text.length() && text.charAt(i) == '\n') i++;
                line++;
            } else if (c == '\n') {
                line++;
            }
        }
        int end = i;
        while (end < text.length() && text.charAt(end) != '\n' && text.charAt(end) != '\r') end++;
        return text.substring(i, end);
    }
}
