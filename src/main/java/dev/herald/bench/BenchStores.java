package dev.herald.bench;

import dev.herald.store.IntentStream;
import dev.herald.store.NotificationStore;
import dev.herald.store.RouteStore;
import dev.herald.store.ServerProbe;
import dev.herald.store.Wakeups;

/**
 * The ports a benchmark drives and watches: the same stores the daemon uses, plus the probe.
 *
 * @param intents an intents stream inside the benchmark's namespace (never the real one)
 * @param intentsStream its key, for the probe to append to
 */
public record BenchStores(
    RouteStore routes,
    NotificationStore notifications,
    Wakeups wakeups,
    ServerProbe probe,
    IntentStream intents,
    String intentsStream) {}
