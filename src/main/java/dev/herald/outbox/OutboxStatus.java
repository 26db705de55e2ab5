package dev.herald.outbox;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The outbox table as {@code herald outbox status} shows it.
 *
 * @param counts rows by status ({@code pending}, {@code relayed}, {@code rejected}, {@code
 *     in_doubt}), every status present
 * @param pendingDue pending rows due now (the others back off after Redis trouble)
 * @param oldestPendingAt when the oldest pending row was created; null when none is pending
 * @param oldestPendingAge its age by the database's clock; zero when none is pending
 * @param unfinishedAttempts attempt records not forgotten yet: batches in flight, or left by a
 *     relay that died
 * @param held the newest rows waiting for an operator (rejected or in doubt)
 */
public record OutboxStatus(
    String table,
    Map<String, Long> counts,
    long pendingDue,
    Instant oldestPendingAt,
    Duration oldestPendingAge,
    long unfinishedAttempts,
    List<HeldRow> held) {

  public static final List<String> STATUSES = List.of("pending", "relayed", "rejected", "in_doubt");

  public OutboxStatus {
    counts = Map.copyOf(counts);
    held = List.copyOf(held);
  }

  /** A row waiting for an operator. */
  public record HeldRow(
      long id,
      String status,
      Instant createdAt,
      Instant updatedAt,
      int attempts,
      String reason,
      String notification) {}
}
