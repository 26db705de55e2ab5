package dev.herald.daemon;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.config.HeraldConfig;
import dev.herald.domain.Channel;

/**
 * The streams consumers read, per channel, and the intents streams producers append to: {@code
 * {"shards": N, "channels": [{"channel", "stream" (as configured), "streams": [the Redis streams,
 * in shard order]}, ...], "intents": {"stream", "streams"} (null when intake.stream is off)}}.
 * {@code herald streams --json} prints it and {@code GET /streams} on {@code ops.listen} serves it,
 * from the same config: the names follow from the namespace, {@code shards} and the channels, none
 * of which a reload changes.
 */
public final class StreamListing {

  private StreamListing() {}

  public static ObjectNode of(HeraldConfig config) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("shards", config.shards());
    ArrayNode channels = root.putArray("channels");
    for (Channel c : config.channels().all()) {
      ObjectNode node = channels.addObject();
      node.put("channel", c.name());
      node.put("stream", c.stream());
      ArrayNode streams = node.putArray("streams");
      RedisTarget.streams(config, c.stream()).forEach(streams::add);
    }
    if (config.intake().streamEnabled()) {
      ObjectNode intents = root.putObject("intents");
      intents.put("stream", config.intake().stream());
      ArrayNode streams = intents.putArray("streams");
      RedisTarget.streams(config, config.intake().stream()).forEach(streams::add);
    } else {
      root.putNull("intents");
    }
    return root;
  }
}
