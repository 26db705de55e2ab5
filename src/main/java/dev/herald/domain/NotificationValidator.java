package dev.herald.domain;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Checks a {@link NotificationRequest} before anything is written. Reports every problem, each with
 * the field and the reason.
 *
 * <p>Ids (type, producer, recipients, keys) become parts of Redis keys and stream fields, so they
 * must be non-empty, at most {@value #MAX_ID_LENGTH} characters, and free of whitespace and control
 * characters.
 */
public final class NotificationValidator {

  public static final int MAX_ID_LENGTH = 128;
  public static final int MAX_RECIPIENTS = 10_000;
  public static final int MAX_ATTEMPTS_LIMIT = 1000;

  /**
   * Times are stored as epoch milliseconds (Java longs, Lua doubles): ISO-8601 allows years up to
   * 999,999,999, which overflow them. Years 1970 to 9999 is every time a producer means.
   */
  public static final Instant EARLIEST_TIME = Instant.EPOCH;

  public static final Instant LATEST_TIME = Instant.parse("9999-12-31T23:59:59.999Z");

  private final Set<String> channels;
  private final int maxPayloadBytes;

  /**
   * @param channels the configured channel names
   * @param maxPayloadBytes the largest payload accepted, in UTF-8 bytes of its JSON
   */
  public NotificationValidator(Set<String> channels, int maxPayloadBytes) {
    this.channels = Set.copyOf(channels);
    this.maxPayloadBytes = maxPayloadBytes;
  }

  public List<FieldError> validate(NotificationRequest request) {
    List<FieldError> errors = new ArrayList<>();
    requiredId(errors, "type", request.type());
    requiredId(errors, "producer", request.producer());
    optionalId(errors, "idempotency_key", request.idempotencyKey());
    optionalId(errors, "request_id", request.requestId());
    optionalId(errors, "trace_id", request.traceId());
    recipients(errors, request.recipients());
    channels(errors, request.channels());
    payload(errors, request.payloadJson());
    Integer maxAttempts = request.maxAttempts();
    if (maxAttempts != null && (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS_LIMIT)) {
      errors.add(
          new FieldError(
              "max_attempts",
              "must be between 1 and " + MAX_ATTEMPTS_LIMIT + " (was " + maxAttempts + ")"));
    }
    time(errors, "send_at", request.sendAt());
    time(errors, "expires_at", request.expiresAt());
    if (request.expiresAt() != null
        && request.sendAt() != null
        && !request.expiresAt().isAfter(request.sendAt())) {
      errors.add(
          new FieldError(
              "expires_at",
              "must be after send_at (was "
                  + request.expiresAt()
                  + ", send_at "
                  + request.sendAt()
                  + "): no route could ever be published"));
    }
    return errors;
  }

  private static void time(List<FieldError> errors, String field, Instant time) {
    if (time != null && (time.isBefore(EARLIEST_TIME) || time.isAfter(LATEST_TIME))) {
      errors.add(
          new FieldError(
              field,
              "must be between " + EARLIEST_TIME + " and " + LATEST_TIME + " (was " + time + ")"));
    }
  }

  /** Checks a cancel: a notification id, or a producer with its idempotency key. */
  public List<FieldError> validate(CancelRequest request) {
    List<FieldError> errors = new ArrayList<>();
    if (request.notificationId() != null) {
      String id = request.notificationId();
      checkId(errors, "cancel", id);
      if (errors.isEmpty() && !NotificationIds.isId(id)) {
        // Ids become parts of keys: only a real notification id may, so that no cancel can reach
        // another key (another deployment's schedule, say, whose namespace ends in ":r").
        errors.add(
            new FieldError(
                "cancel",
                "is not a notification id: 26 characters of Crockford base32 (digits and letters"
                    + " but I, L, O, U), as herald submit prints them (was '"
                    + printable(id)
                    + "')"));
      }
    } else {
      requiredId(errors, "cancel_idempotency_key", request.idempotencyKey());
      requiredId(errors, "producer", request.producer());
    }
    return errors;
  }

  private void recipients(List<FieldError> errors, List<String> recipients) {
    if (recipients == null) {
      errors.add(new FieldError("recipients", "is required"));
      return;
    }
    if (recipients.isEmpty()) {
      errors.add(new FieldError("recipients", "must not be empty"));
      return;
    }
    if (recipients.size() > MAX_RECIPIENTS) {
      errors.add(
          new FieldError(
              "recipients",
              "must have at most " + MAX_RECIPIENTS + " entries (was " + recipients.size() + ")"));
      return;
    }
    for (int i = 0; i < recipients.size(); i++) {
      requiredId(errors, "recipients[" + i + "]", recipients.get(i));
    }
  }

  private void channels(List<FieldError> errors, List<String> requested) {
    if (requested == null) {
      errors.add(new FieldError("channels", "is required"));
      return;
    }
    if (requested.isEmpty()) {
      errors.add(new FieldError("channels", "must not be empty"));
      return;
    }
    for (int i = 0; i < requested.size(); i++) {
      String channel = requested.get(i);
      if (channel == null) {
        errors.add(new FieldError("channels[" + i + "]", "must not be null"));
      } else if (!channels.contains(channel)) {
        errors.add(
            new FieldError(
                "channels[" + i + "]",
                "unknown channel '"
                    + printable(channel)
                    + "' (configured: "
                    + String.join(", ", new java.util.TreeSet<>(channels))
                    + ")"));
      }
    }
  }

  private void payload(List<FieldError> errors, String payloadJson) {
    if (payloadJson == null) {
      return;
    }
    int bytes = payloadJson.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > maxPayloadBytes) {
      errors.add(
          new FieldError(
              "payload",
              "is "
                  + bytes
                  + " bytes of JSON, more than intake.max-payload-bytes ("
                  + maxPayloadBytes
                  + ")"));
    }
  }

  private static void requiredId(List<FieldError> errors, String field, String value) {
    if (value == null) {
      errors.add(new FieldError(field, "is required"));
    } else {
      checkId(errors, field, value);
    }
  }

  private static void optionalId(List<FieldError> errors, String field, String value) {
    if (value != null) {
      checkId(errors, field, value);
    }
  }

  private static void checkId(List<FieldError> errors, String field, String value) {
    if (value.isEmpty()) {
      errors.add(new FieldError(field, "must not be empty"));
    } else if (value.length() > MAX_ID_LENGTH) {
      errors.add(
          new FieldError(
              field,
              "must be at most " + MAX_ID_LENGTH + " characters (was " + value.length() + ")"));
    } else {
      String problem = idProblem(value);
      if (problem != null) {
        errors.add(new FieldError(field, problem + " ('" + printable(value) + "')"));
      }
    }
  }

  /** Null when the id is acceptable, else what is wrong with it. */
  static String idProblem(String value) {
    if (isPlainAscii(value)) {
      return null;
    }
    for (int i = 0; i < value.length(); ) {
      int cp = value.codePointAt(i);
      if (Character.isISOControl(cp) || cp == 0x7f || Character.getType(cp) == Character.FORMAT) {
        return "contains a control character at position " + i;
      }
      if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
        return "contains whitespace at position " + i;
      }
      if (Character.isSurrogate(value.charAt(i)) && Character.charCount(cp) == 1) {
        return "contains an unpaired surrogate (invalid UTF-16) at position " + i;
      }
      i += Character.charCount(cp);
    }
    return null;
  }

  /** True when every character is printable ASCII other than space: the usual id, checked fast. */
  private static boolean isPlainAscii(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c <= ' ' || c >= 0x7f) {
        return false;
      }
    }
    return true;
  }

  /** Shows control characters escaped so that an error message stays on one line. */
  static String printable(String value) {
    StringBuilder out = new StringBuilder();
    value
        .codePoints()
        .limit(MAX_ID_LENGTH + 8L)
        .forEach(
            cp -> {
              if (Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT) {
                out.append(String.format("\\u%04x", cp));
              } else {
                out.appendCodePoint(cp);
              }
            });
    return out.toString();
  }
}
