package dev.herald.domain;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A notification as a producer hands it in, not yet validated. Java callers build one with {@link
 * #builder()}; the JSON form is parsed into one by the intake package.
 *
 * <p>Fields may be null (absent); {@link NotificationValidator} says which are required.
 */
public record NotificationRequest(
    String type,
    String producer,
    String idempotencyKey,
    List<String> recipients,
    List<String> channels,
    String payloadJson,
    String requestId,
    String traceId,
    Instant sendAt,
    Integer maxAttempts,
    Instant expiresAt) {

  public static Builder builder() {
    return new Builder();
  }

  /** Builds the accepted form: assigns the id, fills defaults, drops repeated recipients. */
  public Notification toNotification(String id, Instant now) {
    return new Notification(
        id,
        type,
        producer,
        idempotencyKey,
        distinct(recipients),
        distinct(channels),
        payloadJson == null ? "{}" : payloadJson,
        requestId,
        traceId,
        sendAt == null ? now : sendAt,
        maxAttempts,
        now,
        expiresAt);
  }

  /** The values without repeats, in order of first appearance. */
  static List<String> distinct(List<String> values) {
    if (values.size() <= 16) {
      // The usual case, without a set: a few comparisons each.
      for (int i = 1; i < values.size(); i++) {
        for (int j = 0; j < i; j++) {
          if (values.get(i).equals(values.get(j))) {
            return List.copyOf(new LinkedHashSet<>(values));
          }
        }
      }
      return List.copyOf(values);
    }
    Set<String> seen = new LinkedHashSet<>(values);
    return seen.size() == values.size() ? List.copyOf(values) : List.copyOf(seen);
  }

  /** A fluent way to build a request from Java. */
  public static final class Builder {
    private String type;
    private String producer;
    private String idempotencyKey;
    private List<String> recipients;
    private List<String> channels;
    private String payloadJson;
    private String requestId;
    private String traceId;
    private Instant sendAt;
    private Integer maxAttempts;
    private Instant expiresAt;

    public Builder type(String type) {
      this.type = type;
      return this;
    }

    public Builder producer(String producer) {
      this.producer = producer;
      return this;
    }

    public Builder idempotencyKey(String idempotencyKey) {
      this.idempotencyKey = idempotencyKey;
      return this;
    }

    public Builder recipients(List<String> recipients) {
      this.recipients = recipients;
      return this;
    }

    public Builder recipients(String... recipients) {
      return recipients(List.of(recipients));
    }

    public Builder channels(List<String> channels) {
      this.channels = channels;
      return this;
    }

    public Builder channels(String... channels) {
      return channels(List.of(channels));
    }

    /** The payload as JSON text, e.g. {@code {"turn":42}}. */
    public Builder payloadJson(String payloadJson) {
      this.payloadJson = payloadJson;
      return this;
    }

    public Builder requestId(String requestId) {
      this.requestId = requestId;
      return this;
    }

    public Builder traceId(String traceId) {
      this.traceId = traceId;
      return this;
    }

    public Builder sendAt(Instant sendAt) {
      this.sendAt = sendAt;
      return this;
    }

    public Builder maxAttempts(Integer maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** After this time no route of it is published any more; it ends expired instead. */
    public Builder expiresAt(Instant expiresAt) {
      this.expiresAt = expiresAt;
      return this;
    }

    public NotificationRequest build() {
      return new NotificationRequest(
          type,
          producer,
          idempotencyKey,
          recipients,
          channels,
          payloadJson,
          requestId,
          traceId,
          sendAt,
          maxAttempts,
          expiresAt);
    }
  }
}
