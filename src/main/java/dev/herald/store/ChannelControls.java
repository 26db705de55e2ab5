package dev.herald.store;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The operator's controls over channels, kept in the store so that every process obeys them at its
 * next claim: a paused channel's routes are not claimed (so they are charged nothing) until it is
 * resumed; a rate-limited channel's routes are claimed at most at its rate, across all processes. A
 * limit set here wins over the config's ({@code channels.<name>.rate-limit}) until cleared.
 */
public interface ChannelControls {

  /**
   * The controls of one channel.
   *
   * @param pausedSince when it was paused, if it is
   * @param pausedBy who paused it (an operator's name, {@code cli:<user>}), or null
   * @param rateLimit the routes/s an operator set, if any (the config's is not here)
   */
  record Control(
      String channel, Optional<Instant> pausedSince, String pausedBy, OptionalLong rateLimit) {

    public boolean paused() {
      return pausedSince.isPresent();
    }
  }

  /** Pauses {@code channel}; false when it was paused already (nothing changes then). */
  boolean pause(String channel, Instant now, String by);

  /** Resumes {@code channel}; false when it was not paused. */
  boolean resume(String channel);

  /** Sets the rate limit of {@code channel}, routes/s across every process (1 or more). */
  void limit(String channel, long perSecond);

  /** Clears the limit an operator set: the config's applies again. False when none was set. */
  boolean clearLimit(String channel);

  /** The controls of every channel that has one, by channel name. */
  Map<String, Control> read();
}
