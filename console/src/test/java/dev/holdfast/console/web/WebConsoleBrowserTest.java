package dev.holdfast.console.web;

import dev.holdfast.console.ConsoleConfig;
import dev.holdfast.console.ControllerRig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The web console in a real browser: headless Debian Chromium driven by Selenium through /usr/bin/chromedriver,
 * against the console's server and a real controller with real simulated gateways placing calls. Screenshots go to
 * {@code target/screenshots} (or the folder {@code -Dholdfast.screenshots=DIR} names: the README's come from
 * {@code -Dholdfast.screenshots=../docs/screenshots}).
 */
class WebConsoleBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir static Path dir;
    static ControllerRig rig;
    static WebConsole web;
    static WebDriver browser;
    static ChromeDriverService driverService;
    static Path shots;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "the browser test needs Debian chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver): "
                        + "./bin/test installs them; skipped");
        shots = Path.of(System.getProperty("holdfast.screenshots", "target/screenshots"));
        Files.createDirectories(shots);
        rig = ControllerRig.start(dir);
        web = WebConsole.start(ConsoleConfig.parse("web: { port: 0 }\nloginFailureLimit: 100\ncontrollers:\n  - { name: cc1, url: \""
                + rig.adminUrl() + "\" }\n", dir, "browser-test.yaml"));
        browser = chromium(dir.resolve("chromium-profile"));
    }

    static WebDriver chromium(Path profile) {
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        // --no-sandbox: CI runs as root, where Chromium's sandbox cannot start
        o.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900",
                "--user-data-dir=" + profile, "--no-first-run", "--disable-extensions", "--disable-background-networking");
        driverService = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(driverService, o);
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.quit();
        if (driverService != null) driverService.stop();
        if (web != null) web.close();
        if (rig != null) rig.close();
    }

    static void screenshot(String name) throws Exception {
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(shots.resolve(name + ".png"), png);
    }

    static WebDriverWait waiting() { return new WebDriverWait(browser, WAIT); }

    static void logIn(String user) {
        browser.get(web.url() + "/login");
        browser.findElement(By.id("user")).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(ControllerRig.password(user));
        browser.findElement(By.id("login")).click();
        waiting().until(d -> d.findElements(By.id("who")).size() == 1);
        assertEquals(user + " (" + user + ")", browser.findElement(By.id("who")).getText());
    }

    static List<WebElement> calls(String parties) {
        return browser.findElements(By.cssSelector("article.call[data-parties='" + parties + "']"));
    }

    @Test
    void logInAndWatchLiveCallsComeAndGo() throws Exception {
        logIn("admin");
        browser.get(web.url() + "/calls");
        waiting().until(d -> "true".equals(d.findElement(By.id("calls")).getAttribute("data-streaming")));
        // a mark on this page's window: it survives only if the page is updated in place, not reloaded
        ((JavascriptExecutor) browser).executeScript("window.holdfastMark = 'same page';");
        assertTrue(calls("1001,1002").isEmpty());

        rig.connectedCall(1, 2);
        rig.interGatewayCall(6, 1);
        waiting().until(d -> !calls("1001,1002").isEmpty() && !calls("1006,2001").isEmpty());
        waiting().until(d -> "CONNECTED".equals(calls("1006,2001").get(0).getAttribute("data-state")));
        WebElement igcCall = calls("1006,2001").get(0);
        assertTrue(igcCall.getText().contains("gateway gw1") && igcCall.getText().contains("gateway gw2"), igcCall.getText());
        assertEquals(1, igcCall.findElements(By.cssSelector("line.igc")).size(), "the IGC between gw1 and gw2 is drawn");
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
        assertTrue(browser.findElement(By.id("controller-cc1")).getText().contains("up"));
        screenshot("overview");
        browser.get(web.url() + "/gateways");
        screenshot("gateways");
    }
}
