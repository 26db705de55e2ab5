package dev.herald.store.shards;

import dev.herald.domain.Failure;
import dev.herald.domain.FailureKind;
import dev.herald.domain.Shards;
import dev.herald.store.ClaimRequest;
import dev.herald.store.ClaimedBatch;
import dev.herald.store.ClaimedNotification;
import dev.herald.store.ClaimedRoute;
import dev.herald.store.CompletionReport;
import dev.herald.store.PublishedRoute;
import dev.herald.store.RateTokens;
import dev.herald.store.RateTokens.Grant;
import dev.herald.store.RouteOutcome;
import dev.herald.store.RouteStore;
import dev.herald.store.StoreOutcomeUnknownException;
import dev.herald.store.StoreUnavailableException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link RouteStore} over shards. A claim starts at the next shard in turn (one turn shared by the
 * process's workers, so that each shard is first as often as any other) and goes on to the next
 * shards until the batch is full or every shard was asked: no worker waits while a shard has due
 * routes, and none is starved. A batch may so hold routes of several shards under one lease token;
 * its completion goes to each shard with that shard's routes (a notification's id names its shard),
 * one script per shard, each as atomic as on one Redis. A shard that does not answer a claim is
 * passed over for that claim (the batch holds what the others leased); only when no shard gave
 * anything does the claim fail. A completion some shards refuse (unavailable, {@code TRYAGAIN}
 * while a slot migrates) reports their routes {@code SINK_UNAVAILABLE}, still leased, and what the
 * other shards recorded as recorded: the caller sends only the refused ones again. Only when no
 * shard answered does it fail.
 *
 * <p>Rate limits hold across the shards: a claim first takes tokens from the channels' shared
 * buckets ({@link RateTokens}, one slot), hands what is left of them to each shard's claim in turn,
 * counts what each spent (the claimed routes of the channel) and puts back the rest. A shard whose
 * reply was lost may have spent all it was handed: that is not put back (the channel runs below its
 * rate for a moment, never above).
 */
public final class ShardedRouteStore implements RouteStore {

  /** The bytes of ids and names of one event besides its payload, as claim.lua estimates them. */
  private static final int ROUTE_BYTES = 256;

  private final List<? extends RouteStore> shards;
  private final Shards layout;
  private final RateTokens rates;
  private final AtomicInteger turn = new AtomicInteger();

  /**
   * @param rates the shared buckets of the rate-limited channels
   */
  public ShardedRouteStore(List<? extends RouteStore> shards, Shards layout, RateTokens rates) {
    if (shards.size() != layout.count()) {
      throw new IllegalArgumentException(shards.size() + " stores for " + layout.count());
    }
    this.shards = List.copyOf(shards);
    this.layout = layout;
    this.rates = rates;
  }

  @Override
  public ClaimedBatch claimDue(ClaimRequest request) {
    Map<String, Grant> grants = new HashMap<>(rates.take(request.now(), request.maxRoutes()));
    try {
      return claimRound(request, grants);
    } finally {
      giveBack(grants, request.now());
    }
  }

  private ClaimedBatch claimRound(ClaimRequest request, Map<String, Grant> grants) {
    int first = Math.floorMod(turn.getAndIncrement(), shards.size());
    List<ClaimedNotification> claimed = new ArrayList<>();
    List<PublishedRoute> published = new ArrayList<>();
    List<String> quarantined = new ArrayList<>();
    Optional<Instant> nextDue = Optional.empty();
    int routes = 0;
    boolean stoppedByBytes = false;
    StoreUnavailableException failed = null;
    for (int k = 0; k < shards.size() && routes < request.maxRoutes() && !stoppedByBytes; k++) {
      RouteStore shard = shards.get((first + k) % shards.size());
      ClaimedBatch batch;
      try {
        batch =
            shard.claimDue(
                request
                    .withMaxRoutes(request.maxRoutes() - routes)
                    .withMaxBytes(budget(request.maxBytes(), claimed, published))
                    .withGrants(grants));
      } catch (StoreOutcomeUnknownException e) {
        grants.replaceAll((channel, g) -> g.spending(g.tokens())); // it may have spent them all
        failed = failed == null ? e : failed;
        continue;
      } catch (StoreUnavailableException e) {
        // The routes claimed from other shards are leased to this batch: drop them and they wait
        // out their lease. Publish them, and serve the shards that answer.
        failed = failed == null ? e : failed;
        continue;
      }
      spend(grants, batch);
      claimed.addAll(batch.notifications());
      published.addAll(batch.published());
      quarantined.addAll(batch.quarantined());
      routes += batch.takenCount();
      stoppedByBytes = batch.stoppedByBytes();
      nextDue = earlier(nextDue, batch.nextDueAt());
    }
    if (failed != null && claimed.isEmpty() && published.isEmpty() && quarantined.isEmpty()) {
      throw failed; // nothing to work on: the loop backs off as for any outage
    }
    return new ClaimedBatch(claimed, nextDue, quarantined, stoppedByBytes, published);
  }

  /** Takes from {@code grants} a token for each claimed route of a rate-limited channel. */
  private static void spend(Map<String, Grant> grants, ClaimedBatch batch) {
    if (grants.isEmpty()) {
      return;
    }
    Map<String, Integer> used = new HashMap<>();
    for (PublishedRoute p : batch.published()) { // a token spent as for a lease
      ClaimedRoute r = p.route();
      used.merge(r.notification().route(r.index()).channel(), 1, Integer::sum);
    }
    for (ClaimedNotification n : batch.notifications()) {
      for (ClaimedRoute r : n.routes()) {
        // claim.lua spends no token on a route whose state or record it cannot read.
        if (!r.isCorrupt() && r.notification() != null) {
          used.merge(r.notification().route(r.index()).channel(), 1, Integer::sum);
        }
      }
    }
    used.forEach((channel, k) -> grants.computeIfPresent(channel, (c, g) -> g.spending(k)));
  }

  /**
   * Puts back the tokens no shard spent; failing that, they are lost (below the rate, not over).
   */
  private void giveBack(Map<String, Grant> grants, Instant now) {
    Map<String, Integer> unused = new HashMap<>();
    grants.forEach((channel, g) -> unused.put(channel, g.tokens()));
    try {
      rates.giveBack(unused, now);
    } catch (StoreUnavailableException e) {
      // The claim stands; the channel runs below its rate for a moment.
    }
  }

  /**
   * What is left of the byte budget after the shards asked so far, estimated as claim.lua does (the
   * payload and {@link #ROUTE_BYTES} per route); at least 1: each shard's completion is a script of
   * its own, so the budget bounds each, and the batch in memory stays near it.
   */
  private static long budget(
      long maxBytes, List<ClaimedNotification> claimed, List<PublishedRoute> published) {
    long used = 0;
    for (ClaimedNotification n : claimed) {
      long payload = n.notification() == null ? 0 : n.notification().payloadJson().length();
      used += (payload + ROUTE_BYTES) * n.routes().size();
    }
    for (PublishedRoute p : published) {
      used += p.route().notification().payloadJson().length() + ROUTE_BYTES;
    }
    return Math.max(1, maxBytes - used);
  }

  private static Optional<Instant> earlier(Optional<Instant> a, Optional<Instant> b) {
    if (a.isEmpty()) {
      return b;
    }
    if (b.isEmpty()) {
      return a;
    }
    return a.get().isBefore(b.get()) ? a : b;
  }

  @Override
  public CompletionReport complete(
      String leaseToken, Instant now, List<RouteOutcome> outcomes, Instant refusedRetryAt) {
    Map<Integer, List<RouteOutcome>> byShard = new LinkedHashMap<>();
    for (RouteOutcome o : outcomes) {
      byShard
          .computeIfAbsent(layout.ofId(o.route().notificationId()), s -> new ArrayList<>())
          .add(o);
    }
    if (byShard.size() <= 1) {
      int shard = byShard.isEmpty() ? 0 : byShard.keySet().iterator().next();
      return shards.get(shard).complete(leaseToken, now, outcomes, refusedRetryAt);
    }
    List<CompletionReport.RouteResult> results = new ArrayList<>(outcomes.size());
    String sinkError = null;
    StoreUnavailableException failed = null;
    int answered = 0;
    for (Map.Entry<Integer, List<RouteOutcome>> e : byShard.entrySet()) {
      CompletionReport r;
      try {
        r = shards.get(e.getKey()).complete(leaseToken, now, e.getValue(), refusedRetryAt);
      } catch (StoreUnavailableException refused) {
        // This shard's routes stay under the lease, to be sent again; the shards that answered
        // keep what they recorded (sent again, it would be refused as a lease lost).
        failed = failed == null ? refused : failed;
        for (RouteOutcome o : e.getValue()) {
          Failure why =
              new Failure(
                  FailureKind.GATEWAY_STREAM_PUBLISH_FAILED,
                  refused.getMessage(),
                  now,
                  o.route().attempt());
          results.add(
              new CompletionReport.RouteResult(
                  o, CompletionReport.Status.SINK_UNAVAILABLE, null, why));
        }
        continue;
      }
      answered++;
      results.addAll(r.results());
      sinkError = sinkError == null ? r.sinkError() : sinkError;
    }
    if (answered == 0) {
      throw failed; // no shard answered: the loop backs off as for any outage
    }
    if (failed != null && sinkError == null) {
      sinkError = failed.getMessage();
    }
    return new CompletionReport(results, sinkError);
  }

  @Override
  public Map<String, String> deniedStreams(Collection<String> streams) {
    Map<String, String> denied = new LinkedHashMap<>();
    for (RouteStore shard : shards) {
      shard.deniedStreams(streams).forEach(denied::putIfAbsent);
    }
    return denied;
  }

  @Override
  public int retireFinished(Instant now, int limit) {
    int retired = 0;
    for (RouteStore shard : shards) {
      if (retired >= limit) {
        break;
      }
      retired += shard.retireFinished(now, limit - retired);
    }
    return retired;
  }
}
