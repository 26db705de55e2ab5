package dev.herald.config;

import java.util.List;

/**
 * The part of the one validation pass that is about shards and Redis Cluster: {@code shards} and
 * {@code redis.cluster}, and what a sharded layout asks of the rest (stream names that take a
 * shard's hash tag). Every problem names its key.
 */
final class ClusterChecks extends ConfigChecks {

  /** Most shards: a notification id carries its shard in its last 10 bits. */
  static final int MAX_SHARDS = 1024;

  /** What {@code intake.stream} says when no intents stream is read. */
  static final String OFF = IntakeSettings.OFF;

  ClusterChecks(List<String> problems) {
    super(problems);
  }

  void check(HeraldConfig c) {
    between("shards", c.shards(), 1, MAX_SHARDS);
    ClusterSettings cluster = c.redis().cluster();
    if (cluster.configured()) {
      cluster(c, cluster);
    }
    if (c.sharded()) {
      sharded(c);
    }
  }

  private void cluster(HeraldConfig c, ClusterSettings cluster) {
    for (int i = 0; i < cluster.nodes().size(); i++) {
      try {
        RedisChecks.node(cluster.nodes().get(i), RedisEndpoint.DEFAULT_PORT);
      } catch (IllegalArgumentException e) {
        problems.add(
            "redis.cluster.nodes["
                + i
                + "] "
                + e.getMessage()
                + " (was '"
                + cluster.nodes().get(i)
                + "')");
      }
    }
    if (c.redis().url() != null) {
      problems.add(
          "redis.url must not be set when redis.cluster is set (the seed nodes are the Redis; the"
              + " user and password go in redis.cluster): was '"
              + ConfigValidator.redactedUrl(c.redis().url())
              + "'");
    }
    if (c.redis().wantsEmbedded()) {
      problems.add("redis.embedded must not be true when redis.cluster is set: keep one");
    }
    if (c.redis().sentinel().configured()) {
      problems.add(
          "redis.sentinel must not be set when redis.cluster is set (a cluster fails over by"
              + " itself): keep one");
    }
    if (!c.sharded()) {
      problems.add(
          "shards must be at least 2 when redis.cluster is set (was "
              + c.shards()
              + "): every key of a shard is in one slot, so one shard would use one master; 16 or"
              + " more let the slots spread over the masters");
    }
  }

  private void sharded(HeraldConfig c) {
    braceless("gateway.stream", c.gateway().stream());
    c.channelSettings()
        .forEach(
            (name, channel) -> {
              if (channel.stream() != null) {
                braceless("channels." + name + ".stream", channel.stream());
              }
            });
    if (!OFF.equals(c.intake().stream())) {
      braceless("intake.stream", c.intake().stream());
      braceless("intake.rejected-stream", c.intake().rejectedStream());
    }
  }

  /** A stream name that each shard's hash tag is appended to must not carry one of its own. */
  private void braceless(String key, String stream) {
    if (stream.indexOf('{') >= 0 || stream.indexOf('}') >= 0) {
      problems.add(
          key
              + " must not contain { or } when shards is above 1 (was '"
              + stream
              + "'): each shard's stream is the name plus the shard's hash tag");
    }
  }
}
