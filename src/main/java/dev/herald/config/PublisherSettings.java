package dev.herald.config;

import java.time.Duration;

/**
 * @param workers publishing threads in this process
 * @param batchSize most routes one worker claims at a time
 * @param batchBytes most bytes of events (estimated) one worker claims at a time, so that one
 *     completion script never appends more; at least one route whatever its size
 * @param pollInterval longest sleep when nothing is due
 * @param lease how long a claimed route stays with its worker before others may take it
 * @param shutdownGrace how long a stop may take to finish the batches in hand
 * @param inlinePublish whether a claim publishes the due routes of channels whose breaker is closed
 *     itself (one script), or leases every route for a completion (two)
 */
public record PublisherSettings(
    Integer workers,
    Integer batchSize,
    Integer batchBytes,
    Duration pollInterval,
    Duration lease,
    Duration shutdownGrace,
    Boolean inlinePublish) {

  /** The most workers a process may run; a reload may grow the pool up to this many. */
  public static final int MAX_WORKERS = 64;

  /** 4 MiB: 64 routes with payloads of the largest size intake takes by default, 64 KiB. */
  public static final int DEFAULT_BATCH_BYTES = 4 * 1024 * 1024;

  /** The smallest and largest {@code batch-bytes}: 64 KiB, and Redis's largest argument. */
  public static final int MIN_BATCH_BYTES = 64 * 1024;

  public static final int MAX_BATCH_BYTES = 512 * 1024 * 1024;

  public PublisherSettings {
    workers = workers == null ? 4 : workers;
    batchSize = batchSize == null ? 500 : batchSize;
    batchBytes = batchBytes == null ? DEFAULT_BATCH_BYTES : batchBytes;
    pollInterval = pollInterval == null ? Duration.ofSeconds(1) : pollInterval;
    lease = lease == null ? Duration.ofSeconds(30) : lease;
    shutdownGrace = shutdownGrace == null ? Duration.ofSeconds(10) : shutdownGrace;
    inlinePublish = inlinePublish == null ? Boolean.TRUE : inlinePublish;
  }

  static PublisherSettings defaults() {
    return new PublisherSettings(null, null, null, null, null, null, null);
  }
}
