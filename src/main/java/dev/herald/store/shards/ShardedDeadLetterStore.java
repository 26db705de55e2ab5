package dev.herald.store.shards;

import dev.herald.domain.Shards;
import dev.herald.store.DeadLetter;
import dev.herald.store.DeadLetterStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * {@link DeadLetterStore} over shards. A page is the newest entries of all shards merged: each
 * shard reads a page after the same cursor (dead since, then member, the order every shard's index
 * has, and members are unique across shards); the merge keeps, newest first, at most {@code limit}
 * of those newer than the point down to which every shard has been read, and the next cursor is the
 * last kept (or that point), so paging goes through every shard's entries once, in one order.
 * Requeues, purges and imports go to the shard each route's notification id names. The retention's
 * {@code keepAtMost} is split evenly: each shard keeps its share (rounded up).
 */
public final class ShardedDeadLetterStore implements DeadLetterStore {

  /** Oldest first, as one index orders its entries: dead since, then member. */
  private static final Comparator<Cursor> OLDEST_FIRST =
      Comparator.comparing(Cursor::deadSince).thenComparing(Cursor::position);

  private final List<? extends DeadLetterStore> shards;
  private final Shards layout;

  public ShardedDeadLetterStore(List<? extends DeadLetterStore> shards, Shards layout) {
    if (shards.size() != layout.count()) {
      throw new IllegalArgumentException(shards.size() + " stores for " + layout.count());
    }
    this.shards = List.copyOf(shards);
    this.layout = layout;
  }

  /** One entry of a shard's page, with the cursor just after it. */
  private record Entry(DeadLetter deadLetter, Cursor cursor) {}

  @Override
  public Page page(Window window, Cursor after, int limit) {
    List<Entry> entries = new ArrayList<>();
    // The newest point down to which every shard has been read: each shard that has more was read
    // down to its own cursor, the others to their end.
    Cursor readTo = null;
    for (DeadLetterStore shard : shards) {
      Page page = shard.page(window, after, limit);
      for (DeadLetter d : page.deadLetters()) {
        entries.add(new Entry(d, shard.cursorAt(d)));
      }
      Cursor next = page.next().orElse(null);
      if (next != null && (readTo == null || OLDEST_FIRST.compare(next, readTo) > 0)) {
        readTo = next;
      }
    }
    Cursor bound = readTo;
    List<Entry> read =
        new ArrayList<>(
            entries.stream()
                .filter(e -> bound == null || OLDEST_FIRST.compare(e.cursor(), bound) >= 0)
                .toList());
    read.sort(Comparator.comparing(Entry::cursor, OLDEST_FIRST.reversed()));
    if (read.size() > limit) {
      List<Entry> kept = read.subList(0, limit);
      return new Page(
          kept.stream().map(Entry::deadLetter).toList(),
          limit,
          Optional.of(kept.get(limit - 1).cursor()));
    }
    return new Page(
        read.stream().map(Entry::deadLetter).toList(), read.size(), Optional.ofNullable(bound));
  }

  @Override
  public Cursor cursorAt(DeadLetter d) {
    return shards.get(layout.ofId(d.notificationId())).cursorAt(d);
  }

  @Override
  public long count(Window window) {
    long total = 0;
    for (DeadLetterStore shard : shards) {
      total += shard.count(window);
    }
    return total;
  }

  @Override
  public List<Change> requeue(List<Requeue> routes, boolean keepAttempts, Instant now) {
    return byShard(
        routes,
        r -> r.route().notificationId(),
        (shard, part) -> shard.requeue(part, keepAttempts, now));
  }

  @Override
  public List<Change> purge(List<Route> routes, Instant now) {
    return byShard(routes, Route::notificationId, (shard, part) -> shard.purge(part, now));
  }

  /** Sends each item to its notification's shard; the results come back in the items' order. */
  private <T, R> List<R> byShard(
      List<T> items,
      java.util.function.Function<T, String> idOf,
      BiFunction<DeadLetterStore, List<T>, List<R>> call) {
    Map<Integer, List<T>> parts = new LinkedHashMap<>();
    int[] shardOf = new int[items.size()];
    for (int i = 0; i < items.size(); i++) {
      shardOf[i] = layout.ofId(idOf.apply(items.get(i)));
      parts.computeIfAbsent(shardOf[i], s -> new ArrayList<>()).add(items.get(i));
    }
    Map<Integer, Iterator<R>> changes = new LinkedHashMap<>();
    parts.forEach(
        (shard, part) -> changes.put(shard, call.apply(shards.get(shard), part).iterator()));
    List<R> out = new ArrayList<>(items.size());
    for (int shard : shardOf) {
      out.add(changes.get(shard).next());
    }
    return out;
  }

  /**
   * Each item goes to the shard of its new id, which must be its source's
   * (NotificationIds#derivedInShardOf): there one script checks that the source is gone and writes
   * the import, as on one Redis, so the same guarantees hold (imported twice: found there; its
   * source still in the store: left out). A shard that fails after another stored its part throws;
   * the caller's slice is sent again and each stored item is found there.
   *
   * @throws IllegalArgumentException for an item whose new id is in another shard than its source
   */
  @Override
  public List<ImportResult> importDeadLetters(List<Import> items, Instant now) {
    for (Import item : items) {
      String id = item.notification().id();
      if (item.source() != null && layout.ofId(id) != layout.ofId(item.source().notificationId())) {
        throw new IllegalArgumentException(
            "imported dead letter "
                + id
                + " is not in the shard of its source "
                + item.source().notificationId()
                + ": derive its id with NotificationIds.derivedInShardOf");
      }
    }
    return byShard(
        items, i -> i.notification().id(), (shard, part) -> shard.importDeadLetters(part, now));
  }

  @Override
  public RetentionPurge purgeOldest(
      Optional<Long> keepAtMost, Optional<Instant> deadBefore, Instant now, int limit) {
    Optional<Long> share = keepAtMost.map(n -> (n + shards.size() - 1) / shards.size());
    int byCount = 0;
    int byAge = 0;
    for (DeadLetterStore shard : shards) {
      int left = limit - byCount - byAge;
      if (left <= 0) {
        break;
      }
      RetentionPurge p = shard.purgeOldest(share, deadBefore, now, left);
      byCount += p.byCount();
      byAge += p.byAge();
    }
    return new RetentionPurge(byCount, byAge);
  }
}
