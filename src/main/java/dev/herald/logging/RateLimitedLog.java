package dev.herald.logging;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs at most one line per key per interval; the next line that gets through says how many were
 * suppressed meanwhile. For warnings that can repeat thousands of times a second (Redis down, a
 * stream refusing appends).
 */
public final class RateLimitedLog {

  private final Logger log;
  private final long intervalNanos;
  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

  public RateLimitedLog(Logger log, Duration interval) {
    this.log = log;
    this.intervalNanos = interval.toNanos();
  }

  public void warn(String key, String format, Object... args) {
    long suppressed = admit(key);
    if (suppressed >= 0) {
      log.warn(withSuppressed(format, suppressed), args);
    }
  }

  public void error(String key, String format, Object... args) {
    long suppressed = admit(key);
    if (suppressed >= 0) {
      log.error(withSuppressed(format, suppressed), args);
    }
  }

  /**
   * Forgets every key that starts with {@code prefix}, e.g. once Redis is back, so that the next
   * trouble is logged at once.
   */
  public void resetAll(String prefix) {
    windows.keySet().removeIf(k -> k.startsWith(prefix));
  }

  /**
   * A key per kind of trouble, e.g. {@code store:LOADING} apart from {@code store:Unexpected}: a
   * new kind of trouble is logged at once even while an earlier one is being suppressed.
   */
  public static String troubleKey(String base, RuntimeException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int at = message.indexOf("Redis unavailable: ");
    String rest = at < 0 ? message : message.substring(at + "Redis unavailable: ".length());
    return base + ":" + rest.split("[ :.]", 2)[0];
  }

  /** -1 when the line must be suppressed, else the number suppressed since the last one. */
  private long admit(String key) {
    long now = System.nanoTime();
    Window w = windows.computeIfAbsent(key, k -> new Window(now - intervalNanos));
    synchronized (w) {
      if (now - w.lastLogged >= intervalNanos) {
        w.lastLogged = now;
        return w.suppressed.getAndSet(0);
      }
      w.suppressed.incrementAndGet();
      return -1;
    }
  }

  private static String withSuppressed(String format, long suppressed) {
    return suppressed == 0 ? format : format + " [" + suppressed + " similar lines suppressed]";
  }

  private static final class Window {
    long lastLogged;
    final AtomicLong suppressed = new AtomicLong();

    Window(long lastLogged) {
      this.lastLogged = lastLogged;
    }
  }
}
