package dev.herald.deadletter;

import dev.herald.domain.RouteRef;
import dev.herald.domain.RouteState;
import dev.herald.store.DeadLetter;
import dev.herald.store.NotificationRecord;
import dev.herald.store.NotificationStore;
import dev.herald.store.RouteRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Routes named one by one ({@code NOTIFICATION_ID/ROUTE_ID}), looked up at once: those that are
 * dead letters are the source; the others are reported as not dead, or unknown.
 */
public final class RouteRefs implements DeadLetterSource {

  private final List<DeadLetter> deadLetters = new ArrayList<>();
  private final List<String> notDead = new ArrayList<>();
  private final List<String> unknown = new ArrayList<>();
  private long scanned;

  public RouteRefs(NotificationStore notifications, List<RouteRef> refs) {
    Map<String, Optional<NotificationRecord>> records = new HashMap<>();
    for (RouteRef ref : refs) {
      Optional<NotificationRecord> record =
          records.computeIfAbsent(ref.notificationId(), notifications::find);
      int index = record.map(r -> r.notification().indexOf(ref.routeId())).orElse(-1);
      if (index < 0) {
        unknown.add(ref + ": no such route" + (record.isEmpty() ? " (no such notification)" : ""));
        continue;
      }
      RouteRecord route = record.get().routes().get(index);
      if (route.state() == RouteState.DEAD_LETTER) {
        deadLetters.add(DeadLetter.of(record.get().notification(), route));
      } else {
        notDead.add(ref + ": not a dead letter (it is " + route.state().displayName() + ")");
      }
    }
  }

  /** Named routes that exist but are not dead letters, one line each. */
  public List<String> notDead() {
    return notDead;
  }

  /** Named routes that do not exist, one line each. */
  public List<String> unknown() {
    return unknown;
  }

  @Override
  public void forEach(Predicate<DeadLetter> visitor) {
    for (DeadLetter d : deadLetters) {
      scanned++;
      if (!visitor.test(d)) {
        return;
      }
    }
  }

  @Override
  public long scanned() {
    return scanned;
  }

  @Override
  public long total() {
    return deadLetters.size();
  }
}
