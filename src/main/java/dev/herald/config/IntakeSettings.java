package dev.herald.config;

import java.time.Duration;

/**
 * @param idempotencyWindow how long a producer's idempotency key names its notification
 * @param maxPayloadBytes largest payload accepted, in bytes of JSON
 * @param stream the intents stream producers {@code XADD} to (not prefixed); {@code off}: none is
 *     read
 * @param group the consumer group Herald processes read it with
 * @param batchSize most intents read and accepted per round trip
 * @param claimIdle how long an intent may stay unacknowledged with a consumer before another
 *     process takes it over
 * @param rejectedStream where invalid intents are copied, with the reason (not prefixed)
 * @param rejectedMaxLength its approximate bound ({@code XADD … MAXLEN ~})
 */
public record IntakeSettings(
    Duration idempotencyWindow,
    Integer maxPayloadBytes,
    String stream,
    String group,
    Integer batchSize,
    Duration claimIdle,
    String rejectedStream,
    Long rejectedMaxLength) {

  /** {@code intake.stream: off}: {@code herald run} reads no intents stream. */
  public static final String OFF = "off";

  public IntakeSettings {
    idempotencyWindow = idempotencyWindow == null ? Duration.ofHours(24) : idempotencyWindow;
    maxPayloadBytes = maxPayloadBytes == null ? 65_536 : maxPayloadBytes;
    stream = stream == null ? "herald:intents" : stream;
    group = group == null ? "herald" : group;
    batchSize = batchSize == null ? 200 : batchSize;
    claimIdle = claimIdle == null ? Duration.ofSeconds(30) : claimIdle;
    rejectedStream = rejectedStream == null ? "herald:intents:rejected" : rejectedStream;
    rejectedMaxLength = rejectedMaxLength == null ? 10_000L : rejectedMaxLength;
  }

  /** True unless {@code intake.stream} is {@code off}. */
  public boolean streamEnabled() {
    return !OFF.equals(stream);
  }

  static IntakeSettings defaults() {
    return new IntakeSettings(null, null, null, null, null, null, null, null);
  }
}
