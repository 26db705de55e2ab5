package dev.herald.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.backoff.Jitter;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** The effective configuration as one line of JSON, with credentials redacted: safe to log. */
public final class ConfigPrinter {

  private static final JsonMapper MAPPER = createMapper();

  private ConfigPrinter() {}

  public static String describe(HeraldConfig config) {
    try {
      return MAPPER.writeValueAsString(redactedTree(config));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Every key by its dotted path ({@code publisher.batch-size}), with its value as the file would
   * write it ({@code 30s}); credentials redacted, unset keys as {@code (unset)}.
   */
  public static Map<String, String> keys(HeraldConfig config) {
    return flatten(redactedTree(config));
  }

  /** As {@link #keys}, credentials included: for comparing, never for printing. */
  static Map<String, String> rawKeys(HeraldConfig config) {
    return flatten(MAPPER.valueToTree(config));
  }

  private static ObjectNode redactedTree(HeraldConfig config) {
    ObjectNode tree = MAPPER.valueToTree(config);
    ObjectNode postgres = (ObjectNode) tree.get("sources").get("postgres");
    PostgresSourceSettings pg = config.sources().postgres();
    if (pg.password() != null) {
      postgres.put("password", "***");
    }
    if (pg.url() != null) {
      postgres.put("url", PostgresSourceSettings.redactedUrl(pg.url()));
    }
    ObjectNode redis = (ObjectNode) tree.get("redis");
    String url = config.redis().url();
    if (url == null && config.redis().cluster().configured()) {
      redis.put("url", "(none: redis.cluster)");
    } else if (url == null) {
      redis.put("url", "(embedded)");
    } else {
      try {
        redis.put("url", RedisEndpoint.parse(url, null, config.redis().timeout()).redacted());
      } catch (IllegalArgumentException e) {
        redis.put("url", ConfigValidator.redactedUrl(url));
      }
    }
    redactPassword(redis.get("tls"), "truststore-password");
    if (redis.get("sentinel") instanceof ObjectNode sentinel) {
      redactPassword(sentinel, "password");
      redactPassword(sentinel.get("tls"), "truststore-password");
    }
    if (redis.get("cluster") instanceof ObjectNode cluster) {
      redactPassword(cluster, "password");
    }
    ObjectNode tls = (ObjectNode) tree.get("api").get("tls");
    if (config.api().tls().keystorePassword() != null) {
      tls.put("keystore-password", "***");
    }
    redactPassword(tree.get("console").get("tls"), "keystore-password");
    tree.get("console").get("users").forEach(u -> redactPassword(u, "password-hash"));
    return tree;
  }

  private static void redactPassword(JsonNode section, String field) {
    if (section instanceof ObjectNode node && node.hasNonNull(field)) {
      node.put(field, "***");
    }
  }

  private static Map<String, String> flatten(JsonNode tree) {
    Map<String, String> out = new LinkedHashMap<>();
    flatten("", tree, out);
    return out;
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
    if (node.isObject()) {
      node.fields()
          .forEachRemaining(
              e ->
                  flatten(
                      prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(),
                      e.getValue(),
                      out));
    } else {
      out.put(
          prefix, node.isNull() ? "(unset)" : node.isValueNode() ? node.asText() : node.toString());
    }
  }

  private static JsonMapper createMapper() {
    SimpleModule module = new SimpleModule("herald-config-printer");
    module.addSerializer(
        Duration.class,
        new JsonSerializer<>() {
          @Override
          public void serialize(Duration d, JsonGenerator gen, SerializerProvider p)
              throws IOException {
            gen.writeString(Durations.format(d));
          }
        });
    module.addSerializer(
        Jitter.class,
        new JsonSerializer<>() {
          @Override
          public void serialize(Jitter j, JsonGenerator gen, SerializerProvider p)
              throws IOException {
            gen.writeString(j.configName());
          }
        });
    return JsonMapper.builder()
        .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
        .addModule(module)
        .build();
  }
}
