package dev.herald.bench;

import dev.herald.store.ServerProbe;
import dev.herald.store.ServerProbe.StreamEntryTime;
import java.util.List;

/**
 * The first and the last entry of the benchmark's stream, over every shard's stream when it has
 * shards: the earliest first and the latest last by append time (on a cluster each master stamps
 * its own entries: the masters' clocks are compared as they are, as good as the hosts' sync).
 */
final class ShardStreams {

  private ShardStreams() {}

  /** The earliest first entry; null when every stream is empty. */
  static StreamEntryTime first(BenchEnvironment env) {
    ServerProbe probe = env.stores().probe();
    StreamEntryTime first = null;
    for (String stream : env.streams()) {
      List<StreamEntryTime> head = probe.readStream(stream, "-", 1);
      if (!head.isEmpty() && (first == null || head.get(0).appendedAtMs() < first.appendedAtMs())) {
        first = head.get(0);
      }
    }
    return first;
  }

  /** The latest last entry; null when every stream is empty. */
  static StreamEntryTime last(BenchEnvironment env) {
    ServerProbe probe = env.stores().probe();
    StreamEntryTime last = null;
    for (String stream : env.streams()) {
      StreamEntryTime tail = probe.lastEntry(stream);
      if (tail != null && (last == null || tail.appendedAtMs() > last.appendedAtMs())) {
        last = tail;
      }
    }
    return last;
  }
}
