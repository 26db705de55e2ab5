package dev.herald.store.redis;

import dev.herald.store.ClaimedBatch;
import dev.herald.store.CompletionReport;
import dev.herald.store.RouteOutcome;
import dev.herald.store.RouteStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;

/** {@link RouteStore} on Redis: claim.lua and complete.lua, one call each per batch. */
public final class RedisRouteStore implements RouteStore {

  private final UnifiedJedis redis;
  private final RedisKeys keys;
  private final Scripts scripts;
  private final NotificationCodec notifications = new NotificationCodec();
  private final FailureCodec failures = new FailureCodec();
  private final RetentionPolicy retention;
  private final ClaimReply claimReply;
  private final List<byte[]> claimKeys;

  /**
   * How long finished records stay, and how many failed attempts a route keeps.
   *
   * @param published how long a notification stays once all its routes finished
   * @param failureHistory failed attempts kept per route
   */
  public record RetentionPolicy(Duration published, int failureHistory) {}

  RedisRouteStore(UnifiedJedis redis, RedisKeys keys, Scripts scripts, RetentionPolicy retention) {
    this.redis = redis;
    this.keys = keys;
    this.scripts = scripts;
    this.retention = retention;
    this.claimReply = new ClaimReply(notifications, keys);
    this.claimKeys =
        new ScriptArgs(4)
            .add(keys.schedule())
            .add(keys.quarantine())
            .add(keys.stats())
            .add(keys.retention())
            .add(keys.typeFigures())
            .list();
  }

  @Override
  public ClaimedBatch claimDue(Instant now, Duration lease, String leaseToken, int maxRoutes) {
    if (leaseToken.indexOf('|') >= 0) {
      throw new IllegalArgumentException("lease token must not contain '|': " + leaseToken);
    }
    List<byte[]> args =
        new ScriptArgs(6)
            .add(keys.prefix())
            .add(now.toEpochMilli())
            .add(now.plus(lease).toEpochMilli())
            .add(leaseToken)
            .add(maxRoutes)
            .add(retention.published().toMillis())
            .list();
    Object reply =
        RedisErrors.call(
            "claiming due routes", () -> scripts.claim.runBinary(redis, claimKeys, args));
    return claimReply.parse(reply);
  }

  @Override
  public CompletionReport complete(String leaseToken, Instant now, List<RouteOutcome> outcomes) {
    if (outcomes.isEmpty()) {
      return new CompletionReport(List.of(), null);
    }
    CompletionCall call = new CompletionCall(outcomes, keys, retention, failures);
    Object reply =
        RedisErrors.call(
            "recording publish outcomes",
            () -> scripts.complete.runBinary(redis, call.keys(), call.args(leaseToken, now)));
    return call.parse(reply, now);
  }

  @Override
  public int retireFinished(Instant now, int limit) {
    Object reply =
        RedisErrors.call(
            "deleting finished notifications",
            () ->
                scripts.retire.run(
                    redis,
                    List.of(keys.retention(), keys.stats()),
                    List.of(
                        keys.prefix(),
                        Long.toString(now.toEpochMilli()),
                        Integer.toString(limit))));
    return (int) Replies.number(reply, "retire");
  }
}
