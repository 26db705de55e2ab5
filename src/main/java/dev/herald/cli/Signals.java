package dev.herald.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles SIGTERM and SIGINT ourselves, so that a stop ends with exit code 0 after a clean shutdown
 * instead of the JVM's 143, and SIGHUP, which reloads the config file. Uses {@code sun.misc.Signal}
 * (jdk.unsupported), which every OpenJDK build has; where it is missing, a shutdown hook does the
 * same without the exit code.
 */
final class Signals {

  private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

  private Signals() {}

  /** Calls {@code onStop} on the first SIGTERM or SIGINT; a second one exits at once. */
  static void onStop(Runnable onStop) {
    Runnable once =
        new Runnable() {
          private boolean seen;

          @Override
          public synchronized void run() {
            if (seen) {
              LOG.warn("second stop signal: exiting without waiting for the shutdown grace");
              Runtime.getRuntime().halt(ExitCodes.FAILURE);
            }
            seen = true;
            onStop.run();
          }
        };
    try {
      for (String name : new String[] {"TERM", "INT"}) {
        sun.misc.Signal.handle(new sun.misc.Signal(name), s -> once.run());
      }
    } catch (LinkageError | IllegalArgumentException e) {
      LOG.warn(
          "cannot handle signals directly ({}); stopping through a shutdown hook", e.toString());
      Runtime.getRuntime().addShutdownHook(new Thread(once, "herald-shutdown"));
    }
  }

  /**
   * Calls {@code onReload} on every SIGHUP (instead of the JVM's default of exiting). Where signals
   * cannot be handled, says so: a reload then needs a restart.
   */
  static void onReload(Runnable onReload) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("HUP"), s -> onReload.run());
    } catch (LinkageError | IllegalArgumentException e) {
      LOG.warn("cannot handle SIGHUP ({}); a config change needs a restart", e.toString());
    }
  }
}
