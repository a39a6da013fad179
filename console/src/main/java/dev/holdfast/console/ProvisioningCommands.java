package dev.holdfast.console;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The CLI's changing commands: {@code add station}, {@code remove station} and {@code drill failover}, through the
 * controllers' admin API ({@code /api/provisioning/stations}, {@code /api/drills/failover}; docs/admin-api.md).
 */
final class ProvisioningCommands {
    private final ConsoleSession session;
    private final PrintWriter out;
    private final PrintWriter err;
    private final Commands.Prompter prompter;

    ProvisioningCommands(ConsoleSession session, PrintWriter out, PrintWriter err, Commands.Prompter prompter) {
        this.session = session;
        this.out = out;
        this.err = err;
        this.prompter = prompter;
    }

    /** {@code add station NUMBER USER [--password P] [on CONTROLLER|all]} */
    int add(List<String> args) throws CliError, IOException, InterruptedException {
        String usage = "usage: " + Commands.HELP.get("add").usage();
        if (args.isEmpty() || !args.get(0).equalsIgnoreCase("station")) throw CliError.usage(usage);
        List<String> rest = new ArrayList<>(args.subList(1, args.size()));
        String password = option(rest, "--password", usage);
        List<String> targets = targets(rest, usage, true);
        if (rest.size() != 2) throw CliError.usage(usage);
        String number = rest.get(0);
        String user = rest.get(1);
        if (!number.chars().allMatch(Character::isDigit) || number.length() > 20) {
            throw CliError.usage("'" + TextTable.clean(number) + "' is not a directory number (1 to 20 digits)");
        }
        needAdmin("add station", targets);
        if (password == null) {
            if (prompter == null) throw new CliError("no password: give --password");
            password = prompter.ask("password for " + TextTable.clean(user) + ": ", false);
            if (password == null || password.isEmpty()) throw new CliError("no password given: station not added");
            String again = prompter.ask("again: ", false);
            if (!password.equals(again)) throw new CliError("the passwords differ: station not added");
        }
        ObjectNode body = AdminApiClient.JSON.createObjectNode().put("number", number).put("user", user).put("password", password);
        int status = 0;
        for (String c : targets) {
            AdminApiClient.Reply r = session.call(c, (api, token) -> api.post("/api/provisioning/stations", token, body.toString()));
            if (report(c, r)) out.println("station " + number + " (user " + TextTable.clean(user) + ") added on controller " + c);
            else status = 1;
        }
        return status;
    }

    /** {@code remove station NUMBER [on CONTROLLER|all]} */
    int remove(List<String> args) throws CliError, IOException, InterruptedException {
        String usage = "usage: " + Commands.HELP.get("remove").usage();
        if (args.isEmpty() || !args.get(0).equalsIgnoreCase("station")) throw CliError.usage(usage);
        List<String> rest = new ArrayList<>(args.subList(1, args.size()));
        List<String> targets = targets(rest, usage, true);
        if (rest.size() != 1) throw CliError.usage(usage);
        String number = rest.get(0);
        if (number.isEmpty() || !number.chars().allMatch(Character::isDigit) || number.length() > 20) {
            throw CliError.usage("'" + TextTable.clean(number) + "' is not a directory number (1 to 20 digits)");
        }
        needAdmin("remove station", targets);
        int status = 0;
        for (String c : targets) {
            AdminApiClient.Reply r = session.call(c, (api, token) -> api.delete("/api/provisioning/stations/" + number, token));
            if (report(c, r)) out.println("station " + number + " removed on controller " + c);
            else status = 1;
        }
        return status;
    }

    /** {@code drill failover [on CONTROLLER]} */
    int drill(List<String> args) throws CliError, IOException, InterruptedException {
        String usage = "usage: " + Commands.HELP.get("drill").usage();
        if (args.isEmpty() || !args.get(0).equalsIgnoreCase("failover")) throw CliError.usage(usage);
        List<String> rest = new ArrayList<>(args.subList(1, args.size()));
        List<String> targets = targets(rest, usage, false);
        if (!rest.isEmpty()) throw CliError.usage(usage);
        String c = targets.get(0);
        needAdmin("drill failover", targets);
        if (prompter == null) throw new CliError("a drill needs confirmation, and this session cannot ask for it");
        out.println("A failover drill halts controller " + c + " as a kill -9 would: its gateways and phones move to the"
                + " alternate.");
        String answer = prompter.ask("type 'failover' to go ahead: ", true);
        if (answer == null || !answer.strip().equals("failover")) {
            out.println("not confirmed: no drill");
            return 1;
        }
        String body = AdminApiClient.JSON.createObjectNode().put("confirm", "failover").toString();
        AdminApiClient.Reply r = session.call(c, (api, token) -> api.post("/api/drills/failover", token, body));
        if (!report(c, r)) return 1;
        out.println("failover drill started: controller " + c + " halts at " + CallDrawing.text(r.json(), "haltAt"));
        return 0;
    }

    /** Takes {@code NAME VALUE} out of {@code rest}; null when absent. */
    private static String option(List<String> rest, String name, String usage) throws CliError {
        int i = rest.indexOf(name);
        if (i < 0) return null;
        if (i + 1 >= rest.size()) throw CliError.usage(name + " needs a value (" + usage + ")");
        String v = rest.get(i + 1);
        rest.remove(i + 1);
        rest.remove(i);
        return v;
    }

    /** Takes {@code on CONTROLLER} (or {@code on all}) out of {@code rest}: the controllers to change. */
    private List<String> targets(List<String> rest, String usage, boolean allowAll) throws CliError {
        List<String> names = session.controllerNames();
        int i = rest.indexOf("on");
        if (i < 0) return List.of(names.get(0));
        if (i + 1 >= rest.size()) throw CliError.usage(usage);
        String c = rest.get(i + 1);
        rest.remove(i + 1);
        rest.remove(i);
        if (allowAll && c.toLowerCase(Locale.ROOT).equals("all")) return names;
        if (!names.contains(c)) {
            throw CliError.usage("no controller '" + TextTable.clean(c) + "' (configured: " + String.join(", ", names) + ")");
        }
        return List.of(c);
    }

    private void needAdmin(String what, List<String> controllers) throws CliError {
        for (String c : controllers) {
            Role role = session.role(c);
            if (role == null || !role.atLeast(Role.ADMIN)) {
                throw new CliError(what + " needs role admin; you are " + (role == null ? "not logged in" : role.apiName())
                        + (controllers.size() > 1 ? " on controller " + c : ""));
            }
        }
    }

    /** True for a 2xx; otherwise the controller's error, with the field it names, on stderr. */
    private boolean report(String controller, AdminApiClient.Reply r) {
        if (r.ok()) return true;
        String field = r.json().path("field").isTextual() ? " (" + TextTable.clean(r.json().path("field").asText()) + ")" : "";
        String kind = switch (r.status()) {
            case 400 -> "refused";
            case 403 -> "not allowed";
            case 404 -> "not found";
            case 409 -> "conflict";
            default -> "HTTP " + r.status();
        };
        err.println("error: controller " + controller + ": " + kind + field + ": " + TextTable.clean(r.error()));
        return false;
    }
}
