package dev.holdfast.console;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The console's configuration: its defaults, and every refusal saying what is wrong. */
class ConsoleConfigTest {
    @TempDir Path dir;

    private ConsoleConfig parse(String yaml) throws ConsoleConfig.BadConfig {
        return ConsoleConfig.parse(yaml, dir, "console.yaml");
    }

    private String refusal(String yaml) {
        return assertThrows(ConsoleConfig.BadConfig.class, () -> parse(yaml)).getMessage();
    }

    @Test
    void defaults() throws Exception {
        ConsoleConfig c = parse("controllers: [ { name: cc1, url: \"http://127.0.0.1:8080/\" } ]");
        assertEquals("127.0.0.1", c.address());
        assertEquals(2222, c.port());
        assertEquals(dir.resolve("console-host-key.ser"), c.hostKey());
        assertEquals("http://127.0.0.1:8080", c.controllers().get(0).url());
        assertNull(c.authorizedKeys());
        assertNull(c.serviceAccount());
        assertEquals(1800, c.idleTimeoutSeconds());
        assertEquals(3, c.loginFailureLimit());
        assertEquals(300, c.loginFailureWindowSeconds());
        assertEquals(new ConsoleConfig.Web("127.0.0.1", 8081, 1800), c.web());
    }

    @Test
    void webSection() throws Exception {
        ConsoleConfig c = parse("controllers: [ { name: cc1, url: \"http://127.0.0.1:8080\" } ]\n"
                + "web: { address: 127.0.0.2, port: 0, sessionIdleSeconds: 60 }");
        assertEquals(new ConsoleConfig.Web("127.0.0.2", 0, 60), c.web());
        String base = "controllers: [ { name: cc1, url: \"http://127.0.0.1:8080\" } ]\n";
        assertTrue(refusal(base + "web: { port: 70000 }").contains("web.port 70000"));
        assertTrue(refusal(base + "web: { sessionIdleSeconds: 0 }").contains("web.sessionIdleSeconds"));
        assertTrue(refusal(base + "web: { colour: red }").contains("colour"));
    }

    @Test
    void jsonAndAServiceAccountPasswordFile() throws Exception {
        Files.writeString(dir.resolve("svc.pw"), "s3cret\n");
        ConsoleConfig c = parse("{\"listen\":{\"port\":2022},\"controllers\":[{\"name\":\"a\",\"url\":\"http://h:1\"},"
                + "{\"name\":\"b\",\"url\":\"https://h:2\"}],\"authorizedKeys\":\"keys\","
                + "\"serviceAccount\":{\"user\":\"console\",\"passwordFile\":\"svc.pw\"}}");
        assertEquals(2022, c.port());
        assertEquals(2, c.controllers().size());
        assertEquals(dir.resolve("keys"), c.authorizedKeys());
        assertEquals("s3cret", c.serviceAccount().password());
    }

    @Test
    void refusals() {
        assertTrue(refusal("listen: { port: 2222 }").contains("at least one controller"));
        assertTrue(refusal("controllers: [ { name: cc1, url: \"ftp://h/\" } ]").contains("not an http(s)://host:port URL"));
        assertTrue(refusal("controllers: [ { name: cc1, url: \"http://h:1\" }, { name: cc1, url: \"http://h:2\" } ]").contains("given twice"));
        assertTrue(refusal("controllers: [ { name: \"a b\", url: \"http://h:1\" } ]").contains("controllers.name"));
        assertTrue(refusal("listen: { port: 70000 }\ncontrollers: [ { name: a, url: \"http://h:1\" } ]").contains("not a port"));
        String unknown = refusal("controllers: [ { name: a, url: \"http://h:1\" } ]\nbogus: 1");
        assertTrue(unknown.startsWith("console.yaml line 2: ") && unknown.contains("bogus"), unknown);
        assertTrue(refusal("controllers: [ { name: a, url: \"http://h:1\" } ]\nloginFailureLimit: 0").contains("loginFailureLimit"));
        assertTrue(refusal("controllers: [ { name: a, url: \"http://h:1\" } ]\nauthorizedKeys: keys").contains("needs a serviceAccount"));
        assertTrue(refusal("controllers: [ { name: a, url: \"http://h:1\" } ]\nserviceAccount: { user: c }").contains("exactly one of password and passwordFile"));
    }
}
