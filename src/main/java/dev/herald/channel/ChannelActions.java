package dev.herald.channel;

import dev.herald.domain.Channel;
import dev.herald.domain.Channels;
import dev.herald.store.ChannelControls;
import dev.herald.store.ChannelControls.Control;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an operator does to channels, for {@code herald channels} and the console alike: list them
 * with their controls, pause, resume, set or clear a rate limit. Only configured channels are
 * accepted; every change is logged with who made it.
 */
public final class ChannelActions {

  private static final Logger LOG = LoggerFactory.getLogger(ChannelActions.class);

  /** The most routes/s a limit may be: the config's bound. */
  public static final long MAX_RATE = 10_000_000L;

  /**
   * One channel as an operator sees it.
   *
   * @param rateLimit routes/s in force, if any
   * @param rateSource {@code operator} (set in Redis), {@code config}, or null without a limit
   */
  public record ChannelView(
      String name,
      String stream,
      Optional<Instant> pausedSince,
      String pausedBy,
      OptionalLong rateLimit,
      String rateSource) {

    public boolean paused() {
      return pausedSince.isPresent();
    }
  }

  private final ChannelControls controls;
  private final Channels channels;
  private final Map<String, Long> configLimits;
  private final Clock clock;

  /**
   * @param configLimits {@code channels.<name>.rate-limit} by channel
   */
  public ChannelActions(
      ChannelControls controls, Channels channels, Map<String, Long> configLimits, Clock clock) {
    this.controls = controls;
    this.channels = channels;
    this.configLimits = Map.copyOf(configLimits);
    this.clock = clock;
  }

  /** Every configured channel with its controls, in the config's order. */
  public List<ChannelView> list() {
    Map<String, Control> set = controls.read();
    List<ChannelView> out = new ArrayList<>();
    for (Channel c : channels.all()) {
      Control k = set.get(c.name());
      OptionalLong rate = k == null ? OptionalLong.empty() : k.rateLimit();
      String source = rate.isPresent() ? "operator" : null;
      if (rate.isEmpty() && configLimits.containsKey(c.name())) {
        rate = OptionalLong.of(configLimits.get(c.name()));
        source = "config";
      }
      out.add(
          new ChannelView(
              c.name(),
              c.stream(),
              k == null ? Optional.empty() : k.pausedSince(),
              k == null ? null : k.pausedBy(),
              rate,
              source));
    }
    return out;
  }

  /** Pauses a configured channel; false when it was paused already. */
  public boolean pause(String channel, String who) {
    check(channel);
    boolean changed = controls.pause(channel, clock.instant(), who);
    LOG.info("channel {} paused by {}{}", channel, who, changed ? "" : " (it was paused already)");
    return changed;
  }

  /** Resumes a configured channel; false when it was not paused. */
  public boolean resume(String channel, String who) {
    check(channel);
    boolean changed = controls.resume(channel);
    LOG.info("channel {} resumed by {}{}", channel, who, changed ? "" : " (it was not paused)");
    return changed;
  }

  /** Sets the rate limit of a configured channel: routes/s across every process. */
  public void limit(String channel, long perSecond, String who) {
    check(channel);
    if (perSecond < 1 || perSecond > MAX_RATE) {
      throw new IllegalArgumentException(
          "rate limit must be between 1 and " + MAX_RATE + " routes/s (was " + perSecond + ")");
    }
    controls.limit(channel, perSecond);
    LOG.info("channel {} rate limit set to {} routes/s by {}", channel, perSecond, who);
  }

  /** Clears an operator's rate limit: the config's applies again (none if it sets none). */
  public boolean clearLimit(String channel, String who) {
    check(channel);
    boolean changed = controls.clearLimit(channel);
    LOG.info(
        "channel {} rate limit cleared by {}; now {}",
        channel,
        who,
        configLimits.containsKey(channel)
            ? "the config's " + configLimits.get(channel) + " routes/s"
            : "none");
    return changed;
  }

  private void check(String channel) {
    if (channels.find(channel).isEmpty()) {
      throw new IllegalArgumentException(
          "channel '"
              + channel
              + "' is not configured (configured: "
              + String.join(", ", channels.names())
              + ")");
    }
  }
}
