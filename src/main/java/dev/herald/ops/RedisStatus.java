package dev.herald.ops;

import dev.herald.store.EvictionPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What the daemon knows about its Redis beyond whether it answers, kept fresh by the daemon: for
 * {@code /readyz} (warnings in the body) and {@code /metrics} (clock offset, eviction risk).
 */
public interface RedisStatus {

  /** This host's clock minus Redis's at the last measurement; empty before the first. */
  Optional<Duration> clockOffset();

  /** Redis's {@code maxmemory-policy} as last read. */
  EvictionPolicy evictionPolicy();

  /** What is wrong but does not stop Herald (a skewed host clock, volatile-* eviction). */
  List<String> warnings();
}
