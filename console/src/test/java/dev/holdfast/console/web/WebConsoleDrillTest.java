package dev.holdfast.console.web;

import dev.holdfast.console.ConsoleConfig;
import dev.holdfast.controller.Controller;
import dev.holdfast.controller.admin.PasswordHash;
import dev.holdfast.controller.provisioning.ProvisioningLoader;
import dev.holdfast.gatewaysim.GatewayConfig;
import dev.holdfast.gatewaysim.GatewayRuntime;
import dev.holdfast.gatewaysim.SimulatedGateway;
import dev.holdfast.gatewaysim.control.H248ControlNetwork.Transport;
import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.transport.EndpointOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A failover drill started from the web console in a real browser (headless Chromium, {@link Chromium}): the
 * primary controller runs as a process of its own (the drill halts it), the alternate and the simulated gateways
 * (gw1 with lines 1001..1004, gw2 with 2001, 2002; both controllers on each gateway's list) in the test JVM. Two
 * calls are up on the primary; the admin confirms the drill; the primary halts; the drills page shows the calls on
 * the alternate, marked migrated, and their talk paths never went down.
 */
class WebConsoleDrillTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String COOKIES = "cookies: { current: 1, keys: [ { id: 1, secret: \"d2ViLWNvbnNvbGUtZHJpbGwtdGVzdC1rZXktMzItYnl0ZQ==\" } ] }\n";

    @TempDir static Path dir;
    static Process primary;
    static Controller alternate;
    static GatewayRuntime runtime;
    static SimulatedGateway gw1, gw2;
    static WebConsole web;
    static Chromium chromium;
    static WebDriver browser;
    static String primaryAdmin;

    @BeforeAll
    static void start() throws Exception {
        Chromium.assumeInstalled();
        int port1 = freeUdpPort(), port2 = freeUdpPort();
        String users = "  users:\n" + user("admin") + user("viewer");
        String gateways = "gateways:\n"
                + "  - { name: gw1, mid: \"[127.0.0.1]:" + port1 + "\", address: \"127.0.0.1:" + port1 + "\", lines: ["
                + "{ termination: A1, number: \"1001\" }, { termination: A2, number: \"1002\" }, { termination: A3, number: \"1003\" }, "
                + "{ termination: A4, number: \"1004\" } ] }\n"
                + "  - { name: gw2, mid: \"[127.0.0.1]:" + port2 + "\", address: \"127.0.0.1:" + port2 + "\", lines: ["
                + "{ termination: A1, number: \"2001\" }, { termination: A2, number: \"2002\" } ] }\n";
        // the gateways' heartbeat (it/ito) every second: a dead primary is noticed within a few seconds
        String timers = "timers: { noAnswerSeconds: 60, inactivityMillis: 1000 }\n";
        Path primaryYaml = dir.resolve("primary.yaml");
        Files.writeString(primaryYaml, "controller: { role: primary, address: 127.0.0.1, port: 0, transports: [udp] }\n" + timers
                + "admin:\n  port: 0\n  drills: true\n  drillDelayMs: 500\n  auditLog: \"" + dir.resolve("primary-audit.log") + "\"\n"
                + users + COOKIES + gateways);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = dir.resolve("primary.log");
        primary = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.holdfast.controller.ControllerMain",
                "--config", primaryYaml.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Matcher admin = await(log, Pattern.compile("admin API (http://\\S+)/api/status"));
        Matcher udp = await(log, Pattern.compile("listening on udp 127\\.0\\.0\\.1:(\\d+)"));
        primaryAdmin = admin.group(1);
        alternate = Controller.start(ProvisioningLoader.parse("controller: { role: alternate, address: 127.0.0.1, port: 0, transports: [udp] }\n"
                + timers + "admin:\n  port: 0\n  auditLog: \"" + dir.resolve("alternate-audit.log") + "\"\n" + users + COOKIES + gateways,
                ProvisioningLoader.Format.YAML, "alternate.yaml"), null, null, 2, EndpointOptions.DEFAULTS);
        List<InetSocketAddress> controllers = List.of(new InetSocketAddress("127.0.0.1", Integer.parseInt(udp.group(1))), alternate.address("udp"));
        runtime = GatewayRuntime.create(1, GatewayRuntime.quickTransactions());
        gw1 = runtime.start(GatewayConfig.of(MId.ipv4("127.0.0.1", port1), 4, controllers).withSeed(1), Transport.UDP,
                new InetSocketAddress("127.0.0.1", port1));
        gw2 = runtime.start(GatewayConfig.of(MId.ipv4("127.0.0.1", port2), 2, controllers).withSeed(2), Transport.UDP,
                new InetSocketAddress("127.0.0.1", port2));
        for (SimulatedGateway g : List.of(gw1, gw2)) {
            check(g.awaitRegistered(WAIT), g.config().midText() + " registers with the primary");
            for (String line : g.config().lines()) await(() -> g.armedEvents(line).contains("al/of"), line + " armed");
        }
        web = WebConsole.start(ConsoleConfig.parse("web: { port: 0 }\nloginFailureLimit: 100\ncontrollers:\n"
                + "  - { name: primary, url: \"" + primaryAdmin + "\" }\n"
                + "  - { name: alternate, url: \"" + alternate.admin().url() + "\" }\n", dir, "drill-console.yaml"));
        chromium = new Chromium(dir.resolve("chromium-profile"));
        browser = chromium.driver;
    }

    static String user(String name) {
        return "    - { user: " + name + ", role: " + name + ", password: \"" + PasswordHash.hash((name + "-secret").toCharArray(), 1000) + "\" }\n";
    }

    static int freeUdpPort() throws java.net.SocketException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static Matcher await(Path log, Pattern p) throws Exception {
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            String out = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            Matcher m = p.matcher(out);
            if (m.find()) return m;
            if (!primary.isAlive()) throw new AssertionError("the primary ended: " + out);
            Thread.sleep(50);
        }
        throw new AssertionError("not in the primary's output within " + WAIT + ": " + p + "\n" + Files.readString(log));
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        check(SimulatedGateway.await(condition, WAIT), what);
    }

    static void check(boolean ok, String what) {
        if (!ok) throw new AssertionError("not within " + WAIT + ": " + what);
    }

    @AfterAll
    static void stop() throws Exception {
        if (chromium != null) chromium.close();
        if (web != null) web.close();
        if (gw1 != null) gw1.close();
        if (gw2 != null) gw2.close();
        if (runtime != null) runtime.close();
        if (alternate != null) alternate.close();
        if (primary != null && primary.isAlive()) {
            primary.destroyForcibly();
            primary.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** A line of gw1 calls another line (answered): the talk path is up. */
    static void call(SimulatedGateway from, String a, SimulatedGateway to, String b, String number) throws Exception {
        from.offHook(a);
        await(() -> from.signals(a).contains("cg/dt"), a + " hears dial tone");
        from.dial(a, number);
        await(() -> to.signals(b).contains("al/ri"), b + " rings");
        check(to.answer(b), b + " answers");
        await(() -> from.talkPathUp(a) && to.talkPathUp(b), "talk path " + a + " - " + b);
    }

    static List<WebElement> calls(String controller, String parties) {
        return browser.findElements(By.cssSelector("section.controller-calls[data-controller='" + controller
                + "'] article.call[data-parties='" + parties + "']"));
    }

    @Test
    void aFailoverDrillFromTheBrowserMovesTheCallsToTheAlternateAlive() throws Exception {
        call(gw1, "A1", gw1, "A2", "1002");
        call(gw1, "A3", gw2, "A1", "2001");
        chromium.logIn(web.url(), "admin", "admin-secret");
        browser.get(web.url() + "/drills");
        chromium.waiting().until(d -> calls("primary", "1001,1002").size() == 1 && calls("primary", "1003,2001").size() == 1);

        // step one asks for the word; a wrong word is refused next to the field
        browser.findElement(By.id("drill-primary")).click();
        chromium.waiting().until(d -> !d.findElements(By.id("confirm-drill")).isEmpty());
        browser.findElement(By.id("f-confirm")).sendKeys("yes");
        browser.findElement(By.id("start-drill")).click();
        chromium.waiting().until(d -> !d.findElements(By.id("error-confirm")).isEmpty());
        assertTrue(primary.isAlive(), "no drill without the word");
        browser.findElement(By.id("f-confirm")).sendKeys("failover");
        chromium.screenshot("drill-confirm");
        browser.findElement(By.id("start-drill")).click();
        chromium.waiting().until(d -> !d.findElements(By.cssSelector("p.ok")).isEmpty());
        assertTrue(browser.findElement(By.cssSelector("p.ok")).getText().contains("failover drill started on primary"));

        check(primary.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "the primary halts itself");
        // the page, not reloaded, shows the calls on the alternate, rebuilt from their cookies and marked migrated
        chromium.waiting().until(d -> {
            List<WebElement> a = calls("alternate", "1001,1002"), b = calls("alternate", "1003,2001");
            return a.size() == 1 && b.size() == 1 && "true".equals(a.get(0).getAttribute("data-migrated"))
                    && "true".equals(b.get(0).getAttribute("data-migrated"));
        });
        String merged = chromium.read(d -> calls("alternate", "1003,2001").get(0).getText());
        assertTrue(merged.contains("migrated") && merged.contains("merged"), merged);
        assertTrue(gw1.talkPathUp("A1") && gw1.talkPathUp("A2") && gw1.talkPathUp("A3") && gw2.talkPathUp("A1"),
                "the talk paths survived the drill");
        String primarySection = chromium.read(d -> d.findElement(By.cssSelector("section.controller-calls[data-controller='primary']")).getText());
        assertTrue(primarySection.contains("not reachable"), primarySection);
        chromium.screenshot("drill-calls");

        browser.get(web.url() + "/");
        chromium.waiting().until(d -> d.findElements(By.cssSelector("#timeline li.move")).size() >= 2);
        String timeline = chromium.read(d -> d.findElement(By.id("timeline")).getText());
        assertTrue(timeline.contains("primary stopped answering"), timeline);
        assertTrue(timeline.contains("gateway gw1 moved from primary to alternate"), timeline);
        String card = chromium.read(d -> d.findElement(By.id("controller-primary")).getText());
        assertTrue(card.contains("not reachable"), card);
        chromium.screenshot("overview-after-drill");

        // the calls still end normally on the alternate
        for (String l : List.of("A1", "A2", "A3")) gw1.onHook(l);
        gw2.onHook("A1");
        browser.get(web.url() + "/calls");
        chromium.waiting().until(d -> calls("alternate", "1001,1002").isEmpty() && calls("alternate", "1003,2001").isEmpty());
        await(() -> { try { return alternate.inspect(core -> core.calls().calls().isEmpty()); } catch (Exception e) { return false; } }, "no call left on the alternate");
    }
}
