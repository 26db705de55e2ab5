package dev.herald.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Streams that must not meet. Each channel appends to a stream of its own: two channels on one
 * stream would trim it to the smaller {@code max-length} and count it twice, and a channel
 * appending to the intents stream would feed its events back as intents (to the rejected stream,
 * mixed with real rejections). No stream may be one of Herald's own keys ({@code
 * <namespace>:schedule}, {@code <namespace>:n:<id>}, …): an append there would fail, or a write of
 * Herald's would break the stream. Other names under the namespace ({@code herald:intents}) are
 * fine.
 */
final class StreamCollisions {

  /**
   * The first segment after {@code <namespace>:} of every key Herald keeps (RedisKeys builds them;
   * StreamCollisionsTest checks each against this list); a name under the namespace that starts
   * with one of them is Herald's.
   */
  static final List<String> OWN_KEYS =
      List.of(
          "schedule",
          "n",
          "r",
          "f",
          "dead",
          "retention",
          "idem",
          "quarantine",
          "stats",
          "wakeup",
          "breakers",
          "channels",
          "processes",
          "format",
          "rcpt");

  private StreamCollisions() {}

  /** True when {@code name} is, or may become, one of the keys Herald keeps under {@code ns}. */
  static boolean isHeraldKey(String namespace, String name) {
    String prefix = namespace + ":";
    if (!name.startsWith(prefix)) {
      return false;
    }
    String first = name.substring(prefix.length()).split(":", 2)[0];
    return OWN_KEYS.contains(first);
  }

  static List<String> check(HeraldConfig c) {
    List<String> problems = new ArrayList<>();
    Map<String, String> streams = new LinkedHashMap<>(); // config key -> stream
    streams.put("intake.stream", c.intake().stream());
    streams.put("intake.rejected-stream", c.intake().rejectedStream());
    c.channelSettings()
        .forEach(
            (name, channel) -> {
              if (channel.stream() != null) {
                streams.put(key(c, name, channel.stream()), channel.stream());
              }
            });
    Map<String, String> firstKeyOf = new LinkedHashMap<>(); // stream -> first config key naming it
    streams.forEach(
        (key, stream) -> {
          if (isHeraldKey(c.namespace(), stream)) {
            problems.add(
                key
                    + " must not be one of Herald's own keys (was '"
                    + stream
                    + "'): under '"
                    + c.namespace()
                    + ":' the names starting with "
                    + String.join(", ", OWN_KEYS)
                    + " are Herald's; pick another name");
          }
          String earlier = firstKeyOf.putIfAbsent(stream, key);
          // intake.stream equal to intake.rejected-stream has its own message (ConfigValidator).
          if (earlier != null && !key.equals("intake.rejected-stream")) {
            problems.add(
                key + " must differ from " + earlier + " (both '" + stream + "')" + why(earlier));
          }
        });
    return problems;
  }

  /** The key a channel's stream came from: {@code gateway.stream} for push by default. */
  private static String key(HeraldConfig c, String channel, String stream) {
    return HeraldConfig.PUSH.equals(channel) && stream.equals(c.gateway().stream())
        ? "gateway.stream"
        : "channels." + channel + ".stream";
  }

  private static String why(String earlier) {
    if (earlier.equals("intake.stream")) {
      return ": events appended there would be read back as intents and rejected";
    }
    if (earlier.equals("intake.rejected-stream")) {
      return ": events would be mixed with rejected intents";
    }
    return ": each channel needs a stream of its own (each trims it to its own max-length)";
  }
}
