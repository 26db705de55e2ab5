package dev.herald.store.redis;

import dev.herald.store.RateTokens;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.UnifiedJedis;

/**
 * {@link RateTokens} on Redis: rate_tokens.lua on the first shard's channel controls and buckets,
 * one slot for every shard's claims. While no channel has a limit (neither the config nor an
 * operator), that answer is kept for {@link #NONE_KEPT} instead of asking at every claim: a limit
 * an operator sets is handed out within it, and meanwhile the shards' claims lease none of the
 * channel's routes (a rate-limited channel without tokens waits), so it is never exceeded.
 */
final class RedisRateTokens implements RateTokens {

  static final Duration NONE_KEPT = Duration.ofSeconds(1);

  private final UnifiedJedis redis;
  private final List<String> keys;
  private final Scripts scripts;
  private volatile Map<String, Long> rateLimits = Map.of();
  private volatile Instant noneUntil = Instant.MIN;

  RedisRateTokens(UnifiedJedis redis, RedisKeys first, Scripts scripts) {
    this.redis = redis;
    this.keys = List.of(first.channelControls(), first.channelBuckets());
    this.scripts = scripts;
  }

  /** The config's rate limits by channel, routes/s; an operator's in Redis win over them. */
  void useRateLimits(Map<String, Long> perChannel) {
    this.rateLimits = Map.copyOf(perChannel);
    this.noneUntil = Instant.MIN;
  }

  @Override
  public Map<String, Grant> take(Instant now, int most) {
    Map<String, Long> config = rateLimits;
    if (config.isEmpty() && now.isBefore(noneUntil)) {
      return Map.of();
    }
    Map<String, Grant> grants = call(now, most, config, Map.of());
    if (grants.isEmpty()) {
      noneUntil = now.plus(NONE_KEPT);
    }
    return grants;
  }

  @Override
  public void giveBack(Map<String, Integer> unused, Instant now) {
    Map<String, Integer> back = new LinkedHashMap<>();
    unused.forEach(
        (channel, tokens) -> {
          if (tokens > 0) {
            back.put(channel, tokens);
          }
        });
    if (!back.isEmpty()) {
      call(now, 0, rateLimits, back);
    }
  }

  private Map<String, Grant> call(
      Instant now, int most, Map<String, Long> config, Map<String, Integer> back) {
    ScriptArgs args = new ScriptArgs(4 + 2 * config.size() + 2 * back.size());
    args.add(now.toEpochMilli()).add(most).add(config.size());
    config.forEach((channel, perSecond) -> args.add(channel).add(perSecond));
    args.add(back.size());
    back.forEach((channel, tokens) -> args.add(channel).add(tokens));
    List<byte[]> keyBytes = keys.stream().map(ScriptArgs::utf8).toList();
    Object reply =
        RedisErrors.call(
            most > 0 ? "taking rate-limit tokens" : "putting back unused rate-limit tokens",
            () -> scripts.rateTokens.runBinary(redis, keyBytes, args.list()));
    List<?> values = Replies.list(reply, "rate_tokens");
    Map<String, Grant> grants = new LinkedHashMap<>();
    for (int i = 0; i + 2 < values.size(); i += 3) {
      grants.put(
          Replies.bytesAsText(values.get(i), "rate_tokens channel"),
          new Grant(
              Long.parseLong(Replies.bytesAsText(values.get(i + 1), "rate_tokens rate")),
              (int) Replies.number(values.get(i + 2), "rate_tokens tokens")));
    }
    return grants;
  }
}
