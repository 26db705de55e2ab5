package dev.herald.bench;

import dev.herald.store.IntentStream;
import dev.herald.store.ServerProbe;
import dev.herald.store.redis.RedisBackend;

/**
 * What a benchmark drives and watches: the same stores the daemon uses, plus the probe.
 *
 * @param intents an intents stream inside the benchmark's namespace (never the real one)
 * @param intentsStream its key, for the probe to append to
 */
public record BenchStores(RedisBackend backend, IntentStream intents, String intentsStream) {

  public ServerProbe probe() {
    return backend.probe();
  }
}
