package dev.herald.config;

import java.time.Duration;
import java.util.List;

/**
 * The API's local spool: where notifications go while Redis cannot take them.
 *
 * @param dir its directory, relative to the working directory, or {@code off}
 * @param maxBytes most bytes it may hold; past them requests are answered 503
 * @param fsync {@code request}, {@code batch} or {@code interval}: when an append is forced to disk
 *     before it is answered 202
 * @param fsyncInterval with {@code interval}, how often the spool is forced
 * @param segmentBytes a segment is sealed (and may be replayed) at this size
 * @param segmentAge ... or when its first record is this old
 * @param replayRate most notifications replayed into Redis per second
 * @param replayBatch most notifications per replay call
 * @param storeBudget how long a request waits for Redis before it goes to the spool
 */
public record SpoolSettings(
    String dir,
    Long maxBytes,
    String fsync,
    Duration fsyncInterval,
    Long segmentBytes,
    Duration segmentAge,
    Integer replayRate,
    Integer replayBatch,
    Duration storeBudget) {

  public static final String OFF = "off";
  static final List<String> FSYNC = List.of("request", "batch", "interval");

  public SpoolSettings {
    dir = dir == null ? "spool" : dir;
    maxBytes = maxBytes == null ? 1024L * 1024 * 1024 : maxBytes;
    fsync = fsync == null ? "batch" : fsync;
    fsyncInterval = fsyncInterval == null ? Duration.ofSeconds(1) : fsyncInterval;
    segmentBytes = segmentBytes == null ? 16L * 1024 * 1024 : segmentBytes;
    segmentAge = segmentAge == null ? Duration.ofSeconds(1) : segmentAge;
    replayRate = replayRate == null ? 10_000 : replayRate;
    replayBatch = replayBatch == null ? 200 : replayBatch;
    storeBudget = storeBudget == null ? Duration.ofMillis(500) : storeBudget;
  }

  static SpoolSettings defaults() {
    return new SpoolSettings(null, null, null, null, null, null, null, null, null);
  }

  public boolean enabled() {
    return !OFF.equals(dir);
  }
}
