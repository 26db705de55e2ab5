package dev.herald.store.shards;

import dev.herald.store.RecipientIndex;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@link RecipientIndex} over shards: a notification is indexed in its own shard, so a recipient's
 * notifications may be in any of them; {@link #newest} asks every shard and merges, newest first.
 */
public final class ShardedRecipientIndex implements RecipientIndex {

  private final List<? extends RecipientIndex> shards;

  public ShardedRecipientIndex(List<? extends RecipientIndex> shards) {
    this.shards = List.copyOf(shards);
  }

  @Override
  public boolean enabled() {
    return shards.get(0).enabled();
  }

  @Override
  public int maxPerRecipient() {
    return shards.get(0).maxPerRecipient();
  }

  @Override
  public List<Entry> newest(String recipient, int limit) {
    List<Entry> all = new ArrayList<>();
    for (RecipientIndex shard : shards) {
      all.addAll(shard.newest(recipient, limit));
    }
    all.sort(
        Comparator.comparing(Entry::acceptedAt)
            .reversed()
            .thenComparing(Entry::notificationId, Comparator.reverseOrder()));
    return List.copyOf(all.subList(0, Math.min(limit, all.size())));
  }
}
