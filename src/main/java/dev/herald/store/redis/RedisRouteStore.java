package dev.herald.store.redis;

import dev.herald.domain.Channel;
import dev.herald.store.ClaimRequest;
import dev.herald.store.ClaimedBatch;
import dev.herald.store.CompletionReport;
import dev.herald.store.RouteOutcome;
import dev.herald.store.RouteStore;
import dev.herald.store.StoreAccessDeniedException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Protocol.Command;
import redis.clients.jedis.UnifiedJedis;

/**
 * {@link RouteStore} on Redis: claim.lua and complete.lua, one call each per batch. A claim given
 * channels to publish inline is followed by the same WAIT as a completion ({@code durability}): it
 * may publish.
 */
public final class RedisRouteStore implements RouteStore {

  private final UnifiedJedis redis;
  private final RedisKeys keys;
  private final Scripts scripts;
  private final NotificationCodec notifications = new NotificationCodec();
  private final FailureCodec failures = new FailureCodec();
  private final RetentionPolicy retention;
  private final ClaimCall claim;
  private final StoredFormat format; // what the claim may write (the heartbeats decide it)

  /**
   * The caller's clock minus Redis's (ms), measured at each claim; complete.lua adds it to Redis's
   * TIME to judge expiry in the caller's time base. Null until first measured.
   */
  private volatile Long clockOffsetMillis;

  /** The config's rate limits by channel, routes/s; an operator's in Redis win over them. */
  private volatile Map<String, Long> rateLimits = Map.of();

  /**
   * How long finished records stay, and how many failed attempts a route keeps.
   *
   * @param published how long a notification stays once all its routes finished
   * @param failureHistory failed attempts kept per route
   */
  public record RetentionPolicy(Duration published, int failureHistory) {}

  RedisRouteStore(
      UnifiedJedis redis,
      RedisKeys keys,
      Scripts scripts,
      RetentionPolicy retention,
      StoredFormat format) {
    this.redis = redis;
    this.format = format;
    this.keys = keys;
    this.scripts = scripts;
    this.retention = retention;
    this.claim = new ClaimCall(notifications, keys);
  }

  /** The config's rate limits by channel (routes/s, across every process), for the claims. */
  void useRateLimits(Map<String, Long> perChannel) {
    this.rateLimits = Map.copyOf(perChannel);
  }

  @Override
  public ClaimedBatch claimDue(ClaimRequest request) {
    List<Channel> inline = request.inline();
    long offset = inline.isEmpty() ? 0 : clockOffset(request.now());
    List<byte[]> args =
        claim.args(request, retention.published(), rateLimits, offset, format.writing());
    LuaScript script = inline.isEmpty() ? scripts.claim : scripts.claimPublishing;
    Object reply;
    try {
      reply =
          RedisErrors.call(
              "claiming due routes", () -> script.runBinary(redis, claim.keys(inline), args));
    } catch (StoreAccessDeniedException e) {
      if (inline.isEmpty()) {
        throw e;
      }
      // Redis refused the script before it ran: the ACL does not let Herald write a stream it
      // declares. Claim without inline publishing: the completion then finds out which stream,
      // and its breaker opens, as for any append the stream refuses.
      return claimDue(request.withInline(List.of()));
    }
    ClaimCall.Parsed parsed = claim.parse(reply, inline);
    clockOffsetMillis = request.now().toEpochMilli() - parsed.redisMillis();
    return parsed.batch();
  }

  @Override
  public CompletionReport complete(
      String leaseToken, Instant now, List<RouteOutcome> outcomes, Instant refusedRetryAt) {
    if (outcomes.isEmpty()) {
      return new CompletionReport(List.of(), null);
    }
    long offset = clockOffset(now);
    CompletionCall call = new CompletionCall(outcomes, keys, retention, failures);
    Object reply =
        RedisErrors.call(
            "recording publish outcomes",
            () ->
                scripts.complete.runBinary(
                    redis, call.keys(), call.args(leaseToken, now, offset, refusedRetryAt)));
    return call.parse(reply, now);
  }

  /**
   * How the caller's clock stands to Redis's, in ms: as measured by the last claim, or now when
   * this store has not claimed yet.
   */
  private long clockOffset(Instant now) {
    Long offset = clockOffsetMillis;
    if (offset == null) {
      List<?> time =
          Replies.list(
              RedisErrors.call("reading Redis's clock", () -> redis.sendCommand(Command.TIME)),
              "TIME");
      long seconds = Long.parseLong(Replies.bytesAsText(time.get(0), "TIME seconds"));
      long micros = Long.parseLong(Replies.bytesAsText(time.get(1), "TIME microseconds"));
      offset = now.toEpochMilli() - (seconds * 1000 + micros / 1000);
      clockOffsetMillis = offset;
    }
    return offset;
  }

  @Override
  public Map<String, String> deniedStreams(Collection<String> streams) {
    Map<String, String> denied = new LinkedHashMap<>();
    for (String stream : streams) {
      try {
        RedisErrors.call(
            "checking access to stream " + stream,
            () -> scripts.streamAccess.run(redis, List.of(keys.stream(stream)), List.of()));
      } catch (StoreAccessDeniedException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        denied.put(stream, cause.getMessage());
      }
    }
    return denied;
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
                    List.of(Long.toString(now.toEpochMilli()), Integer.toString(limit))));
    return (int) Replies.number(reply, "retire");
  }
}
