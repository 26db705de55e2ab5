package dev.herald.config;

import java.time.Duration;

/**
 * @param workers publishing threads in this process
 * @param batchSize most routes one worker claims at a time
 * @param pollInterval longest sleep when nothing is due
 * @param lease how long a claimed route stays with its worker before others may take it
 * @param shutdownGrace how long a stop may take to finish the batches in hand
 */
public record PublisherSettings(
    Integer workers,
    Integer batchSize,
    Duration pollInterval,
    Duration lease,
    Duration shutdownGrace) {

  /** The most workers a process may run; a reload may grow the pool up to this many. */
  public static final int MAX_WORKERS = 64;

  public PublisherSettings {
    workers = workers == null ? 4 : workers;
    batchSize = batchSize == null ? 500 : batchSize;
    pollInterval = pollInterval == null ? Duration.ofSeconds(1) : pollInterval;
    lease = lease == null ? Duration.ofSeconds(30) : lease;
    shutdownGrace = shutdownGrace == null ? Duration.ofSeconds(10) : shutdownGrace;
  }

  static PublisherSettings defaults() {
    return new PublisherSettings(null, null, null, null, null);
  }
}
