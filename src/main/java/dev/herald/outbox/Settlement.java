package dev.herald.outbox;

import java.util.ArrayList;
import java.util.List;

/**
 * What becomes of each row of a claimed batch, written in the batch's transaction: relayed rows are
 * marked (or deleted), rejected and in-doubt ones set aside with their reason, deferred ones left
 * pending with a later next attempt.
 */
final class Settlement {

  final List<Long> relayed = new ArrayList<>();
  final List<String> notificationIds = new ArrayList<>();
  final List<Long> rejected = new ArrayList<>();
  final List<String> rejectedReasons = new ArrayList<>();
  final List<String> rejectedFields = new ArrayList<>();
  final List<Long> inDoubt = new ArrayList<>();
  final List<String> inDoubtReasons = new ArrayList<>();
  final List<Long> deferred = new ArrayList<>();
  String deferredReason;

  /**
   * A row's outcome in Herald is unknown (sent, no reply): the batch's attempt record must outlive
   * this transaction, so that a later relay knows since when the row may be in Herald.
   */
  boolean keepsAttemptRecord;

  int created;
  int duplicates;

  void relayed(long id, String notificationId, boolean created) {
    relayed.add(id);
    notificationIds.add(notificationId);
    if (created) {
      this.created++;
    } else {
      duplicates++;
    }
  }

  /**
   * @param field the first field its reason names, for the metrics
   */
  void rejected(long id, String reason, String field) {
    rejected.add(id);
    rejectedReasons.add(reason);
    rejectedFields.add(field);
  }

  void inDoubt(long id, String reason) {
    inDoubt.add(id);
    inDoubtReasons.add(reason);
  }

  void deferred(long id, String reason) {
    deferred.add(id);
    deferredReason = reason;
  }

  /** Sent, and no reply came: pending again, and the attempt record stays (see above). */
  void unknown(long id, String reason) {
    deferred(id, reason);
    keepsAttemptRecord = true;
  }

  int rows() {
    return relayed.size() + rejected.size() + inDoubt.size() + deferred.size();
  }
}
