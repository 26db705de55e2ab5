package dev.herald.store;

import java.time.Instant;
import java.util.Map;

/**
 * The shared token buckets of the rate-limited channels, for claims that span shards: each shard's
 * claim runs in its own slot, so a bucket per shard would let each pass the whole rate. A claim
 * takes its tokens here first, hands them to the shards' claims ({@link ClaimRequest#grants}) and
 * puts back what they did not use.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li>{@link #take} takes up to {@code most} whole tokens of each rate-limited channel (the
 *       config's limits and an operator's, the operator's winning) and names every such channel,
 *       with none taken when its bucket is empty. A bucket fills at its rate and holds at most one
 *       second's worth, so across all processes no more than the rate is ever handed out.
 *   <li>{@link #giveBack} returns tokens taken and not used; it never fills a bucket past its
 *       second's worth. Tokens not given back (a process that died) are lost: the channel runs
 *       below its rate for a moment, never above.
 *   <li>Transient Redis trouble throws {@link StoreUnavailableException}.
 * </ul>
 */
public interface RateTokens {

  /** Takes up to {@code most} tokens of each rate-limited channel, by channel. */
  Map<String, Grant> take(Instant now, int most);

  /** Puts back tokens taken and not used, by channel. */
  void giveBack(Map<String, Integer> unused, Instant now);

  /**
   * The tokens a claim may spend on one channel.
   *
   * @param perSecond the channel's rate, for how long a route without a token waits
   * @param tokens how many routes of the channel the claim may lease
   */
  record Grant(long perSecond, int tokens) {
    public Grant {
      if (tokens < 0) {
        throw new IllegalArgumentException("tokens must not be negative (was " + tokens + ")");
      }
    }

    public Grant spending(int used) {
      return new Grant(perSecond, Math.max(0, tokens - used));
    }
  }
}
