package dev.herald.outbox;

import dev.herald.config.PostgresSourceSettings;
import java.time.Duration;

/**
 * What one relay cycle reads from the configuration.
 *
 * @param batchSize most rows per transaction
 * @param idempotencyWindow how long Herald remembers a row's key: a row whose earliest unfinished
 *     attempt is older than half of it is in doubt
 * @param holdLimit how long the server lets a session idle in a transaction; a batch older than
 *     half of it is not handed to Herald
 */
record RelaySettings(int batchSize, Duration idempotencyWindow, Duration holdLimit) {

  static RelaySettings of(PostgresSourceSettings s) {
    return new RelaySettings(s.batchSize(), s.idempotencyWindow(), OutboxDatabase.HOLD_LIMIT);
  }
}
