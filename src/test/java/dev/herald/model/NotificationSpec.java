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

  /** The notification as an intent of the intents stream: its JSON, as a producer writes it. */
  String intentJson(Instant now) {
    List<String> named = new ArrayList<>();
    if (!invalid) {
      named.addAll(distinctRecipients());
      if (repeatsFirst) {
        named.add("u-0");
      }
    }
    Instant sendAt = now.plusMillis(sendAfterMs);
    StringBuilder json = new StringBuilder("{\"type\":\"").append(type).append('"');
    json.append(",\"producer\":\"").append(producer).append('"');
    if (idempotencyKey != null) {
      json.append(",\"idempotency_key\":\"").append(idempotencyKey).append('"');
    }
    json.append(",\"recipients\":[");
    for (int i = 0; i < named.size(); i++) {
      json.append(i == 0 ? "\"" : ",\"").append(named.get(i)).append('"');
    }
    json.append("],\"channels\":[\"").append(String.join("\",\"", channels)).append("\"]");
    json.append(",\"payload\":").append(PAYLOAD);
    json.append(",\"send_at\":\"").append(sendAt).append('"');
    if (expiresAfterMs != null) {
      json.append(",\"expires_at\":\"").append(sendAt.plusMillis(expiresAfterMs)).append('"');
    }
    if (maxAttempts != null) {
      json.append(",\"max_attempts\":").append(maxAttempts);
    }
    return json.append('}').toString();
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
