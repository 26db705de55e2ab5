package dev.herald.publish;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A circuit breaker per stream: when appends to a stream keep failing (every route fails alike,
 * e.g. the key holds another type), routes for it are deferred without being charged an attempt
 * instead of all burning their attempts into dead letters. After a cool-down one route goes through
 * as a probe; its success closes the breaker, its failure opens it again for twice as long (up to a
 * cap).
 *
 * <p>Thread-safe: the workers of a process share one breaker.
 */
public final class SinkBreaker {

  /** Consecutive failed appends to one stream, with no success between, that open the breaker. */
  public static final int FAILURES_TO_OPEN = 10;

  static final Duration FIRST_COOL_DOWN = Duration.ofSeconds(1);
  static final Duration MAX_COOL_DOWN = Duration.ofSeconds(30);

  private final Clock clock;
  private final ConcurrentHashMap<String, StreamState> streams = new ConcurrentHashMap<>();

  public SinkBreaker(Clock clock) {
    this.clock = clock;
  }

  /** What to do with a route for a stream right now. */
  public enum Decision {
    /** Publish as usual. */
    PUBLISH,
    /** Publish: this route is the probe of a half-open breaker. */
    PROBE,
    /** Do not try: defer the route, uncharged, until {@link #reopensAt}. */
    DEFER
  }

  public Decision decide(String stream) {
    StreamState s = streams.get(stream);
    return s == null ? Decision.PUBLISH : s.decide(clock.instant());
  }

  /** When a deferred route for this stream should come back. */
  public Instant reopensAt(String stream) {
    StreamState s = streams.get(stream);
    return s == null ? clock.instant() : s.reopensAt(clock.instant());
  }

  public void onPublished(String stream) {
    StreamState s = streams.get(stream);
    if (s != null) {
      s.onSuccess();
    }
  }

  /** An append failed for a reason of the stream's (not of the route's payload). */
  public void onAppendFailed(String stream) {
    streams.computeIfAbsent(stream, k -> new StreamState()).onFailure(clock.instant());
  }

  public boolean isOpen(String stream) {
    StreamState s = streams.get(stream);
    return s != null && s.open;
  }

  private static final class StreamState {
    private int failures;
    private boolean open;
    private boolean probeOut;
    private Instant openUntil = Instant.MIN;
    private Duration coolDown = FIRST_COOL_DOWN;

    synchronized Decision decide(Instant now) {
      if (!open) {
        return Decision.PUBLISH;
      }
      if (now.isBefore(openUntil) || probeOut) {
        return Decision.DEFER;
      }
      probeOut = true;
      return Decision.PROBE;
    }

    /** While a probe is out, not before its verdict could have closed or reopened the breaker. */
    synchronized Instant reopensAt(Instant now) {
      Instant afterProbe = now.plus(coolDown);
      return probeOut && afterProbe.isAfter(openUntil) ? afterProbe : openUntil;
    }

    synchronized void onSuccess() {
      failures = 0;
      open = false;
      probeOut = false;
      coolDown = FIRST_COOL_DOWN;
    }

    synchronized void onFailure(Instant now) {
      if (open) {
        if (probeOut) {
          // The probe failed: stay open, twice as long.
          probeOut = false;
          coolDown = min(coolDown.multipliedBy(2), MAX_COOL_DOWN);
          openUntil = now.plus(coolDown);
        }
        return;
      }
      if (++failures >= FAILURES_TO_OPEN) {
        open = true;
        openUntil = now.plus(coolDown);
      }
    }

    private static Duration min(Duration a, Duration b) {
      return a.compareTo(b) <= 0 ? a : b;
    }
  }
}
