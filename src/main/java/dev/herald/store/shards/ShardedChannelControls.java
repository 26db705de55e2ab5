package dev.herald.store.shards;

import dev.herald.store.ChannelControls;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@link ChannelControls} over shards: each shard's claims read the controls of their own slot, so
 * a pause or a resume is written to every shard (a change that failed part-way is made whole by
 * giving it again), and read from the first. So is a rate limit: the shards' claims hold routes of
 * a rate-limited channel without tokens, and the tokens come from one bucket the first shard keeps
 * for all of them ({@link dev.herald.store.RateTokens}), which reads the limit from the first.
 */
public final class ShardedChannelControls implements ChannelControls {

  private final List<? extends ChannelControls> shards;

  public ShardedChannelControls(List<? extends ChannelControls> shards) {
    this.shards = List.copyOf(shards);
  }

  @Override
  public boolean pause(String channel, Instant now, String by) {
    boolean changed = false;
    for (ChannelControls shard : shards) {
      changed |= shard.pause(channel, now, by);
    }
    return changed;
  }

  @Override
  public boolean resume(String channel) {
    boolean changed = false;
    for (ChannelControls shard : shards) {
      changed |= shard.resume(channel);
    }
    return changed;
  }

  @Override
  public void limit(String channel, long perSecond) {
    for (ChannelControls shard : shards) {
      shard.limit(channel, perSecond);
    }
  }

  @Override
  public boolean clearLimit(String channel) {
    boolean changed = false;
    for (ChannelControls shard : shards) {
      changed |= shard.clearLimit(channel);
    }
    return changed;
  }

  @Override
  public Map<String, Control> read() {
    return shards.get(0).read();
  }
}
