package dev.herald.store.redis;

import dev.herald.config.RedisEndpoint;

/**
 * The two ends of a move to shards: the deployment's one-Redis layout and the sharded one.
 *
 * @param sourceIntents the source's intents stream ({@code intake.stream}), or null when it reads
 *     none: unsettled intents there would be left behind
 * @param shards the target's shards, 2 or more
 */
public record MigrationSides(
    RedisEndpoint source,
    String sourceNamespace,
    String sourceIntents,
    RedisEndpoint target,
    String targetNamespace,
    int shards) {}
