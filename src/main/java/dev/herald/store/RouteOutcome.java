package dev.herald.store;

import dev.herald.domain.Failure;
import dev.herald.domain.GatewayEvent;
import java.time.Instant;
import java.util.Objects;

/** What a worker decided for one claimed route; {@link RouteStore#complete} records it. */
public sealed interface RouteOutcome {

  ClaimedRoute route();

  /** The stream the route is for, when the outcome concerns one (it appends, or waits for it). */
  default String stream() {
    return null;
  }

  /** True when the outcome may append to its stream. */
  default boolean appends() {
    return false;
  }

  /** True when the route probes its stream's open breaker. */
  default boolean probes() {
    return false;
  }

  /**
   * Append the event and mark the route published, atomically.
   *
   * @param retryAtIfAppendFails when the append fails, retry then; null means the route has no
   *     attempts left and becomes a dead letter
   * @param probe the route probes a stream whose breaker is open: a failed append is evidence about
   *     the stream, not the route, so it is not charged as an attempt
   */
  record Publish(
      ClaimedRoute route, GatewayEvent event, Instant retryAtIfAppendFails, boolean probe)
      implements RouteOutcome {
    public Publish {
      Objects.requireNonNull(route, "route");
      Objects.requireNonNull(event, "event");
      if (probe && retryAtIfAppendFails == null) {
        throw new IllegalArgumentException("a probe needs a time to retry at");
      }
    }

    public Publish(ClaimedRoute route, GatewayEvent event, Instant retryAtIfAppendFails) {
      this(route, event, retryAtIfAppendFails, false);
    }

    @Override
    public String stream() {
      return event.channel().stream();
    }

    @Override
    public boolean appends() {
      return true;
    }

    @Override
    public boolean probes() {
      return probe;
    }
  }

  /** The attempt failed before the append; retry at {@code retryAt}. */
  record Retry(ClaimedRoute route, Instant retryAt, Failure failure) implements RouteOutcome {
    public Retry {
      Objects.requireNonNull(route, "route");
      Objects.requireNonNull(retryAt, "retryAt");
      Objects.requireNonNull(failure, "failure");
    }
  }

  /**
   * Not tried: appends to its stream keep failing (the worker's circuit breaker is open). The route
   * waits until {@code until} without being charged an attempt.
   */
  record Defer(ClaimedRoute route, String stream, Instant until) implements RouteOutcome {
    public Defer {
      Objects.requireNonNull(route, "route");
      Objects.requireNonNull(stream, "stream");
      Objects.requireNonNull(until, "until");
    }
  }

  /**
   * Publish only if a probe of the same stream earlier in the same completion got its append
   * through (the stream takes appends again), else wait like a {@link Defer}: the routes of an open
   * breaker's batch follow its probe, so that they go out as soon as the stream works, not a
   * cool-down later. Never charged.
   */
  record Follow(ClaimedRoute route, GatewayEvent event, Instant until) implements RouteOutcome {
    public Follow {
      Objects.requireNonNull(route, "route");
      Objects.requireNonNull(event, "event");
      Objects.requireNonNull(until, "until");
    }

    @Override
    public String stream() {
      return event.channel().stream();
    }

    @Override
    public boolean appends() {
      return true;
    }
  }

  /** Give up: the route becomes a dead letter with this failure. */
  record DeadLetter(ClaimedRoute route, Failure failure) implements RouteOutcome {
    public DeadLetter {
      Objects.requireNonNull(route, "route");
      Objects.requireNonNull(failure, "failure");
    }
  }
}
