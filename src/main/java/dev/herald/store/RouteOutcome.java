package dev.herald.store;

import dev.herald.domain.Failure;
import dev.herald.domain.GatewayEvent;
import java.time.Instant;
import java.util.Objects;

/** What a worker decided for one claimed route; {@link RouteStore#complete} records it. */
public sealed interface RouteOutcome {

  ClaimedRoute route();

  /**
   * Append the event and mark the route published, atomically.
   *
   * @param retryAtIfAppendFails when the append fails, retry then; null means the route has no
   *     attempts left and becomes a dead letter
   */
  record Publish(ClaimedRoute route, GatewayEvent event, Instant retryAtIfAppendFails)
      implements RouteOutcome {
    public Publish {
      Objects.requireNonNull(route, "route");
      Objects.requireNonNull(event, "event");
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

  /** Give up: the route becomes a dead letter with this failure. */
  record DeadLetter(ClaimedRoute route, Failure failure) implements RouteOutcome {
    public DeadLetter {
      Objects.requireNonNull(route, "route");
      Objects.requireNonNull(failure, "failure");
    }
  }
}
