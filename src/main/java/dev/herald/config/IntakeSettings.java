package dev.herald.config;

import java.time.Duration;

/**
 * @param idempotencyWindow how long a producer's idempotency key names its notification
 * @param maxPayloadBytes largest payload accepted, in bytes of JSON
 */
public record IntakeSettings(Duration idempotencyWindow, Integer maxPayloadBytes) {
  public IntakeSettings {
    idempotencyWindow = idempotencyWindow == null ? Duration.ofHours(24) : idempotencyWindow;
    maxPayloadBytes = maxPayloadBytes == null ? 65_536 : maxPayloadBytes;
  }

  static IntakeSettings defaults() {
    return new IntakeSettings(null, null);
  }
}
