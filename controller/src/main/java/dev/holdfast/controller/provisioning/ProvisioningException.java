package dev.holdfast.controller.provisioning;

import java.util.List;

/** A provisioning file that was refused; each problem names the line, the column and the field. */
public final class ProvisioningException extends Exception {
    private final List<Problem> problems;

    public ProvisioningException(List<Problem> problems) {
        super(render(problems));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() { return problems; }

    /**
     * @param source the file name
     * @param line   1-based line, 0 when unknown
     * @param column 1-based column, 0 when unknown
     * @param field  where in the document, e.g. {@code gateways[1].lines[0].number}
     */
    public record Problem(String source, int line, int column, String field, String message) {
        @Override public String toString() {
            String at = line > 0 ? source + ":" + line + ":" + column : source;
            return at + ": " + (field.isEmpty() ? "" : field + ": ") + message;
        }
    }

    private static String render(List<Problem> problems) {
        StringBuilder sb = new StringBuilder("provisioning refused (" + problems.size()
                + (problems.size() == 1 ? " problem)" : " problems)"));
        for (Problem p : problems) sb.append(System.lineSeparator()).append("  ").append(p);
        return sb.toString();
    }
}
