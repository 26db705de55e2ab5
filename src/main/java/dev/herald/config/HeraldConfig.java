package dev.herald.config;

import dev.herald.domain.Channel;
import dev.herald.domain.Channels;
import java.util.List;

/**
 * The whole configuration, immutable. Absent keys take their defaults; {@link ConfigLoader} binds
 * and validates it. Keys are kebab-case in the file ({@code publisher.batch-size}).
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
    DeadLetterSettings deadLetters) {

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
  }

  /** Every key at its default. */
  public static HeraldConfig defaults() {
    return new HeraldConfig(null, null, null, null, null, null, null, null, null);
  }

  /** The channels routes may use: for now {@code push}, to the gateway stream. */
  public Channels channels() {
    return new Channels(List.of(new Channel("push", gateway.stream(), gateway.maxLength())));
  }

  public HeraldConfig withRedisUrl(String url) {
    return new HeraldConfig(
        new RedisSettings(url, redis.timeout()),
        namespace,
        gateway,
        publisher,
        backoff,
        delivery,
        intake,
        retention,
        deadLetters);
  }
}
