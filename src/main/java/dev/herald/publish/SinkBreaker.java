package dev.herald.publish;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A circuit breaker per stream: while a stream refuses appends, routes for it are deferred without
 * being charged an attempt, instead of all burning their attempts into dead letters. After a
 * cool-down one route goes through as a probe; its success closes the breaker, its failure keeps it
 * open for another cool-down.
 *
 * <p>Two ways in. A refusal that is about the stream or the server, not the route ({@link
 * #onRefused}: the key holds another type, no permission, out of memory, read-only) opens it at
 * once, and it probes every {@link #FIRST_COOL_DOWN}, so that routes flow again within about two
 * seconds of the stream taking appends. Failures Herald cannot explain ({@link #onAppendFailed})
 * are charged like a route's own until {@link #FAILURES_TO_OPEN} come in a row; such a breaker
 * backs off, twice as long after each failed probe up to {@link #MAX_COOL_DOWN}.
 *
 * <p>A probe's verdict always arrives: its success or failure, {@link #onProbeLost} when its route
 * came back without one (lease lost, expired, the completion failed), and at the latest {@link
 * #PROBE_TIMEOUT} after it went out, when another route may probe.
 *
 * <p>Thread-safe: the workers of a process share one breaker. The methods that change a breaker's
 * state say whether it opened or closed, so that the caller logs each transition exactly once.
 */
public final class SinkBreaker {

  /** Unexplained failed appends to one stream, with no success between, that open the breaker. */
  public static final int FAILURES_TO_OPEN = 10;

  static final Duration FIRST_COOL_DOWN = Duration.ofSeconds(1);
  static final Duration MAX_COOL_DOWN = Duration.ofSeconds(30);

  /** The longest a probe may go without a verdict before another route probes. */
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

  private final Clock clock;
  private final ConcurrentHashMap<String, StreamState> streams = new ConcurrentHashMap<>();
  private final AtomicLong changes = new AtomicLong();

  public SinkBreaker(Clock clock) {
    this.clock = clock;
  }

  /** What to do with a route for a stream right now. */
  public enum Decision {
    /** Publish as usual. */
    PUBLISH,
    /** Publish: this route is the probe of an open breaker. */
    PROBE,
    /** Do not try: defer the route, uncharged, until {@link #reopensAt}. */
    DEFER
  }

  /** What a report did to the breaker. */
  public enum Transition {
    NONE,
    OPENED,
    CLOSED
  }

  /**
   * An open breaker.
   *
   * @param since when it opened
   * @param reason the error that opened it, or of the last failed probe
   */
  public record Open(String stream, Instant since, String reason) {}

  public Decision decide(String stream) {
    StreamState s = streams.get(stream);
    return s == null ? Decision.PUBLISH : s.decide(clock.instant());
  }

  /**
   * True while the stream's breaker is closed: its routes may be published inline by the claim (a
   * route of an open breaker is leased, to be deferred or to probe). Changes nothing, unlike {@link
   * #decide}.
   */
  public boolean isClosed(String stream) {
    StreamState s = streams.get(stream);
    return s == null || s.open() == null;
  }

  /** When a deferred route for this stream should come back. */
  public Instant reopensAt(String stream) {
    StreamState s = streams.get(stream);
    return s == null ? clock.instant() : s.reopensAt(clock.instant());
  }

  /** An append to the stream succeeded: its breaker closes. */
  public Transition onPublished(String stream) {
    StreamState s = streams.get(stream);
    return s == null ? Transition.NONE : changed(s.onSuccess(clock.instant()));
  }

  /** As {@link #onAppendFailed(String, String)}, the error unknown. */
  public Transition onAppendFailed(String stream) {
    return onAppendFailed(stream, null);
  }

  /** An append failed for a reason Herald cannot tell apart from the route's own (charged). */
  public Transition onAppendFailed(String stream, String error) {
    return changed(state(stream).onFailure(clock.instant(), error, false));
  }

  /**
   * The stream or the server refused an append for a reason that is not the route's (uncharged):
   * the breaker opens at once, or, if open, stays open for another {@link #FIRST_COOL_DOWN}.
   */
  public Transition onRefused(String stream, String error) {
    return changed(state(stream).onFailure(clock.instant(), error, true));
  }

  /** The probe of this stream came back without a verdict: another route may probe. */
  public void onProbeLost(String stream) {
    StreamState s = streams.get(stream);
    if (s != null) {
      s.onProbeLost();
    }
  }

  /** What opened the stream's breaker (or failed its last probe); null when it is closed. */
  public String reason(String stream) {
    StreamState s = streams.get(stream);
    Open o = s == null ? null : s.open();
    return o == null ? null : o.reason();
  }

  /** How long the stream's breaker was open when it last closed (zero if it never did). */
  public Duration lastOpenFor(String stream) {
    StreamState s = streams.get(stream);
    return s == null ? Duration.ZERO : s.lastOpenFor();
  }

  /** The breakers open now. */
  public List<Open> open() {
    List<Open> open = new ArrayList<>();
    streams.forEach(
        (stream, s) -> {
          Open o = s.open();
          if (o != null) {
            open.add(o);
          }
        });
    return open;
  }

  /** Grows whenever a breaker opens or closes: a report is due. */
  public long changes() {
    return changes.get();
  }

  private StreamState state(String stream) {
    return streams.computeIfAbsent(stream, StreamState::new);
  }

  private Transition changed(Transition t) {
    if (t != Transition.NONE) {
      changes.incrementAndGet();
    }
    return t;
  }

  private static final class StreamState {
    private final String stream;
    private int failures;
    private boolean open;
    private boolean refused; // opened (or kept open) by a refusal: probe at the first cool-down
    private Instant probeDeadline; // null when no probe is out
    private Instant openUntil = Instant.MIN;
    private Instant since;
    private String reason;
    private Duration coolDown = FIRST_COOL_DOWN;
    private Duration lastOpenFor = Duration.ZERO;

    StreamState(String stream) {
      this.stream = stream;
    }

    synchronized Decision decide(Instant now) {
      if (!open) {
        return Decision.PUBLISH;
      }
      if (now.isBefore(openUntil) || (probeDeadline != null && now.isBefore(probeDeadline))) {
        return Decision.DEFER;
      }
      probeDeadline = now.plus(PROBE_TIMEOUT); // a probe without a verdict times out
      return Decision.PROBE;
    }

    /** While a probe is out, not before its verdict could have closed or reopened the breaker. */
    synchronized Instant reopensAt(Instant now) {
      Instant afterProbe = now.plus(coolDown);
      return probeDeadline != null && afterProbe.isAfter(openUntil) ? afterProbe : openUntil;
    }

    synchronized Transition onSuccess(Instant now) {
      boolean wasOpen = open;
      if (wasOpen) {
        lastOpenFor = Duration.between(since, now);
      }
      failures = 0;
      open = false;
      refused = false;
      probeDeadline = null;
      coolDown = FIRST_COOL_DOWN;
      reason = null;
      return wasOpen ? Transition.CLOSED : Transition.NONE;
    }

    synchronized Transition onFailure(Instant now, String error, boolean refusal) {
      if (open) {
        reason = error;
        refused |= refusal;
        if (probeDeadline != null) {
          // The probe failed (or another append did while it was out): stay open, after a
          // refusal for the first cool-down again, else twice as long as before.
          probeDeadline = null;
          coolDown = refused ? FIRST_COOL_DOWN : min(coolDown.multipliedBy(2), MAX_COOL_DOWN);
          openUntil = now.plus(coolDown);
        }
        return Transition.NONE;
      }
      if (refusal || ++failures >= FAILURES_TO_OPEN) {
        open = true;
        refused = refusal;
        since = now;
        reason = error;
        coolDown = FIRST_COOL_DOWN;
        openUntil = now.plus(coolDown);
        return Transition.OPENED;
      }
      return Transition.NONE;
    }

    synchronized Duration lastOpenFor() {
      return lastOpenFor;
    }

    synchronized void onProbeLost() {
      probeDeadline = null;
    }

    synchronized Open open() {
      return open ? new Open(stream, since, reason) : null;
    }

    private static Duration min(Duration a, Duration b) {
      return a.compareTo(b) <= 0 ? a : b;
    }
  }
}
