package dev.holdfast.console.web;

import dev.holdfast.console.ConsoleConfig;
import dev.holdfast.console.ControllerRig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import dev.holdfast.endpointsim.PhoneRuntime;
import dev.holdfast.endpointsim.phone.Phone;
import dev.holdfast.endpointsim.phone.PhoneConfig;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The web console in a real browser: headless Debian Chromium driven by Selenium (see {@link Chromium}), against the
 * console's server and a real controller with real simulated gateways placing calls and a real simulated SIP phone.
 */
class WebConsoleBrowserTest {
    @TempDir static Path dir;
    static ControllerRig rig;
    static WebConsole web;
    static Chromium chromium;
    static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        Chromium.assumeInstalled();
        rig = ControllerRig.start(dir, "sip: { port: 0 }\n");
        web = WebConsole.start(ConsoleConfig.parse("web: { port: 0 }\nloginFailureLimit: 100\ncontrollers:\n  - { name: cc1, url: \""
                + rig.adminUrl() + "\" }\n", dir, "browser-test.yaml"));
        chromium = new Chromium(dir.resolve("chromium-profile"));
        browser = chromium.driver;
        chromium.logIn(web.url(), "admin", ControllerRig.password("admin"));
    }

    @AfterAll
    static void stop() {
        if (chromium != null) chromium.close();
        if (web != null) web.close();
        if (rig != null) rig.close();
    }

    static WebDriverWait waiting() { return chromium.waiting(); }

    static void screenshot(String name) throws Exception { chromium.screenshot(name); }

    static List<WebElement> calls(String parties) {
        return browser.findElements(By.cssSelector("article.call[data-parties='" + parties + "']"));
    }

    @Test
    void watchLiveCallsComeAndGo() throws Exception {
        browser.get(web.url() + "/calls");
        waiting().until(d -> "true".equals(d.findElement(By.id("calls")).getAttribute("data-streaming")));
        // a mark on this page's window: it survives only if the page is updated in place, not reloaded
        ((JavascriptExecutor) browser).executeScript("window.holdfastMark = 'same page';");
        assertTrue(calls("1001,1002").isEmpty());

        rig.connectedCall(1, 2);
        rig.interGatewayCall(6, 1);
        waiting().until(d -> !calls("1001,1002").isEmpty() && !calls("1006,2001").isEmpty());
        waiting().until(d -> "CONNECTED".equals(calls("1006,2001").get(0).getAttribute("data-state")));
        String igcCall = chromium.read(d -> calls("1006,2001").get(0).getText());
        assertTrue(igcCall.contains("gateway gw1") && igcCall.contains("gateway gw2"), igcCall);
        assertEquals(1, (int) chromium.read(d -> calls("1006,2001").get(0).findElements(By.cssSelector("line.igc")).size()),
                "the IGC between gw1 and gw2 is drawn");
        assertEquals("same page", ((JavascriptExecutor) browser).executeScript("return window.holdfastMark;"));
        screenshot("calls");

        rig.gw.onHook("A1");
        rig.gw.onHook("A2");
        waiting().until(d -> calls("1001,1002").isEmpty());
        assertEquals(1, calls("1006,2001").size());
        rig.gw.onHook("A6");
        rig.gw2.onHook("A1");
        waiting().until(d -> calls("1006,2001").isEmpty());
        assertEquals("same page", ((JavascriptExecutor) browser).executeScript("return window.holdfastMark;"));

        browser.get(web.url() + "/");
        waiting().until(d -> d.findElements(By.id("plot-calls-per-second")).size() == 1);
        String card = chromium.read(d -> d.findElement(By.id("controller-cc1")).getText());
        assertTrue(card.contains("up"), card);
        screenshot("overview");
        browser.get(web.url() + "/gateways");
        screenshot("gateways");
    }

    @Test
    void searchTheRecordsOfCallsThatEnded() throws Exception {
        rig.interGatewayCall(5, 2);
        rig.gw.onHook("A5");
        rig.gw2.onHook("A2");
        browser.get(web.url() + "/cdrs");
        browser.findElement(By.id("f-number")).sendKeys("1005");
        browser.findElement(By.id("search")).click();
        waiting().until(d -> {
            if (!d.findElements(By.cssSelector("tr.cdr")).isEmpty()) return true;
            d.navigate().refresh(); // the record comes right after the call's end
            return false;
        });
        WebElement cdr = browser.findElement(By.cssSelector("tr.cdr"));
        assertTrue(cdr.getText().contains("1005") && cdr.getText().contains("2002") && cdr.getText().contains("normal"), cdr.getText());
        assertTrue(browser.findElement(By.id("csv")).getAttribute("href").contains("/cdrs.csv?number=1005"));
        screenshot("cdrs");
    }

    @Test
    void addAStationOnTheProvisioningPageAndCallIt() throws Exception {
        browser.get(web.url() + "/provisioning");
        WebElement form = browser.findElement(By.id("form-station"));
        form.findElement(By.name("number")).sendKeys("5001");
        form.findElement(By.name("user")).sendKeys("alice");
        form.findElement(By.name("password")).sendKeys("wonderland");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        waiting().until(d -> !d.findElements(By.cssSelector("tr.station[data-number='5001']")).isEmpty());
        assertTrue(browser.findElement(By.cssSelector("p.ok")).getText().contains("station 5001 added"));

        // the same number again: the API's 409 shown next to the number field, what was typed kept (not the password)
        form = browser.findElement(By.id("form-station"));
        form.findElement(By.name("number")).sendKeys("5001");
        form.findElement(By.name("user")).sendKeys("alice2");
        form.findElement(By.name("password")).sendKeys("x");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        WebElement error = waiting().until(d -> d.findElement(By.id("error-station-number")));
        assertTrue(!error.getText().isBlank(), "the refusal is said next to the field");
        assertEquals("alice2", browser.findElement(By.id("form-station")).findElement(By.name("user")).getAttribute("value"));
        assertEquals("", browser.findElement(By.id("form-station")).findElement(By.name("password")).getAttribute("value"));
        screenshot("provisioning");

        // a SIP phone registers as the new station, and a line calls it
        try (PhoneRuntime phones = PhoneRuntime.loopback()) {
            Phone alice = phones.phone(PhoneConfig.of("alice", "wonderland",
                    List.of(new InetSocketAddress("127.0.0.1", rig.controller.sip().port()))).withAutoAnswer(Duration.ofMillis(200)));
            rig.await(alice::registered, "alice registers as 5001");
            browser.get(web.url() + "/calls");
            waiting().until(d -> "true".equals(d.findElement(By.id("calls")).getAttribute("data-streaming")));
            rig.gw.offHook("A3");
            rig.await(() -> rig.gw.signals("A3").contains("cg/dt"), "A3 hears dial tone");
            rig.gw.dial("A3", "5001");
            rig.await(() -> !alice.calls().isEmpty() && alice.calls().get(0).talkPathUp() && rig.gw.talkPathUp("A3"), "A3 talks to alice");
            waiting().until(d -> {
                List<WebElement> c = calls("1003,sip:5001");
                return !c.isEmpty() && "CONNECTED".equals(c.get(0).getAttribute("data-state"));
            });
            String phoneCall = chromium.read(d -> calls("1003,sip:5001").get(0).getText());
            assertTrue(phoneCall.contains("SIP phone 5001"), phoneCall);
            screenshot("calls-phone");
            rig.gw.onHook("A3");
            waiting().until(d -> calls("1003,sip:5001").isEmpty());
        }
        browser.get(web.url() + "/phones");
        assertTrue(browser.findElement(By.cssSelector("table.phones")).getText().contains("alice"));
    }
}
