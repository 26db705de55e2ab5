package dev.herald.model;

import dev.herald.domain.NotificationRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A notification an accept step submits, relative to the time of the step.
 *
 * @param recipients how many distinct recipients ({@code u-0}, {@code u-1}, …)
 * @param repeatsFirst the recipient list names {@code u-0} twice (repeats are dropped)
 * @param idempotencyKey null for none
 * @param expiresAfterMs after the send time; null for no expiry
 * @param maxAttempts null for the configured default
 * @param invalid no recipients at all: the intake must reject it and write nothing
 */
record NotificationSpec(
    int recipients,
    boolean repeatsFirst,
    List<String> channels,
    String type,
    String producer,
    String idempotencyKey,
    long sendAfterMs,
    Long expiresAfterMs,
    Integer maxAttempts,
    boolean invalid) {

  static final String PAYLOAD = "{\"turn\":42}";

  List<String> distinctRecipients() {
    List<String> out = new ArrayList<>(recipients);
    for (int i = 0; i < recipients; i++) {
      out.add("u-" + i);
    }
    return out;
  }

  NotificationRequest request(Instant now) {
    List<String> named = new ArrayList<>();
    if (!invalid) {
      named.addAll(distinctRecipients());
      if (repeatsFirst) {
        named.add("u-0");
      }
    }
    Instant sendAt = now.plusMillis(sendAfterMs);
    return NotificationRequest.builder()
        .type(type)
        .producer(producer)
        .idempotencyKey(idempotencyKey)
        .recipients(named)
        .channels(channels)
        .payloadJson(PAYLOAD)
        .sendAt(sendAt)
        .expiresAt(expiresAfterMs == null ? null : sendAt.plusMillis(expiresAfterMs))
        .maxAttempts(maxAttempts)
        .build();
  }

  @Override
  public String toString() {
    if (invalid) {
      return "invalid (no recipients)";
    }
    StringBuilder s = new StringBuilder();
    s.append(recipients).append(repeatsFirst ? "(+repeat)" : "").append("×");
    s.append(String.join("+", channels)).append(' ').append(type);
    if (idempotencyKey != null) {
      s.append(" key ").append(producer).append('/').append(idempotencyKey);
    }
    if (sendAfterMs != 0) {
      s.append(" send ").append(Steps.duration(sendAfterMs));
    }
    if (expiresAfterMs != null) {
      s.append(" expires send").append(Steps.duration(expiresAfterMs));
    }
    if (maxAttempts != null) {
      s.append(" max ").append(maxAttempts);
    }
    return s.toString();
  }
}
