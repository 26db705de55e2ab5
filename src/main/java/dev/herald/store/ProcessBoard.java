package dev.herald.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

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
   * @param formats the highest stored format it reads (1 for a version whose heartbeat does not
   *     say: before format 2)
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
      Instant reportedAt,
      int formats) {}

  /**
   * What a heartbeat's reply tells: the stored format this process writes from now on, and the
   * running processes (name → highest format read) that cannot read it, which the store went on to
   * while they ran or that started after it did.
   */
  record Beat(int writeFormat, Map<String, Integer> cannotRead) {}

  /**
   * Replaces the heartbeat of {@code beat.process()}; when every running process reads a newer
   * stored format than the store writes, the store (and this process) writes it from now on.
   */
  Beat beat(Heartbeat beat);

  /** The highest stored format this process reads, which its heartbeats declare. */
  int formatsRead();

  /**
   * The stored format this process writes new notifications in now: the earliest until a heartbeat
   * reply said every running process reads a newer one.
   */
  int writeFormat();

  /** The stored format the store has moved to (read now): 1 until every process read a newer. */
  int storedFormat();

  /** Removes a process's heartbeat: it stopped. */
  void leave(String process);

  /** The heartbeats within {@link #TTL} of {@code now}, by process name. */
  List<Heartbeat> read(Instant now);
}
