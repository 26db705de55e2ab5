package dev.herald.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import dev.herald.config.LoggingSettings;
import java.net.URL;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code logging.*} to Logback: the format once at start ({@code json} swaps the
 * human-readable console lines for logstash-logback-encoder's, one object per line), the level at
 * start and on every reload.
 */
public final class Logging {

  private static final String JSON_CONFIG = "/dev/herald/logging/logback-json.xml";

  private Logging() {}

  /** At start: the format, then the level. */
  public static void configure(LoggingSettings settings) {
    if (settings.json() && LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      URL xml = Logging.class.getResource(JSON_CONFIG);
      if (xml == null) {
        throw new IllegalStateException(JSON_CONFIG + " is missing from the jar");
      }
      context.reset();
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      try {
        configurator.doConfigure(xml);
      } catch (JoranException e) {
        throw new IllegalStateException("cannot configure JSON logging: " + e.getMessage(), e);
      }
    }
    setLevel(settings.level());
  }

  /**
   * Sets the root level; null means {@code HERALD_LOG_LEVEL}, else {@code info}.
   *
   * @return the level before, to restore it with
   */
  public static String setLevel(String level) {
    String name = level;
    if (name == null) {
      String env = System.getenv("HERALD_LOG_LEVEL");
      name = env == null || env.isBlank() ? "info" : env.trim();
    }
    Logger root = LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    if (root instanceof ch.qos.logback.classic.Logger logback) {
      Level before = logback.getLevel();
      logback.setLevel(Level.toLevel(name, Level.INFO));
      return before == null ? null : before.toString().toLowerCase(Locale.ROOT);
    }
    return null;
  }
}
