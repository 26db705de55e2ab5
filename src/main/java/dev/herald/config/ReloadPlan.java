package dev.herald.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a reload of the config file changes in a running daemon: the keys it applies at once, the
 * keys that need a restart (ignored until then), and the config in effect afterwards, which keeps
 * the running value of every ignored key.
 *
 * @param effective the running config with the reloadable keys taken from the file
 * @param applied changed keys that take effect without a restart
 * @param ignored changed keys that need a restart; their running values stay
 */
public record ReloadPlan(HeraldConfig effective, List<Change> applied, List<Change> ignored) {

  /** How a key that one side of a reload does not have (a channel added or removed) reads. */
  static final String ABSENT = "(absent)";

  /** Keys a running daemon applies without a restart, from the next publish cycle on. */
  public static final List<String> RELOADABLE =
      List.of(
          "publisher.workers",
          "publisher.batch-size",
          "publisher.batch-bytes",
          "publisher.poll-interval",
          "publisher.lease",
          "publisher.shutdown-grace",
          "publisher.inline-publish",
          "backoff.initial",
          "backoff.max",
          "backoff.multiplier",
          "backoff.jitter",
          "delivery.max-attempts",
          "dead-letters.max-count",
          "dead-letters.max-age",
          "logging.level");

  /**
   * One changed key, its values as safe to log (credentials redacted).
   *
   * @param from the running value
   * @param to the value in the file
   */
  public record Change(String key, String from, String to) {
    @Override
    public String toString() {
      return key + ": " + from + " -> " + to;
    }
  }

  public ReloadPlan {
    applied = List.copyOf(applied);
    ignored = List.copyOf(ignored);
  }

  public static ReloadPlan of(HeraldConfig running, HeraldConfig loaded) {
    HeraldConfig effective =
        new HeraldConfig(
            running.redis(),
            running.namespace(),
            running.gateway(),
            loaded.publisher(),
            loaded.backoff(),
            new DeliverySettings(
                loaded.delivery().maxAttempts(), running.delivery().failureHistory()),
            running.intake(),
            running.retention(),
            loaded.deadLetters(),
            running.channelSettings(),
            running.ops(),
            new LoggingSettings(loaded.logging().level(), running.logging().format()),
            running.api(),
            running.spool(),
            running.sources(),
            running.durability(),
            running.console(),
            running.shards());
    Map<String, String> rawFrom = ConfigPrinter.rawKeys(running);
    Map<String, String> rawTo = ConfigPrinter.rawKeys(loaded);
    Map<String, String> from = ConfigPrinter.keys(running);
    Map<String, String> to = ConfigPrinter.keys(loaded);
    List<Change> applied = new ArrayList<>();
    List<Change> ignored = new ArrayList<>();
    // Both sides' keys: a channel added (or removed) in the file has keys on one side only.
    Set<String> keys = new LinkedHashSet<>(rawFrom.keySet());
    keys.addAll(rawTo.keySet());
    for (String key : keys) {
      if (Objects.equals(rawFrom.get(key), rawTo.get(key))) {
        continue;
      }
      // A change of credentials alone redacts to the same text: say so instead of "a -> a".
      String shownTo =
          Objects.equals(from.get(key), to.get(key))
              ? "(credentials changed)"
              : to.getOrDefault(key, ABSENT);
      Change change = new Change(key, from.getOrDefault(key, ABSENT), shownTo);
      (RELOADABLE.contains(key) ? applied : ignored).add(change);
    }
    return new ReloadPlan(effective, applied, ignored);
  }

  public boolean changesNothing() {
    return applied.isEmpty() && ignored.isEmpty();
  }
}
