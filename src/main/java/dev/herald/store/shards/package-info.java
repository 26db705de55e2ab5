/**
 * The store's ports over several shards: each shard a complete store under a hash tag of its own
 * (so that each of its scripts touches one Redis Cluster slot), these classes send each call to the
 * shard a notification's id or idempotency key names ({@link dev.herald.domain.Shards}), and gather
 * what spans shards (claims, figures, dead-letter pages). No Redis here: only the ports.
 */
package dev.herald.store.shards;
