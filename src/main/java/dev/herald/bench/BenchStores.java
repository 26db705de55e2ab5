package dev.herald.bench;

import dev.herald.store.IntentStream;
import dev.herald.store.MasterProbe;
import dev.herald.store.ServerProbe;
import dev.herald.store.redis.RedisBackend;

/**
 * What a benchmark drives and watches: the same stores the daemon uses, plus the probe.
 *
 * @param intents an intents stream inside the benchmark's namespace (never the real one); null with
 *     shards, which have none
 * @param intentsStream its key, for the probe to append to
 */
public record BenchStores(RedisBackend backend, IntentStream intents, String intentsStream) {

  public ServerProbe probe() {
    return backend.probe();
  }

  /** Each master's CPU and script calls, and many streams' lengths in one go. */
  public MasterProbe masters() {
    return backend.probe();
  }
}
