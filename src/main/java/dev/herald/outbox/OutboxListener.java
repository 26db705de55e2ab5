package dev.herald.outbox;

import java.time.Duration;

/**
 * What the relay tells the outside world (metrics) as it works. Called on relay threads;
 * implementations must be thread-safe and quick. Every method has a no-op default.
 */
public interface OutboxListener {

  OutboxListener NONE = new OutboxListener() {};

  /**
   * Rows handed to Herald and marked relayed (or deleted) in one committed transaction.
   *
   * @param created rows that made a new notification
   * @param duplicates rows whose notification an earlier attempt had already made (a relay that
   *     died between Redis and its commit): nothing new was scheduled for them
   */
  default void onRelayed(int created, int duplicates) {}

  /**
   * One row marked rejected: invalid as a notification.
   *
   * @param field the first field named in the reason, e.g. {@code channels}
   */
  default void onRejected(String field) {}

  /**
   * Rows set aside as in doubt: an earlier attempt may have reached Herald, and its key expired.
   */
  default void onInDoubt(int rows) {}

  /**
   * Rows left pending with a later next attempt, because Herald could not take them (Redis down).
   */
  default void onDeferred(int rows) {}

  /** A batch with rows was settled: claim to commit. */
  default void onBatch(int rows, Duration took) {}

  /** A relay cycle failed as a whole (database or Redis trouble); its rows stay pending. */
  default void onCycleFailed(RuntimeException error) {}

  /**
   * How far behind the relay is: the age of the oldest pending row (zero when there is none), as
   * the database measured it.
   */
  default void onLag(Duration oldestPending) {}

  /** Whether the relay's {@code LISTEN} connection is up (else it relies on polling). */
  default void onListening(boolean listening) {}

  /** Relayed rows deleted by the retention. */
  default void onRetired(int rows) {}
}
