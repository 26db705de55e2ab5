package dev.herald.deadletter;

import dev.herald.domain.RouteState;
import dev.herald.store.CorruptRecordException;
import dev.herald.store.DeadLetter;
import dev.herald.store.DeadLetterStore;
import dev.herald.store.DeadLetterStore.Cursor;
import dev.herald.store.DeadLetterStore.Page;
import dev.herald.store.NotificationRecord;
import dev.herald.store.NotificationStore;
import dev.herald.store.RouteRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The dead letters a filter matches, newest first, read a page at a time: memory stays bounded by
 * one page however many there are. With notification ids in the filter it reads those notifications
 * instead of the whole index.
 */
public final class DeadLetterScan implements DeadLetterSource {

  /** Entries per page: one round trip each. */
  public static final int PAGE = 500;

  private final DeadLetterStore store;
  private final NotificationStore notifications;
  private final DeadLetterFilter filter;
  private final int pageSize;
  private long scanned;
  private long total = -1;
  private boolean namedRead;
  private List<DeadLetter> named;
  private Cursor start;

  public DeadLetterScan(
      DeadLetterStore store, NotificationStore notifications, DeadLetterFilter filter) {
    this(store, notifications, filter, PAGE);
  }

  DeadLetterScan(
      DeadLetterStore store,
      NotificationStore notifications,
      DeadLetterFilter filter,
      int pageSize) {
    this.store = store;
    this.notifications = notifications;
    this.filter = filter;
    this.pageSize = pageSize;
  }

  /**
   * The same scan, starting after {@code cursor} (null: from the newest): a console's next page.
   */
  public DeadLetterScan after(Cursor cursor) {
    DeadLetterScan s = new DeadLetterScan(store, notifications, filter, pageSize);
    s.start = cursor;
    return s;
  }

  /** Where a page that ended at {@code d} would continue. */
  public Cursor cursorAt(DeadLetter d) {
    return store.cursorAt(d);
  }

  @Override
  public void forEach(Predicate<DeadLetter> visitor) {
    List<DeadLetter> named = named();
    if (named != null) {
      boolean started = start == null;
      for (DeadLetter d : named) {
        if (!started) {
          started = store.cursorAt(d).equals(start);
          continue;
        }
        scanned++;
        if (filter.matches(d) && !visitor.test(d)) {
          return;
        }
      }
      return;
    }
    Cursor cursor = start;
    do {
      Page page = store.page(filter.window(), cursor, pageSize);
      scanned += page.scanned() - page.deadLetters().size(); // entries left behind in the index
      for (DeadLetter d : page.deadLetters()) {
        scanned++;
        if (filter.matches(d) && !visitor.test(d)) {
          return;
        }
      }
      cursor = page.next().orElse(null);
    } while (cursor != null);
  }

  /** The dead letters of the named notifications, read once; null when none are named. */
  private List<DeadLetter> named() {
    if (!namedRead) {
      namedRead = true;
      named = filter.notificationIds().isEmpty() ? null : ofNotifications();
    }
    return named;
  }

  /**
   * The dead letters of the named notifications, or null when a record cannot be read: then the
   * index is scanned instead, which shows such dead letters by index (their route ids unknown).
   */
  private List<DeadLetter> ofNotifications() {
    List<DeadLetter> out = new ArrayList<>();
    for (String id : filter.notificationIds()) {
      Optional<NotificationRecord> found;
      try {
        found = notifications.find(id);
      } catch (CorruptRecordException e) {
        return null;
      }
      found.ifPresent(
          record -> {
            for (RouteRecord r : record.routes()) {
              if (r.state() == RouteState.DEAD_LETTER) {
                out.add(DeadLetter.of(record.notification(), r));
              }
            }
          });
    }
    out.sort(Comparator.comparing(DeadLetter::deadSince).reversed());
    return out;
  }

  @Override
  public long scanned() {
    return scanned;
  }

  @Override
  public long total() {
    if (total < 0) {
      total = named() != null ? named().size() : store.count(filter.window());
    }
    return total;
  }
}
