package dev.herald.daemon;

import dev.herald.config.ConfigException;
import dev.herald.config.HeraldConfig;
import dev.herald.store.ShardMigration;
import dev.herald.store.redis.MigrationSides;
import dev.herald.store.redis.RedisShardMigration;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens {@code herald migrate}'s move from the config a deployment runs now (one Redis, {@code
 * shards: 1}) to the config it will run (shards, on the same Redis or a Redis Cluster).
 */
public final class Migrations {

  private Migrations() {}

  /**
   * @throws ConfigException when the source is not the one-Redis layout, or the target not sharded
   * @throws dev.herald.store.StoreUnavailableException when either Redis does not answer
   */
  public static ShardMigration open(HeraldConfig from, HeraldConfig to) {
    List<String> problems = new ArrayList<>();
    if (from.shards() != 1) {
      problems.add(
          "--from: shards must be 1 (was "
              + from.shards()
              + "): herald migrate moves the one-Redis layout; name the config the deployment runs"
              + " now");
    }
    if (to.shards() < 2) {
      problems.add(
          "--config: shards must be 2 or more (was "
              + to.shards()
              + "): name the config the deployment will run, with its shards");
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(null, problems);
    }
    RedisTarget source = RedisTarget.of(from);
    RedisTarget target = RedisTarget.of(to);
    return RedisShardMigration.open(
        new MigrationSides(
            source.endpoint(),
            from.namespace(),
            from.intake().streamEnabled() ? from.intake().stream() : null,
            target.endpoint(),
            to.namespace(),
            to.shards()));
  }
}
