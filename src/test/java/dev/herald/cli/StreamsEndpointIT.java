package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.store.redis.RedisKeys;
import dev.herald.testing.Http;
import dev.herald.testing.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /streams} on ops.listen: what a consumer must read, each channel's shard streams in
 * shard order, the same JSON as {@code herald streams --json}.
 */
class StreamsEndpointIT {

  @TempDir Path dir;

  @Test
  void a_running_herald_serves_each_channels_shard_streams_as_herald_streams_prints_them()
      throws Exception {
    String ns = TestRedis.namespace();
    String yaml =
        String.join(
            "\n",
            "redis:",
            "  url: " + TestRedis.heraldUrl(),
            "namespace: " + ns,
            "shards: 4",
            "intake:",
            "  stream: off",
            "channels:",
            "  push:",
            "    stream: " + ns + ":push",
            "  email:",
            "    stream: " + ns + ":email",
            "api:",
            "  listen: 'off'",
            "console:",
            "  listen: 'off'",
            "ops:",
            "  listen: 127.0.0.1:0",
            "");
    Path config = dir.resolve("herald.yaml");
    Files.writeString(config, yaml);
    try (RunningDaemon d = RunningDaemon.start(dir, yaml)) {
      Http.Answer served = Http.get(d.baseUrl() + "/streams");
      assertThat(served.status()).isEqualTo(200);
      JsonNode json = new ObjectMapper().readTree(served.body());
      assertThat(json.get("shards").asInt()).isEqualTo(4);
      List<String> push = new ArrayList<>();
      for (JsonNode channel : json.get("channels")) {
        if (channel.get("channel").asText().equals("push")) {
          assertThat(channel.get("stream").asText()).isEqualTo(ns + ":push");
          channel.get("streams").forEach(s -> push.add(s.asText()));
        }
      }
      assertThat(push)
          .isEqualTo(RedisKeys.ofShards(ns, 4).stream().map(k -> k.stream(ns + ":push")).toList());

      CliRun printed = CliRun.run("", "streams", "--json", "--config", config.toString());
      assertThat(printed.exitCode()).as(printed.err()).isZero();
      assertThat(new ObjectMapper().readTree(printed.out())).isEqualTo(json);
    }
  }
}
