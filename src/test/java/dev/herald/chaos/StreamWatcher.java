package dev.herald.chaos;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/**
 * A consumer of every shard stream, reading each from where it left off as fast as it can, as a
 * consumer of the masters would: what it saw on a master that was lost before its replica had it is
 * what a failover took from the consumers' point of view (the route is then appended again on the
 * promoted replica, and this reader sees it twice).
 */
final class StreamWatcher implements AutoCloseable {

  private final RedisClusterClient raw;
  private final List<String> streams;
  private final Map<String, Map<StreamEntryID, String>> seen = new HashMap<>();
  private final Map<String, StreamEntryID> last = new HashMap<>();
  private final Thread thread;
  private volatile boolean stop;

  StreamWatcher(RedisClusterClient raw, List<String> streams) {
    this.raw = raw;
    this.streams = streams;
    streams.forEach(s -> seen.put(s, new LinkedHashMap<>()));
    this.thread = new Thread(this::run, "stream-watcher");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    while (!stop) {
      boolean any = false;
      for (String stream : streams) {
        try {
          StreamEntryID from = last.get(stream);
          List<StreamEntry> page =
              from == null
                  ? raw.xrange(stream, (StreamEntryID) null, (StreamEntryID) null, 1000)
                  : raw.xrange(stream, "(" + from, "+", 1000);
          synchronized (seen) {
            for (StreamEntry e : page) {
              seen.get(stream).put(e.getID(), e.getFields().get("event_id"));
            }
          }
          if (!page.isEmpty()) {
            last.put(stream, page.get(page.size() - 1).getID());
            any = true;
          }
        } catch (RuntimeException masterDown) {
          // this stream's master is gone for now: read the others, and this one again later
        }
      }
      if (!any) {
        try {
          TimeUnit.MILLISECONDS.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /** Every entry read so far, per stream: its id and its event_id. */
  Map<String, Map<StreamEntryID, String>> seen() {
    synchronized (seen) {
      Map<String, Map<StreamEntryID, String>> copy = new HashMap<>();
      seen.forEach((k, v) -> copy.put(k, new LinkedHashMap<>(v)));
      return copy;
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop = true;
    thread.join(10_000);
  }
}
