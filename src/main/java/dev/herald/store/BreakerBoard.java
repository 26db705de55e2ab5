package dev.herald.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Where each Herald process shows the stream breakers it has open, so that {@code herald stats}
 * (another process) can tell. A process reports when a breaker opens or closes and again every few
 * seconds while one is open; a report older than {@link #FRESH} is of a process that is gone or
 * stuck: it is not shown, and the next report of any process drops it.
 */
public interface BreakerBoard {

  /** How recent a report must be to count. */
  Duration FRESH = Duration.ofSeconds(30);

  /** Reports nowhere. */
  BreakerBoard NONE =
      new BreakerBoard() {
        @Override
        public void report(String process, Instant now, List<StreamBreaker> open) {}

        @Override
        public List<StreamBreaker> read(Instant now) {
          return List.of();
        }
      };

  /**
   * One open breaker.
   *
   * @param process the process that has it open ({@code <host>-<pid>-<random>})
   * @param since when it opened
   * @param reportedAt when the process last said it was open
   * @param reason the Redis error that opened it, or of its last failed probe
   */
  record StreamBreaker(
      String stream, String process, Instant since, Instant reportedAt, String reason) {}

  /**
   * Replaces what {@code process} reported before: these breakers are open in it now (none, when it
   * has none open any more).
   */
  void report(String process, Instant now, List<StreamBreaker> open);

  /** The open breakers of every process that reported within {@link #FRESH} of {@code now}. */
  List<StreamBreaker> read(Instant now);
}
