package dev.herald.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What a move from the one-Redis layout to shards did (or, in a dry run, would do): how many of
 * each kind of item went to each target shard, the notifications a rerun found copied already and
 * finished, and those kept in the source with the reason. Not thread-safe: one migration fills it.
 */
public final class MigrationTally {

  /** The kinds of items counted per target shard. */
  public enum Item {
    NOTIFICATIONS("notifications"),
    ROUTES("routes"),
    WAITING_ROUTES("routes waiting (pending or retrying)"),
    SCHEDULE_ENTRIES("schedule entries"),
    DEAD_LETTERS("dead letters"),
    RETENTION_ENTRIES("retention entries"),
    IDEMPOTENCY_RECORDS("idempotency records"),
    QUARANTINED("quarantined entries"),
    RECIPIENT_ENTRIES("recipient index entries"),
    CHANNEL_CONTROLS("channel controls"),
    STATS_FIELDS("stats counters");

    private final String label;

    Item(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }

    /** The name in {@code --json}: snake_case. */
    public String jsonName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Why a notification (or a record) stayed in the source. */
  public enum Kept {
    /** The target holds another notification (or record) under that id or key. */
    CONFLICT,
    /** A route group of it is leased: a Herald process works on it (or did, seconds ago). */
    LEASED,
    /** A key under the namespace whose name Herald does not write: no shard to put it in. */
    UNREADABLE
  }

  /** Most kept ids remembered, to name in the report. */
  private static final int NAMED = 20;

  private final int shards;
  private final Map<Item, long[]> counts = new EnumMap<>(Item.class);
  private final Map<Kept, Long> kept = new EnumMap<>(Kept.class);
  private final List<String> keptNamed = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private long resumed;

  public MigrationTally(int shards) {
    this.shards = shards;
    for (Item item : Item.values()) {
      counts.put(item, new long[shards]);
    }
    for (Kept k : Kept.values()) {
      kept.put(k, 0L);
    }
  }

  public int shards() {
    return shards;
  }

  public void add(Item item, int shard, long n) {
    counts.get(item)[shard] += n;
  }

  /** A notification a rerun found copied already (same record in the target), finished now. */
  public void resumed() {
    resumed++;
  }

  /** Something left in the source, with what it is (a notification id, an idempotency key). */
  public void kept(Kept why, String what) {
    kept.merge(why, 1L, Long::sum);
    if (keptNamed.size() < NAMED) {
      keptNamed.add(what + " (" + why.name().toLowerCase(java.util.Locale.ROOT) + ")");
    }
  }

  /** Something the operator should know that is not a count (a control not carried over). */
  public void note(String note) {
    notes.add(note);
  }

  public long total(Item item) {
    long sum = 0;
    for (long n : counts.get(item)) {
      sum += n;
    }
    return sum;
  }

  public long count(Item item, int shard) {
    return counts.get(item)[shard];
  }

  public long resumedCount() {
    return resumed;
  }

  public long keptCount(Kept why) {
    return kept.get(why);
  }

  public long keptTotal() {
    return kept.values().stream().mapToLong(Long::longValue).sum();
  }

  /** The first few of what stayed in the source, with why. */
  public List<String> keptNamed() {
    return Collections.unmodifiableList(keptNamed);
  }

  public List<String> notes() {
    return Collections.unmodifiableList(notes);
  }
}
