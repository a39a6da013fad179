package dev.holdfast.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The CLI's commands: parses one line and does it through the admin APIs of the configured controllers, writing
 * text for a terminal. Used by the interactive shell and by exec ({@code ssh host 'list calls'}) alike.
 */
final class Commands {
    private static final System.Logger LOG = System.getLogger(Commands.class.getName());

    /** A command's help: how it is written and what it does. */
    record Help(String usage, String summary, String details) {}

    static final Map<String, Help> HELP = new java.util.LinkedHashMap<>();

    static {
        HELP.put("help", new Help("help [COMMAND]", "list the commands, or explain one", ""));
        HELP.put("status", new Help("status", "each controller: role, health, gateways in service, phones, active calls",
                "Asks every configured controller's admin API for its status. HEALTH is 'up', 'degraded' when its core\n"
                        + "failed on some event, or why it could not be reached."));
        HELP.put("list", new Help("list gateways|phones|calls|stations", "gateways, SIP phones or active calls, per controller",
                "list gateways  every provisioned gateway: registration state, address, lines in a call\n"
                        + "list phones    every SIP subscriber: registered or not, its contacts and their expiry\n"
                        + "list calls     active calls: state, parties, gateways, feature, migrated; phone-to-phone calls\n"
                        + "list stations  the SIP stations provisioned (number and user)"));
        HELP.put("show", new Help("show call ID|gateway NAME [on CONTROLLER]", "one call's structure drawn as text, or one gateway's lines",
                "show call ID       parties and their roles, each gateway's leg (context and terminations), the\n"
                        + "                   inter-gateway connections with their far ends (FEGI/FECEI), the SIP phone's\n"
                        + "                   leg, the feature and whether the call was migrated\n"
                        + "show gateway NAME  the gateway's registration and each line: number, state, off-hook, call\n"
                        + "Without 'on', every controller is asked."));
        HELP.put("release", new Help("release call ID [on CONTROLLER]", "release a call (needs role operator)",
                "The controller tears the call down; lines still off-hook hear reorder tone. Audited by the\n"
                        + "controller under the API user."));
        HELP.put("counters", new Help("counters", "every counter of every controller", ""));
        HELP.put("events", new Help("events", "follow the live event stream until Ctrl-C",
                "One line per event: calls starting, changing state and ending; gateways registering and lost;\n"
                        + "phones registering. Ctrl-C (or 'q' in the shell) stops."));
        HELP.put("add", new Help("add station NUMBER USER [--password P] [on CONTROLLER|all]",
                "provision a SIP station (needs role admin)",
                "The phone may register as USER at once and is called on NUMBER. Without --password the password is\n"
                        + "asked for (not echoed). The controller keeps only its digest hash. Without 'on', the first\n"
                        + "configured controller is changed (with a cluster the others follow through it); 'on all' changes\n"
                        + "every configured controller."));
        HELP.put("remove", new Help("remove station NUMBER [on CONTROLLER|all]", "remove a SIP station (needs role admin)",
                "Its registrations end and its next REGISTER is refused. A station in a call is not removed:\n"
                        + "wait for the call to end (or release it) and try again."));
        HELP.put("drill", new Help("drill failover [on CONTROLLER]", "halt a controller as a failover drill (needs role admin)",
                "Asks for confirmation (type 'failover'). The controller answers, then halts as a kill -9 would;\n"
                        + "its gateways and phones move to the alternate with their calls. The controller must allow\n"
                        + "drills (admin.drills: true in its provisioning). Without 'on', the first configured controller."));
        HELP.put("cdr", new Help("cdr [NUMBER] [--since TIME] [--until TIME] [--limit N] [--cluster]",
                "search call detail records, newest first",
                "NUMBER matches the caller or the callee (a line's number, a phone's sip:NUMBER); TIME is ISO 8601\n"
                        + "(2026-11-27T10:00:00Z); --limit defaults to 20 (at most 10000). Each controller answers with\n"
                        + "the records of the calls it ended; a migrated call is marked. --cluster reads the records of\n"
                        + "every controller from the cluster instead (also of a controller that is down; number and\n"
                        + "limit only). CSV export: GET /api/cdrs.csv."));
        HELP.put("cluster", new Help("cluster", "the controllers' cluster: membership, health, gateways, registrations",
                "Read from the Hazelcast cluster the controllers write to (the console's 'cluster:' setting):\n"
                        + "each controller's role, admin API and heartbeat, and how many gateways and phone\n"
                        + "registrations it has. A controller whose heartbeat is over 3 intervals old is 'down'."));
        HELP.put("exit", new Help("exit", "leave the shell (also: quit, Ctrl-D)", ""));
    }

    /** What the admin API cannot do yet, and why (the CLI says so rather than pretending). */
    private static final Map<String, String> NOT_YET = Map.of();

    private final ConsoleSession session;
    private final PrintWriter out;
    private final PrintWriter err;
    private final Prompter prompter;

    /** Asks the user for one line (a password, a confirmation); null when there is no more input. */
    interface Prompter {
        String ask(String prompt, boolean echo) throws IOException;
    }

    Commands(ConsoleSession session, PrintWriter out, PrintWriter err) { this(session, out, err, null); }

    /** @param prompter how to ask the user for a line, or null when nothing can be asked */
    Commands(ConsoleSession session, PrintWriter out, PrintWriter err, Prompter prompter) {
        this.session = session;
        this.out = out;
        this.err = err;
        this.prompter = prompter;
    }

    /** Does one command line; returns its exit status (0 done, 1 failed, 2 bad command or arguments). */
    int run(String line, StopSignal stop) throws InterruptedException {
        List<String> words = words(line);
        if (words.isEmpty()) return 0;
        try {
            return dispatch(words, stop);
        } catch (CliError e) {
            err.println("error: " + e.getMessage());
            return e.exitStatus;
        } catch (IOException e) {
            err.println("error: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            // a password given with --password stays out of the log
            LOG.log(System.Logger.Level.ERROR, "command '" + line.replaceAll("--password\\s+\\S+", "--password ***") + "' failed", e);
            err.println("error: internal error (logged)");
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }

    static List<String> words(String line) {
        String t = line.strip();
        return t.isEmpty() ? List.of() : Arrays.asList(t.split("\\s+"));
    }

    private int dispatch(List<String> w, StopSignal stop) throws CliError, IOException, InterruptedException {
        String cmd = w.get(0).toLowerCase(Locale.ROOT);
        List<String> args = w.subList(1, w.size());
        switch (cmd) {
            case "help", "?": return help(args);
            case "status": noArgs(cmd, args); return status();
            case "list": return list(args);
            case "show": return show(args);
            case "release": return release(args);
            case "counters": noArgs(cmd, args); return counters();
            case "events": noArgs(cmd, args); return events(stop);
            case "add": return new ProvisioningCommands(session, out, err, prompter).add(args);
            case "remove": return new ProvisioningCommands(session, out, err, prompter).remove(args);
            case "drill": return new ProvisioningCommands(session, out, err, prompter).drill(args);
            case "cdr", "cdrs": return cdr(args);
            case "cluster": noArgs(cmd, args); return cluster();
            default:
                if (NOT_YET.containsKey(cmd)) throw new CliError("not available yet: " + String.join(" ", w) + ": " + NOT_YET.get(cmd));
                throw CliError.usage("unknown command '" + TextTable.clean(w.get(0)) + "' (type 'help' for the commands)");
        }
    }

    private static void noArgs(String cmd, List<String> args) throws CliError {
        if (!args.isEmpty()) throw CliError.usage(cmd + " takes no arguments (usage: " + HELP.get(cmd).usage() + ")");
    }

    private int help(List<String> args) throws CliError {
        if (args.size() > 1) throw CliError.usage("usage: help [COMMAND]");
        if (args.size() == 1) {
            Help h = HELP.get(args.get(0).toLowerCase(Locale.ROOT));
            if (h == null) throw CliError.usage("no command '" + TextTable.clean(args.get(0)) + "' (type 'help' for the commands)");
            out.println("usage: " + h.usage());
            out.println(h.summary());
            if (!h.details().isEmpty()) out.println(h.details());
            return 0;
        }
        TextTable t = new TextTable("COMMAND", "WHAT");
        for (Help h : HELP.values()) t.row(h.usage(), h.summary());
        t.print(out);
        Role r = session.role();
        out.println("You are " + session.sshUser() + (r == null ? "" : ", role " + r.apiName())
                + ". 'help COMMAND' explains one.");
        return 0;
    }

    /** Runs one read at every controller; unreachable ones are reported on stderr and make the status 1. */
    private interface PerController {
        void on(String controller, JsonNode body) throws CliError;
    }

    private int eachController(String path, PerController each) throws CliError, InterruptedException {
        boolean failed = false;
        List<String> names = session.controllerNames();
        for (String c : names) {
            AdminApiClient.Reply r;
            try {
                r = session.call(c, (api, token) -> api.get(path, token));
            } catch (IOException e) {
                err.println("error: " + e.getMessage());
                failed = true;
                continue;
            }
            if (!r.ok()) {
                err.println("error: controller " + c + ": " + TextTable.clean(r.error()));
                failed = true;
                continue;
            }
            if (names.size() > 1) out.println("controller " + c + ":");
            each.on(c, r.json());
        }
        return failed ? 1 : 0;
    }

    private int status() throws InterruptedException {
        TextTable t = new TextTable("CONTROLLER", "ROLE", "HEALTH", "UPTIME", "GATEWAYS", "PHONES", "CALLS", "PHONE-CALLS");
        boolean failed = false;
        for (String c : session.controllerNames()) {
            try {
                AdminApiClient.Reply r = session.call(c, (api, token) -> api.get("/api/status", token));
                if (!r.ok()) {
                    t.row(c, "-", "error: " + r.error());
                    failed = true;
                    continue;
                }
                JsonNode s = r.json();
                JsonNode n = s.path("counts");
                long failures = n.path("coreFailures").asLong(0);
                t.row(c, CallDrawing.text(s, "role"), failures == 0 ? "up" : "degraded (" + failures + " core failures)",
                        uptime(s.path("uptimeSeconds").asDouble()),
                        n.path("gatewaysInService").asInt() + "/" + n.path("gatewaysProvisioned").asInt() + " in service",
                        n.path("registeredPhones").asInt(), n.path("activeCalls").asInt(), n.path("activePhoneCalls").asInt());
            } catch (IOException e) {
                t.row(c, "-", e instanceof AdminApiClient.Unreachable ? "not reachable: " + reason(e) : "error: " + e.getMessage());
                failed = true;
            }
        }
        t.print(out);
        return failed ? 1 : 0;
    }

    private static String reason(IOException e) {
        String m = e.getMessage();
        int i = m.indexOf("not reachable: ");
        return i < 0 ? m : m.substring(i + "not reachable: ".length());
    }

    static String uptime(double seconds) {
        long s = (long) seconds;
        if (s < 60) return s + "s";
        if (s < 3600) return (s / 60) + "m" + String.format("%02ds", s % 60);
        if (s < 86400) return (s / 3600) + "h" + String.format("%02dm", (s % 3600) / 60);
        return (s / 86400) + "d" + String.format("%02dh", (s % 86400) / 3600);
    }

    private int list(List<String> args) throws CliError, InterruptedException {
        if (args.size() != 1) throw CliError.usage("usage: list gateways|phones|calls|stations");
        switch (args.get(0).toLowerCase(Locale.ROOT)) {
            case "gateways", "gateway", "gw": return eachController("/api/gateways", (c, b) -> gateways(b));
            case "phones", "phone": return eachController("/api/phones", (c, b) -> phones(b));
            case "calls", "call": return eachController("/api/calls", (c, b) -> calls(b));
            case "stations", "station": return eachController("/api/provisioning", (c, b) -> stations(b));
            default: throw CliError.usage("cannot list '" + TextTable.clean(args.get(0)) + "' (usage: list gateways|phones|calls|stations)");
        }
    }

    /** {@code cdr [NUMBER] [--since TIME] [--until TIME] [--limit N]}: the API checks the values (400 names them). */
    private int cdr(List<String> args) throws CliError, InterruptedException {
        String usage = "usage: " + HELP.get("cdr").usage();
        StringBuilder q = new StringBuilder("/api/cdrs?limit=");
        String limit = "20";
        List<String> params = new java.util.ArrayList<>();
        String number = null;
        boolean fromCluster = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a.toLowerCase(Locale.ROOT)) {
                case "--cluster" -> fromCluster = true;
                case "--since", "--until" -> {
                    if (i + 1 >= args.size()) throw CliError.usage(a + " needs a time (" + usage + ")");
                    params.add(a.substring(2).toLowerCase(Locale.ROOT) + "=" + encode(args.get(++i)));
                }
                case "--limit" -> {
                    if (i + 1 >= args.size()) throw CliError.usage("--limit needs a number (" + usage + ")");
                    limit = args.get(++i);
                }
                default -> {
                    if (a.startsWith("-") || number != null) throw CliError.usage(usage);
                    number = a;
                }
            }
        }
        if (fromCluster) {
            if (!params.isEmpty()) throw CliError.usage("--cluster takes a number and --limit only (" + usage + ")");
            int n;
            try {
                n = Integer.parseInt(limit);
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 1 || n > 10_000) throw CliError.usage("--limit '" + TextTable.clean(limit) + "': 1 to 10000");
            ObjectNode body = AdminApiClient.JSON.createObjectNode();
            List<JsonNode> found;
            try {
                found = needCluster().cdrs(number, n);
            } catch (IOException e) {
                throw new CliError(e.getMessage());
            }
            body.putArray("cdrs").addAll(found);
            body.put("total", found.size());
            cdrs(body);
            return 0;
        }
        q.append(encode(limit));
        if (number != null) q.append("&number=").append(encode(number));
        for (String p : params) q.append('&').append(p);
        return eachController(q.toString(), (c, b) -> cdrs(b));
    }

    private ClusterView needCluster() throws CliError {
        ClusterView c = session.cluster();
        if (c == null) throw new CliError("this console has no cluster configured (its 'cluster:' setting)");
        return c;
    }

    private int cluster() throws CliError {
        ClusterView c = needCluster();
        ClusterView.Snapshot s;
        try {
            s = c.snapshot(System.currentTimeMillis());
        } catch (IOException e) {
            throw new CliError(e.getMessage());
        }
        out.println("cluster " + TextTable.clean(c.describe()));
        TextTable t = new TextTable("CONTROLLER", "ROLE", "HEALTH", "LAST-HEARTBEAT", "ADMIN-API", "GATEWAYS", "REGISTRATIONS");
        for (ClusterView.Member m : s.controllers()) {
            t.row(m.name(), m.role(), m.healthy() ? "up" : "down", java.time.Instant.ofEpochMilli(m.heartbeat()).toString(),
                    m.adminUrl(), s.gatewaysByController().getOrDefault(m.name(), 0),
                    s.registrationsByController().getOrDefault(m.name(), 0));
        }
        if (t.size() == 0) out.println("no controller has written to the cluster");
        else t.print(out);
        return 0;
    }

    private static String encode(String s) { return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8); }

    private void cdrs(JsonNode body) {
        TextTable t = new TextTable("SETUP", "CALLER", "CALLEE", "ANSWER", "DURATION", "RELEASE", "MIGRATED", "CALL");
        for (JsonNode r : body.path("cdrs")) {
            t.row(CallDrawing.text(r, "setup"), CallDrawing.text(r, "caller"), CallDrawing.text(r, "callee"),
                    CallDrawing.text(r, "answer"),
                    String.format(Locale.ROOT, "%.1fs", r.path("durationMs").asLong() / 1000.0),
                    CallDrawing.text(r, "release"), r.path("migrated").asBoolean() ? "yes" : "no", CallDrawing.text(r, "call"));
        }
        if (t.size() == 0) out.println("no call detail records");
        else {
            t.print(out);
            out.println(t.size() + " of " + body.path("total").asInt() + " records");
        }
    }

    private void stations(JsonNode body) {
        TextTable t = new TextTable("NUMBER", "USER");
        for (JsonNode s : body.path("stations")) t.row(CallDrawing.text(s, "number"), CallDrawing.text(s, "user"));
        if (t.size() == 0) out.println("no stations provisioned");
        else t.print(out);
    }

    private void gateways(JsonNode body) {
        TextTable t = new TextTable("GATEWAY", "STATE", "ADDRESS", "TRANSPORT", "LINES", "BUSY", "CALLS", "LAST-SERVICE-CHANGE");
        for (JsonNode g : body.path("gateways")) {
            int busy = 0;
            for (JsonNode l : g.path("lines")) if (!"IDLE".equals(l.path("state").asText()) && !"UNARMED".equals(l.path("state").asText())) busy++;
            t.row(CallDrawing.text(g, "name"), CallDrawing.text(g, "state"), CallDrawing.text(g, "address"),
                    CallDrawing.text(g, "transport"), g.path("lines").size(), busy, g.path("calls").asInt(),
                    CallDrawing.text(g, "lastServiceChange"));
        }
        if (t.size() == 0) out.println("no gateways provisioned");
        else t.print(out);
    }

    private void phones(JsonNode body) {
        TextTable t = new TextTable("USER", "NUMBER", "REGISTERED", "CONTACTS");
        for (JsonNode p : body.path("phones")) {
            StringBuilder contacts = new StringBuilder();
            for (JsonNode c : p.path("contacts")) {
                contacts.append(contacts.length() == 0 ? "" : ", ").append(c.path("contact").asText())
                        .append(" (").append(c.path("expiresInSeconds").asLong()).append(" s)");
            }
            t.row(CallDrawing.text(p, "user"), CallDrawing.text(p, "number"), p.path("registered").asBoolean() ? "yes" : "no",
                    contacts.length() == 0 ? "-" : contacts);
        }
        if (t.size() == 0) out.println("no SIP subscribers provisioned");
        else t.print(out);
    }

    private void calls(JsonNode body) {
        TextTable t = new TextTable("CALL", "STATE", "PARTIES", "GATEWAYS", "FEATURE", "MIGRATED");
        for (JsonNode c : body.path("calls")) {
            List<String> gws = new ArrayList<>();
            for (JsonNode l : c.path("legs")) gws.add(l.path("gateway").asText());
            t.row(CallDrawing.text(c, "callId"), CallDrawing.text(c, "state"), CallDrawing.join(c.path("parties")),
                    gws.isEmpty() ? "-" : String.join(",", gws), CallDrawing.text(c, "feature"),
                    c.path("migrated").asBoolean(false) ? "yes" : "no");
        }
        if (t.size() == 0) out.println("no active calls");
        else t.print(out);
        JsonNode phoneCalls = body.path("phoneCalls");
        if (phoneCalls.size() > 0) {
            TextTable p = new TextTable("PHONE-CALL", "STATE", "CALLER", "CALLEE");
            for (JsonNode c : phoneCalls) p.row(CallDrawing.text(c, "id"), CallDrawing.text(c, "state"), CallDrawing.text(c, "caller"), CallDrawing.text(c, "callee"));
            p.print(out);
        }
    }

    /** {@code call ID [on CONTROLLER]}: the id and the controllers to ask. */
    private record CallRef(long id, List<String> controllers) {}

    private CallRef callRef(String verb, List<String> args) throws CliError {
        String usage = "usage: " + verb + " call ID [on CONTROLLER]";
        if ((args.size() != 2 && args.size() != 4) || !args.get(0).equalsIgnoreCase("call")) throw CliError.usage(usage);
        long id;
        try {
            id = Long.parseLong(args.get(1));
            if (id < 0) throw new NumberFormatException();
        } catch (NumberFormatException e) {
            throw CliError.usage("call id '" + TextTable.clean(args.get(1)) + "' is not a number (" + usage + ")");
        }
        if (args.size() == 2) return new CallRef(id, session.controllerNames());
        if (!args.get(2).equalsIgnoreCase("on")) throw CliError.usage(usage);
        String c = args.get(3);
        if (!session.controllerNames().contains(c)) {
            throw CliError.usage("no controller '" + TextTable.clean(c) + "' (configured: " + String.join(", ", session.controllerNames()) + ")");
        }
        return new CallRef(id, List.of(c));
    }

    /** The controller that has the call active and its structure; unreachable controllers are noted. */
    private record Found(String controller, JsonNode call) {}

    private Found find(CallRef ref) throws CliError, InterruptedException {
        List<String> unreachable = new ArrayList<>();
        for (String c : ref.controllers()) {
            try {
                AdminApiClient.Reply r = session.call(c, (api, token) -> api.get("/api/calls/" + ref.id(), token));
                if (r.status() == 200) return new Found(c, r.json());
                if (r.status() != 404) throw new CliError("controller " + c + ": " + TextTable.clean(r.error()));
            } catch (IOException e) {
                if (ref.controllers().size() == 1) throw new CliError(e.getMessage());
                unreachable.add(e.getMessage());
            }
        }
        String where = ref.controllers().size() == 1 ? "on controller " + ref.controllers().get(0) : "on any controller";
        throw new CliError("no active call " + ref.id() + " " + where
                + (unreachable.isEmpty() ? "" : " (" + String.join("; ", unreachable) + ")"));
    }

    private int show(List<String> args) throws CliError, InterruptedException {
        if (!args.isEmpty() && args.get(0).equalsIgnoreCase("gateway")) return showGateway(args);
        if (args.isEmpty() || !args.get(0).equalsIgnoreCase("call")) throw CliError.usage("usage: show call ID|gateway NAME [on CONTROLLER]");
        Found f = find(callRef("show", args));
        if (session.controllerNames().size() > 1) out.println("controller " + f.controller() + ":");
        CallDrawing.draw(f.call(), out);
        return 0;
    }

    private int showGateway(List<String> args) throws CliError, InterruptedException {
        String usage = "usage: show gateway NAME [on CONTROLLER]";
        if (args.size() != 2 && args.size() != 4) throw CliError.usage(usage);
        String name = args.get(1);
        if (!name.matches("[A-Za-z0-9._-]{1,64}")) throw CliError.usage("gateway name '" + TextTable.clean(name) + "' is not a name (" + usage + ")");
        List<String> controllers = session.controllerNames();
        if (args.size() == 4) {
            if (!args.get(2).equalsIgnoreCase("on")) throw CliError.usage(usage);
            if (!controllers.contains(args.get(3))) {
                throw CliError.usage("no controller '" + TextTable.clean(args.get(3)) + "' (configured: " + String.join(", ", controllers) + ")");
            }
            controllers = List.of(args.get(3));
        }
        List<String> unreachable = new ArrayList<>();
        for (String c : controllers) {
            AdminApiClient.Reply r;
            try {
                r = session.call(c, (api, token) -> api.get("/api/gateways/" + name, token));
            } catch (IOException e) {
                if (controllers.size() == 1) throw new CliError(e.getMessage());
                unreachable.add(e.getMessage());
                continue;
            }
            if (r.status() == 404) continue;
            if (!r.ok()) throw new CliError("controller " + c + ": " + TextTable.clean(r.error()));
            JsonNode g = r.json();
            if (session.controllerNames().size() > 1) out.println("controller " + c + ":");
            out.println(TextTable.clean("gateway " + CallDrawing.text(g, "name") + "  " + CallDrawing.text(g, "state")
                    + "  mid " + CallDrawing.text(g, "mid") + "  peer " + CallDrawing.text(g, "peer")
                    + "  last service change " + CallDrawing.text(g, "lastServiceChange")));
            TextTable t = new TextTable("  TERMINATION", "NUMBER", "KIND", "STATE", "OFF-HOOK", "CALL");
            for (JsonNode l : g.path("lines")) {
                t.row("  " + CallDrawing.text(l, "termination"), l.hasNonNull("number") ? l.get("number").asText()
                                : "group " + CallDrawing.text(l, "trunkGroup"), CallDrawing.text(l, "kind"),
                        CallDrawing.text(l, "state"), l.path("offHook").asBoolean() ? "yes" : "no", CallDrawing.text(l, "call"));
            }
            t.print(out);
            return 0;
        }
        throw new CliError("no gateway '" + name + "' " + (controllers.size() == 1 ? "on controller " + controllers.get(0) : "on any controller")
                + (unreachable.isEmpty() ? "" : " (" + String.join("; ", unreachable) + ")"));
    }

    private int release(List<String> args) throws CliError, InterruptedException {
        CallRef ref = callRef("release", args);
        Found f = find(ref);
        Role role = session.role(f.controller());
        if (role == null || !role.atLeast(Role.OPERATOR)) {
            throw new CliError("release call needs role operator; you are " + (role == null ? "not logged in" : role.apiName()));
        }
        AdminApiClient.Reply r;
        try {
            r = session.call(f.controller(), (api, token) -> api.delete("/api/calls/" + ref.id(), token));
        } catch (IOException e) {
            throw new CliError(e.getMessage());
        }
        if (r.status() == 403) throw new CliError("release call refused by controller " + f.controller() + ": " + TextTable.clean(r.error()));
        if (r.status() == 404) throw new CliError("no active call " + ref.id() + " on controller " + f.controller() + " (ended meanwhile)");
        if (!r.ok()) throw new CliError("controller " + f.controller() + ": " + TextTable.clean(r.error()));
        LOG.log(System.Logger.Level.INFO, "console: " + session.sshUser() + " (" + session.method() + ") released call "
                + ref.id() + " on " + f.controller());
        out.println("call " + ref.id() + " on controller " + f.controller() + ": release submitted");
        return 0;
    }

    private int counters() throws CliError, InterruptedException {
        return eachController("/api/counters", (c, body) -> {
            Map<String, String> flat = new TreeMap<>();
            flatten("", body, flat);
            TextTable t = new TextTable("COUNTER", "VALUE");
            flat.forEach((k, v) -> t.row(k, v));
            t.print(out);
        });
    }

    private static void flatten(String prefix, JsonNode n, Map<String, String> into) {
        if (n.isObject()) {
            n.properties().forEach(e -> flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), into));
        } else {
            into.put(prefix, n.asText());
        }
    }

    private int events(StopSignal stop) throws CliError, InterruptedException {
        EventFollower follower = new EventFollower(session, out, err);
        return follower.follow(stop);
    }
}
