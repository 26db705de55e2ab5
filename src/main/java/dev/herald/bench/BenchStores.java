package dev.herald.bench;

import dev.herald.store.NotificationStore;
import dev.herald.store.RouteStore;
import dev.herald.store.ServerProbe;
import dev.herald.store.Wakeups;

/** The ports a benchmark drives and watches: the same stores the daemon uses, plus the probe. */
public record BenchStores(
    RouteStore routes, NotificationStore notifications, Wakeups wakeups, ServerProbe probe) {}
