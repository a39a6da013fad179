package dev.holdfast.console;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The console's configuration (YAML, or JSON which is YAML too): where the SSH server and the web console listen, the controllers'
 * admin API URLs, the host key file, the authorized keys and the service account public-key sessions use.
 * Relative paths are taken from the configuration file's folder.
 */
public record ConsoleConfig(String address, int port, Path hostKey, List<ControllerRef> controllers,
                            Path authorizedKeys, ServiceAccount serviceAccount, int idleTimeoutSeconds,
                            int loginFailureLimit, int loginFailureWindowSeconds, Web web, Cluster cluster) {

    /** The controllers' Hazelcast cluster, read as a client (null: none; the console then reads the admin APIs only). */
    public record Cluster(String clusterName, List<String> members) {}

    record ClusterShape(@JsonProperty("clusterName") String clusterName, @JsonProperty("members") List<String> members) {}

    /** The same configuration with another web section. */
    public ConsoleConfig withWeb(Web w) {
        return new ConsoleConfig(address, port, hostKey, controllers, authorizedKeys, serviceAccount, idleTimeoutSeconds,
                loginFailureLimit, loginFailureWindowSeconds, w, cluster);
    }

    /** The web console: where its HTTP server listens, and how long a browser session may stay unused. */
    public record Web(String address, int port, int sessionIdleSeconds) {}

    /** One controller's admin API: a short name the CLI shows and its base URL ({@code http://host:port}). */
    public record ControllerRef(String name, String url) {}

    /** The admin API user the console logs in as for public-key sessions. */
    public record ServiceAccount(String user, String password) {}

    /** A configuration file that is not right: which field, and why. */
    public static final class BadConfig extends Exception {
        public BadConfig(String message) { super(message); }
    }

    // the file's shape (unknown fields are refused)
    record FileShape(@JsonProperty("listen") Listen listen, @JsonProperty("hostKey") String hostKey,
                     @JsonProperty("controllers") List<ControllerRef> controllers,
                     @JsonProperty("authorizedKeys") String authorizedKeys,
                     @JsonProperty("serviceAccount") ServiceAccountShape serviceAccount,
                     @JsonProperty("idleTimeoutSeconds") Integer idleTimeoutSeconds,
                     @JsonProperty("loginFailureLimit") Integer loginFailureLimit,
                     @JsonProperty("loginFailureWindowSeconds") Integer loginFailureWindowSeconds,
                     @JsonProperty("web") WebShape web,
                     @JsonProperty("cluster") ClusterShape cluster) {}

    record WebShape(@JsonProperty("address") String address, @JsonProperty("port") Integer port,
                    @JsonProperty("sessionIdleSeconds") Integer sessionIdleSeconds) {}

    record Listen(@JsonProperty("address") String address, @JsonProperty("port") Integer port) {}

    record ServiceAccountShape(@JsonProperty("user") String user, @JsonProperty("password") String password,
                               @JsonProperty("passwordFile") String passwordFile) {}

    public static ConsoleConfig load(Path file) throws IOException, BadConfig {
        return parse(Files.readString(file), file.toAbsolutePath().getParent(), file.toString());
    }

    public static ConsoleConfig parse(String text, Path base, String source) throws BadConfig {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        FileShape f;
        try {
            f = yaml.readValue(text, FileShape.class);
        } catch (JsonMappingException e) {
            String where = e.getLocation() == null ? "" : " line " + e.getLocation().getLineNr();
            throw new BadConfig(source + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadConfig(source + ": " + e.getMessage());
        }
        if (f == null) throw new BadConfig(source + ": empty");
        String address = f.listen() == null || f.listen().address() == null ? "127.0.0.1" : f.listen().address();
        int port = f.listen() == null || f.listen().port() == null ? 2222 : f.listen().port();
        if (port < 0 || port > 65535) throw new BadConfig(source + ": listen.port " + port + " is not a port (0..65535)");
        if (f.controllers() == null || f.controllers().isEmpty()) {
            throw new BadConfig(source + ": controllers: at least one controller's admin API URL is needed");
        }
        Set<String> names = new HashSet<>();
        for (ControllerRef c : f.controllers()) {
            if (c.name() == null || !c.name().matches("[A-Za-z0-9._-]{1,32}")) {
                throw new BadConfig(source + ": controllers.name '" + c.name() + "': 1-32 letters, digits, '.', '_' or '-'");
            }
            if (!names.add(c.name())) throw new BadConfig(source + ": controllers.name '" + c.name() + "' given twice");
            URI u;
            try {
                u = c.url() == null ? null : URI.create(c.url());
            } catch (IllegalArgumentException e) {
                u = null;
            }
            if (u == null || u.getHost() == null || !("http".equals(u.getScheme()) || "https".equals(u.getScheme()))) {
                throw new BadConfig(source + ": controllers.url '" + c.url() + "' of " + c.name() + ": not an http(s)://host:port URL");
            }
        }
        List<ControllerRef> controllers = f.controllers().stream()
                .map(c -> new ControllerRef(c.name(), c.url().replaceAll("/+$", ""))).toList();
        Path hostKey = base.resolve(f.hostKey() == null ? "console-host-key.ser" : f.hostKey());
        Path authorizedKeys = f.authorizedKeys() == null ? null : base.resolve(f.authorizedKeys());
        ServiceAccount service = null;
        if (f.serviceAccount() != null) {
            ServiceAccountShape s = f.serviceAccount();
            if (s.user() == null || s.user().isBlank()) throw new BadConfig(source + ": serviceAccount.user is missing");
            if ((s.password() == null) == (s.passwordFile() == null)) {
                throw new BadConfig(source + ": serviceAccount: give exactly one of password and passwordFile");
            }
            String password = s.password();
            if (password == null) {
                try {
                    password = Files.readString(base.resolve(s.passwordFile())).strip();
                } catch (IOException e) {
                    throw new BadConfig(source + ": serviceAccount.passwordFile: cannot read " + s.passwordFile() + ": " + e);
                }
            }
            service = new ServiceAccount(s.user(), password);
        }
        if (authorizedKeys != null && service == null) {
            throw new BadConfig(source + ": authorizedKeys needs a serviceAccount (public-key sessions use it with the API)");
        }
        int idle = f.idleTimeoutSeconds() == null ? 1800 : f.idleTimeoutSeconds();
        if (idle < 1) throw new BadConfig(source + ": idleTimeoutSeconds must be at least 1");
        int limit = f.loginFailureLimit() == null ? 3 : f.loginFailureLimit();
        if (limit < 1) throw new BadConfig(source + ": loginFailureLimit must be at least 1");
        int window = f.loginFailureWindowSeconds() == null ? 300 : f.loginFailureWindowSeconds();
        if (window < 1) throw new BadConfig(source + ": loginFailureWindowSeconds must be at least 1");
        WebShape w = f.web() == null ? new WebShape(null, null, null) : f.web();
        int webPort = w.port() == null ? 8081 : w.port();
        if (webPort < 0 || webPort > 65535) throw new BadConfig(source + ": web.port " + webPort + " is not a port (0..65535)");
        int webIdle = w.sessionIdleSeconds() == null ? 1800 : w.sessionIdleSeconds();
        if (webIdle < 1) throw new BadConfig(source + ": web.sessionIdleSeconds must be at least 1");
        Web web = new Web(w.address() == null ? "127.0.0.1" : w.address(), webPort, webIdle);
        Cluster cluster = null;
        if (f.cluster() != null) {
            ClusterShape c = f.cluster();
            if (c.members() == null || c.members().isEmpty()) throw new BadConfig(source + ": cluster.members: at least one host:port");
            for (String m : c.members()) {
                if (m == null || !m.matches("[A-Za-z0-9.\\-\\[\\]:]+:\\d{1,5}")) {
                    throw new BadConfig(source + ": cluster.members '" + m + "': not host:port");
                }
            }
            cluster = new Cluster(c.clusterName() == null ? "holdfast" : c.clusterName(), List.copyOf(c.members()));
        }
        return new ConsoleConfig(address, port, hostKey, controllers, authorizedKeys, service, idle, limit, window, web, cluster);
    }
}
