package dev.herald.store;

import java.util.Locale;
import java.util.Optional;

/**
 * Redis's {@code maxmemory-policy}, and what it means for Herald's keys once Redis reaches {@code
 * maxmemory}. Only {@code noeviction} keeps them all: Redis then refuses writes (OOM), which Herald
 * waits out without losing anything.
 *
 * @param policy the policy, e.g. {@code noeviction}; null when it could not be read
 * @param source how it was read ({@code CONFIG GET}, {@code INFO memory}), or why it could not be
 */
public record EvictionPolicy(String policy, String source) {

  /** What Redis may evict, from the least to the most harmful; the metric's value in brackets. */
  public enum Risk {
    /** {@code noeviction} [0]. */
    NONE(0),
    /** {@code volatile-*}: keys with an expiry, Herald's idempotency keys among them [1]. */
    EXPIRING_KEYS(1),
    /** {@code allkeys-*}: any key, Herald's schedule and notifications included [2]. */
    ANY_KEY(2),
    /** The policy could not be read [-1]. */
    UNKNOWN(-1);

    private final int level;

    Risk(int level) {
      this.level = level;
    }

    /** The value of {@code herald_redis_eviction_risk}. */
    public int level() {
      return level;
    }

    /** {@code expiring_keys}: for JSON and metric labels. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A policy that could not be read, and why. */
  public static EvictionPolicy unknown(String why) {
    return new EvictionPolicy(null, why);
  }

  public Risk risk() {
    if (policy == null) {
      return Risk.UNKNOWN;
    }
    if (policy.equals("noeviction")) {
      return Risk.NONE;
    }
    if (policy.startsWith("allkeys-")) {
      return Risk.ANY_KEY;
    }
    return policy.startsWith("volatile-") ? Risk.EXPIRING_KEYS : Risk.UNKNOWN;
  }

  /** The policy as shown to people: {@code volatile-lru}, or {@code unknown}. */
  public String shown() {
    return policy == null ? "unknown" : policy;
  }

  /** Why Herald must not run on it, or a warning, or nothing for {@code noeviction}. */
  public Optional<String> problem() {
    return switch (risk()) {
      case NONE -> Optional.empty();
      case ANY_KEY ->
          Optional.of(
              "Redis's maxmemory-policy is "
                  + policy
                  + ": at maxmemory Redis evicts any key, Herald's schedule and notifications"
                  + " included, and notifications vanish without a trace. "
                  + FIX);
      case EXPIRING_KEYS ->
          Optional.of(
              "Redis's maxmemory-policy is "
                  + policy
                  + ": at maxmemory Redis evicts keys that expire, Herald's idempotency keys"
                  + " among them, and a producer's repeat is then accepted as a new notification"
                  + " (delivered twice). "
                  + FIX);
      case UNKNOWN ->
          Optional.of(
              "cannot tell Redis's maxmemory-policy ("
                  + (policy == null ? source : "'" + policy + "' is not one Herald knows")
                  + "); make sure it is noeviction: allkeys-* lets Redis evict any of Herald's"
                  + " keys, volatile-* its idempotency keys");
    };
  }

  private static final String FIX =
      "Set it to noeviction: CONFIG SET maxmemory-policy noeviction, and the same in redis.conf"
          + " (or the managed service's parameter group)";
}
