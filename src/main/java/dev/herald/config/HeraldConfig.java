package dev.herald.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.herald.domain.Channel;
import dev.herald.domain.Channels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole configuration, immutable. Absent keys take their defaults; {@link ConfigLoader} binds
 * and validates it. Keys are kebab-case in the file ({@code publisher.batch-size}).
 *
 * @param channelSettings the {@code channels} section: channel name to its stream; when absent,
 *     {@code push} to the gateway stream
 * @param sources where notifications come from besides the API and the intents stream
 * @param durability what a batch waits for before the next: replicas that have it
 * @param console the web console
 * @param shards how many shards the schedule is split into, each under a hash tag of its own (1:
 *     the one-Redis layout, no hash tags)
 */
public record HeraldConfig(
    RedisSettings redis,
    String namespace,
    GatewaySettings gateway,
    PublisherSettings publisher,
    BackoffSettings backoff,
    DeliverySettings delivery,
    IntakeSettings intake,
    RetentionSettings retention,
    DeadLetterSettings deadLetters,
    @JsonProperty("channels") Map<String, ChannelSettings> channelSettings,
    OpsSettings ops,
    LoggingSettings logging,
    ApiSettings api,
    SpoolSettings spool,
    SourcesSettings sources,
    DurabilitySettings durability,
    ConsoleSettings console,
    Integer shards) {

  /** The channel that exists unless {@code channels} leaves it out: to the gateway stream. */
  public static final String PUSH = "push";

  public HeraldConfig {
    redis = redis == null ? RedisSettings.defaults() : redis;
    namespace = namespace == null ? "herald" : namespace;
    gateway = gateway == null ? GatewaySettings.defaults() : gateway;
    publisher = publisher == null ? PublisherSettings.defaults() : publisher;
    backoff = backoff == null ? BackoffSettings.defaults() : backoff;
    delivery = delivery == null ? DeliverySettings.defaults() : delivery;
    intake = intake == null ? IntakeSettings.defaults() : intake;
    retention = retention == null ? RetentionSettings.defaults() : retention;
    deadLetters = deadLetters == null ? DeadLetterSettings.defaults() : deadLetters;
    Map<String, ChannelSettings> channels = new LinkedHashMap<>();
    if (channelSettings == null) {
      channels.put(PUSH, new ChannelSettings(null, null, null).withDefaults(PUSH, gateway));
    } else {
      for (Map.Entry<String, ChannelSettings> e : channelSettings.entrySet()) {
        ChannelSettings c =
            e.getValue() == null ? new ChannelSettings(null, null, null) : e.getValue();
        channels.put(e.getKey(), c.withDefaults(e.getKey(), gateway));
      }
    }
    channelSettings = java.util.Collections.unmodifiableMap(channels);
    ops = ops == null ? OpsSettings.defaults() : ops;
    logging = logging == null ? LoggingSettings.defaults() : logging;
    api = api == null ? ApiSettings.defaults() : api;
    spool = spool == null ? SpoolSettings.defaults() : spool;
    sources = sources == null ? SourcesSettings.defaults() : sources;
    durability = durability == null ? DurabilitySettings.defaults() : durability;
    console = console == null ? ConsoleSettings.defaults() : console;
    shards = shards == null ? 1 : shards;
  }

  /** True when the keys are split into shards, each under a hash tag: {@code shards} above 1. */
  public boolean sharded() {
    return shards > 1;
  }

  /** Every key at its default. */
  public static HeraldConfig defaults() {
    return new HeraldConfig(
        null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null);
  }

  /**
   * The channels routes may use, from {@code channels} (by default {@code push}, to the gateway
   * stream). Call only on a validated config: every entry then has a stream.
   */
  public Channels channels() {
    List<Channel> list = new ArrayList<>();
    channelSettings.forEach((name, c) -> list.add(new Channel(name, c.stream(), c.maxLength())));
    return new Channels(list);
  }

  /** The rate limits {@code channels.<name>.rate-limit} sets, routes/s by channel. */
  public Map<String, Long> rateLimits() {
    Map<String, Long> limits = new LinkedHashMap<>();
    channelSettings.forEach(
        (name, c) -> {
          if (c.rateLimit() != null) {
            limits.put(name, c.rateLimit());
          }
        });
    return limits;
  }

  /**
   * This config on the Redis at {@code url} ({@code HERALD_REDIS_URL}): it replaces {@code
   * redis.url} and any {@code redis.embedded}.
   */
  public HeraldConfig withRedisUrl(String url) {
    return withRedis(redis.withUrl(url, null));
  }

  /** This config on the embedded Redis: what running without any config file means. */
  public HeraldConfig withEmbeddedRedis() {
    return withRedis(redis.withUrl(null, true));
  }

  /** This config with {@code publisher} in place of its own (a benchmark's worker count). */
  public HeraldConfig withPublisher(PublisherSettings publisher) {
    return new HeraldConfig(
        redis,
        namespace,
        gateway,
        publisher,
        backoff,
        delivery,
        intake,
        retention,
        deadLetters,
        channelSettings,
        ops,
        logging,
        api,
        spool,
        sources,
        durability,
        console,
        shards);
  }

  private HeraldConfig withRedis(RedisSettings redis) {
    return new HeraldConfig(
        redis,
        namespace,
        gateway,
        publisher,
        backoff,
        delivery,
        intake,
        retention,
        deadLetters,
        channelSettings,
        ops,
        logging,
        api,
        spool,
        sources,
        durability,
        console,
        shards);
  }
}
