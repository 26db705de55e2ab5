package dev.herald.store;

import dev.herald.domain.Channel;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One claim asked of a {@link RouteStore}: lease up to {@code maxRoutes} due routes to {@code
 * leaseToken} until {@code now + lease}, and no more than their events' estimated {@code maxBytes}
 * (at least one route, whatever its size): a batch's completion is one script call, and Redis does
 * not enforce {@code maxmemory} on a script once it has written.
 *
 * @param leaseToken unique per claim; must not contain {@code |}
 * @param inline the channels whose due routes the claim may publish itself (inline publishing, see
 *     {@link RouteStore}'s contract): those whose stream breaker is closed; empty: lease every
 *     route. A store that cannot publish inline leases them all.
 * @param grants for one shard of several: the rate-limit tokens this claim may spend, by channel,
 *     taken from the channels' shared buckets ({@link RateTokens}); a rate-limited channel left out
 *     is not claimed at all. Empty: the store keeps its own buckets.
 */
public record ClaimRequest(
    Instant now,
    Duration lease,
    String leaseToken,
    int maxRoutes,
    long maxBytes,
    List<Channel> inline,
    Optional<Map<String, RateTokens.Grant>> grants) {

  public ClaimRequest {
    if (leaseToken.indexOf('|') >= 0) {
      throw new IllegalArgumentException("lease token must not contain '|': " + leaseToken);
    }
    inline = List.copyOf(inline);
    grants = grants.map(Map::copyOf);
  }

  /** A claim with the default byte budget, leasing every route, on the store's own buckets. */
  public static ClaimRequest of(Instant now, Duration lease, String leaseToken, int maxRoutes) {
    return new ClaimRequest(
        now,
        lease,
        leaseToken,
        maxRoutes,
        RouteStore.DEFAULT_BATCH_BYTES,
        List.of(),
        Optional.empty());
  }

  public ClaimRequest withMaxRoutes(int routes) {
    return new ClaimRequest(now, lease, leaseToken, routes, maxBytes, inline, grants);
  }

  public ClaimRequest withMaxBytes(long bytes) {
    return new ClaimRequest(now, lease, leaseToken, maxRoutes, bytes, inline, grants);
  }

  public ClaimRequest withInline(List<Channel> channels) {
    return new ClaimRequest(now, lease, leaseToken, maxRoutes, maxBytes, channels, grants);
  }

  /** This claim for one shard of several, spending the tokens {@code shared} hands it. */
  public ClaimRequest withGrants(Map<String, RateTokens.Grant> shared) {
    return new ClaimRequest(
        now, lease, leaseToken, maxRoutes, maxBytes, inline, Optional.of(shared));
  }
}
