package dev.herald.console;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real headless Chromium driven through its chromedriver: Debian's {@code /usr/bin/chromium} and
 * {@code /usr/bin/chromedriver}, or {@code HERALD_CHROMIUM} and {@code HERALD_CHROMEDRIVER}. Each
 * screenshot goes to {@code target/console-screenshots/}.
 */
final class Browser implements AutoCloseable {

  static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

  private final ChromeDriverService service;
  final ChromeDriver driver;

  Browser() {
    String chromium = env("HERALD_CHROMIUM", "/usr/bin/chromium");
    String chromedriver = env("HERALD_CHROMEDRIVER", "/usr/bin/chromedriver");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium);
    options.addArguments(
        "--headless=new",
        "--no-sandbox", // the tests may run as root, in a container
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1200,860",
        "--lang=en");
    service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(chromedriver))
            .usingAnyFreePort()
            .build();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }

  WebDriver open(String url) {
    driver.get(url);
    return driver;
  }

  WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  String text(String css) {
    return find(css).getText();
  }

  /** Signs in through the console's form. */
  void signIn(String base, String user, String password) {
    open(base + "/sign-in");
    find("#sign-in-user").sendKeys(user);
    find("#sign-in-password").sendKeys(password);
    find("#sign-in").click();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !driver.findElements(By.cssSelector("#user")).isEmpty());
  }

  /** Saves what the window shows as {@code target/console-screenshots/<name>.png}. */
  Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path file = SCREENSHOTS.resolve(name + ".png");
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit(); // ends chromium
    } finally {
      service.stop(); // and chromedriver
    }
  }
}
