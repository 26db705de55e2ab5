package dev.herald.clock;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Herald's clock in production: the time of a {@link TimeSource} every host shares (Redis's {@code
 * TIME}), so that due times, leases, idempotency windows and retention mean the same on every host
 * whatever each host's own clock says. A host whose clock runs an hour ahead takes over no lease
 * early and shortens no window.
 *
 * <p>{@link #align} measures the shared time once: of a few round trips, the shortest, taking the
 * shared time as it was at the round trip's midpoint. From then on the clock moves with the
 * process's monotonic ticker ({@code System.nanoTime}), so a step of the host's clock (NTP, a
 * suspended VM) moves it not at all; {@link #refresh} (the daemon calls it every 30 s) measures
 * again. It never goes backwards: when a refresh finds it ran ahead, it holds still until the
 * shared time catches up.
 *
 * <p>The host's own clock is read only to compare: when it differs from the shared time by more
 * than {@link #SKEW_LIMIT}, a WARN says so (once, then at most every 10 minutes while it lasts) and
 * {@link #offset} shows it to the metrics.
 *
 * <p>Tests keep using a plain {@code MutableClock}; this one is for the daemon and the CLI.
 */
public final class AlignedClock extends Clock {

  private static final Logger LOG = LoggerFactory.getLogger(AlignedClock.class);

  /** A host clock this far off the shared time is worth a warning. */
  public static final Duration SKEW_LIMIT = Duration.ofSeconds(1);

  /** How often a running daemon measures the shared time again. */
  public static final Duration REFRESH_EVERY = Duration.ofSeconds(30);

  /** Round trips per measurement; the shortest one wins. */
  static final int SAMPLES = 3;

  /** While the host's clock stays off, the warning is repeated this often. */
  static final Duration WARN_AGAIN_AFTER = Duration.ofMinutes(10);

  private final Clock host;
  private final LongSupplier ticker;
  private final AtomicLong latest = new AtomicLong(Long.MIN_VALUE);
  private volatile TimeSource source;
  private volatile Alignment alignment;
  private long warnedAtTick; // guarded by this
  private boolean warned; // guarded by this

  /**
   * @param host the host's own clock, only compared with the shared time
   * @param ticker monotonic nanoseconds ({@code System::nanoTime})
   */
  public AlignedClock(Clock host, LongSupplier ticker) {
    this.host = host;
    this.ticker = ticker;
  }

  /** On this host's clock and {@code System.nanoTime}: for the daemon and the CLI commands. */
  public static AlignedClock onThisHost() {
    return new AlignedClock(Clock.systemUTC(), System::nanoTime);
  }

  /**
   * One measurement of the shared clock.
   *
   * @param sharedNanos the shared time (epoch nanoseconds) at {@code tick}
   * @param tick the ticker at the midpoint of the round trip
   * @param offset the host's clock minus the shared time (positive: the host runs ahead)
   * @param roundTrip how long the round trip took
   */
  public record Alignment(long sharedNanos, long tick, Duration offset, Duration roundTrip) {

    long at(long now) {
      return sharedNanos + (now - tick);
    }

    /** Whether the host's clock is more than {@link #SKEW_LIMIT} off the shared time. */
    public boolean skewed() {
      return offset.abs().compareTo(SKEW_LIMIT) > 0;
    }

    /** What to tell an operator about the host's clock. */
    public String describe() {
      String by = seconds(offset.abs());
      String side = offset.isNegative() ? "behind" : "ahead of";
      return "this host's clock is "
          + by
          + " "
          + side
          + " Redis's (measured with a "
          + String.format(Locale.ROOT, "%.1fms", roundTrip.toNanos() / 1e6)
          + " round trip): Herald takes its time from Redis (TIME), so due times, leases and"
          + " windows hold, but fix the host's clock (NTP: timedatectl, chronyc tracking)";
    }
  }

  /**
   * Measures {@code source} and follows it from now on.
   *
   * @throws RuntimeException the store's exception when the source does not answer; the clock is
   *     then not aligned
   */
  public synchronized void align(TimeSource source) {
    Alignment measured = measure(source);
    this.source = source;
    adopt(measured);
  }

  /**
   * Measures the shared time again; on failure keeps following the last measurement and returns
   * false (the ticker keeps it close: it drifts by parts per million).
   */
  public synchronized boolean refresh() {
    TimeSource s = source;
    if (s == null) {
      throw new IllegalStateException("refresh before align");
    }
    try {
      adopt(measure(s));
      return true;
    } catch (RuntimeException e) {
      LOG.debug("measuring Redis's clock failed, following the last measurement: {}", e.toString());
      return false;
    }
  }

  public boolean isAligned() {
    return alignment != null;
  }

  /** The last measurement, if any. */
  public Optional<Alignment> alignment() {
    return Optional.ofNullable(alignment);
  }

  /** The host's clock minus the shared time at the last measurement (positive: host ahead). */
  public Optional<Duration> offset() {
    return alignment().map(Alignment::offset);
  }

  /** A warning about the host's clock when it is more than {@link #SKEW_LIMIT} off. */
  public Optional<String> skewWarning() {
    return alignment().filter(Alignment::skewed).map(Alignment::describe);
  }

  private Alignment measure(TimeSource s) {
    Alignment best = null;
    for (int i = 0; i < SAMPLES; i++) {
      long before = ticker.getAsLong();
      Instant hostBefore = host.instant();
      Instant shared = s.now();
      long after = ticker.getAsLong();
      long roundTrip = Math.max(0, after - before);
      if (best == null || roundTrip < best.roundTrip().toNanos()) {
        long sharedNanos = epochNanos(shared);
        long hostMid = epochNanos(hostBefore) + roundTrip / 2;
        best =
            new Alignment(
                sharedNanos,
                before + roundTrip / 2,
                Duration.ofNanos(hostMid - sharedNanos),
                Duration.ofNanos(roundTrip));
      }
    }
    return best;
  }

  private void adopt(Alignment next) {
    Alignment previous = alignment;
    if (previous != null) {
      Duration moved = Duration.ofNanos(next.sharedNanos() - previous.at(next.tick()));
      if (moved.abs().compareTo(SKEW_LIMIT) > 0) {
        LOG.warn(
            "Redis's clock moved by {} against this process's since the last measurement"
                + " (a failover to a host with another clock, or its clock was set); Herald"
                + " follows it{}",
            String.format(Locale.ROOT, "%+.3fs", moved.toNanos() / 1e9),
            moved.isNegative() ? ", holding still until it catches up (never backwards)" : "");
      }
    }
    alignment = next;
    reportSkew(next);
  }

  private void reportSkew(Alignment a) {
    long now = a.tick();
    if (a.skewed()) {
      if (!warned || now - warnedAtTick >= WARN_AGAIN_AFTER.toNanos()) {
        LOG.warn("{}", a.describe());
        warned = true;
        warnedAtTick = now;
      }
    } else if (warned) {
      LOG.info(
          "this host's clock is within {}s of Redis's again (off by {})",
          SKEW_LIMIT.toSeconds(),
          seconds(a.offset()));
      warned = false;
    }
  }

  @Override
  public Instant instant() {
    Alignment a = alignment;
    if (a == null) {
      throw new IllegalStateException("the clock is not aligned to Redis's yet");
    }
    long now = latest.accumulateAndGet(a.at(ticker.getAsLong()), Math::max);
    return Instant.ofEpochSecond(0, now);
  }

  /**
   * This clock once it is aligned, {@code fallback} until then: for the parts that must answer
   * before Herald has reached Redis (the API's spool), never for what the store sees.
   */
  public Clock orElse(Clock fallback) {
    AlignedClock aligned = this;
    return new Clock() {
      @Override
      public Instant instant() {
        return aligned.isAligned() ? aligned.instant() : fallback.instant();
      }

      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("Herald keeps time in UTC");
      }
    };
  }

  /** {@code 3600.002s}: offsets are worth reading to the millisecond. */
  static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.3fs", d.toNanos() / 1e9);
  }

  /** An offset with its sign, readable at any size: {@code +0.016ms}, {@code -3600.002s}. */
  public static String formatOffset(Duration d) {
    return d.abs().compareTo(Duration.ofSeconds(1)) < 0
        ? String.format(Locale.ROOT, "%+.3fms", d.toNanos() / 1e6)
        : String.format(Locale.ROOT, "%+.3fs", d.toNanos() / 1e9);
  }

  private static long epochNanos(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    if (ZoneOffset.UTC.equals(zone)) {
      return this;
    }
    throw new UnsupportedOperationException("Herald keeps time in UTC");
  }
}
