package dev.herald.outbox;

import java.time.Duration;
import java.util.Optional;

/**
 * One pending row, claimed (locked) by the relay's transaction.
 *
 * @param notificationJson the {@code notification} column as text
 * @param attempts relay attempts so far that reached a decision (Herald unavailable counts)
 * @param earlierAttempt how long ago the earliest recorded attempt that may have reached Herald
 *     began, when one is recorded: a relay handed the row to Herald and did not commit
 */
record OutboxRow(
    long id, String notificationJson, int attempts, Optional<Duration> earlierAttempt) {}
