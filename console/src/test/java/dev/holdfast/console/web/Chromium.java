package dev.holdfast.console.web;

import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Headless Debian Chromium driven by Selenium through /usr/bin/chromedriver (never a downloaded driver or browser).
 * Screenshots go to {@code target/screenshots}, or to the folder {@code -Dholdfast.screenshots=DIR} names (the
 * README's: {@code -Dholdfast.screenshots=../docs/screenshots}).
 */
final class Chromium implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    static final Duration WAIT = Duration.ofSeconds(20);

    final WebDriver driver;
    private final ChromeDriverService service;
    private final Path shots;

    /** Skips the calling test class (JUnit assumption) when Chromium or its driver is not installed. */
    static void assumeInstalled() {
        assumeTrue(Files.isExecutable(BINARY) && Files.isExecutable(DRIVER),
                "the browser test needs Debian chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver): "
                        + "./bin/test installs them; skipped");
    }

    Chromium(Path profile) throws java.io.IOException {
        shots = Path.of(System.getProperty("holdfast.screenshots", "target/screenshots"));
        Files.createDirectories(shots);
        ChromeOptions o = new ChromeOptions();
        o.setBinary(BINARY.toFile());
        // --no-sandbox: CI runs as root, where Chromium's sandbox cannot start
        o.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900",
                "--user-data-dir=" + profile, "--no-first-run", "--disable-extensions", "--disable-background-networking");
        service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        try {
            driver = new ChromeDriver(service, o);
        } catch (RuntimeException e) {
            service.stop();
            throw e;
        }
    }

    /** Waits; an element the page's live update replaced meanwhile (stale) is looked up again at the next try. */
    WebDriverWait waiting() {
        WebDriverWait w = new WebDriverWait(driver, WAIT);
        w.pollingEvery(Duration.ofMillis(100));
        w.ignoring(StaleElementReferenceException.class);
        return w;
    }

    /** Reads from a part of the page that live updates replace (retried when it was replaced while read). */
    <T> T read(java.util.function.Function<WebDriver, T> what) {
        return waiting().until(what);
    }

    void screenshot(String name) throws java.io.IOException {
        Files.write(shots.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    /** Logs in through the login page as {@code user} (whose role has the same name). */
    void logIn(String base, String user, String password) {
        driver.get(base + "/login");
        driver.findElement(By.id("user")).sendKeys(user);
        driver.findElement(By.id("password")).sendKeys(password);
        driver.findElement(By.id("login")).click();
        waiting().until(d -> d.findElements(By.id("who")).size() == 1);
        assertEquals(user + " (" + user + ")", driver.findElement(By.id("who")).getText());
    }

    @Override public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
        }
    }
}
