package dev.herald.clock;

import java.time.Instant;

/**
 * The time base every Herald process shares: Redis's clock ({@code TIME}), read in one round trip.
 * Throws the store's exceptions when Redis does not answer.
 */
@FunctionalInterface
public interface TimeSource {

  /** The shared clock's time now, as the server answered it. */
  Instant now();
}
