package dev.herald.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Where each running Herald process keeps its heartbeat, so that {@code herald processes} and the
 * console (other processes) can list them. A heartbeat older than {@link #TTL} is of a process that
 * is gone or stuck: it is not listed, and the next heartbeat of any process drops it.
 */
public interface ProcessBoard {

  /** How often a process beats. */
  Duration EVERY = Duration.ofSeconds(5);

  /** How recent a heartbeat must be to count: three beats. */
  Duration TTL = Duration.ofSeconds(15);

  /**
   * One process's heartbeat.
   *
   * @param process its name, {@code <host>-<pid>-<random>}, as in lease tokens
   * @param workers publishing threads now
   * @param lastCycle when a publish cycle last finished, or null before the first
   * @param routesPerSecond routes it published per second since its previous heartbeat
   * @param reportedAt when it beat
   */
  record Heartbeat(
      String process,
      String host,
      long pid,
      String version,
      int workers,
      Instant started,
      Instant lastCycle,
      double routesPerSecond,
      Instant reportedAt) {}

  /** Replaces the heartbeat of {@code beat.process()}. */
  void beat(Heartbeat beat);

  /** Removes a process's heartbeat: it stopped. */
  void leave(String process);

  /** The heartbeats within {@link #TTL} of {@code now}, by process name. */
  List<Heartbeat> read(Instant now);
}
