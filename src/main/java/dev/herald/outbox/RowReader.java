package dev.herald.outbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.domain.FieldError;
import dev.herald.domain.NotificationRequest;
import dev.herald.domain.NotificationValidator;
import dev.herald.intake.NotificationJson;
import dev.herald.intake.ParsedNotification;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Reads an outbox row's {@code notification} as a notification request, with the relay's
 * idempotency key: {@code outbox:<source>:<row id>}, scoped by the row's producer as every key is.
 * The row may not carry a key of its own: one key per row is what makes the relay exactly-once.
 */
final class RowReader {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final NotificationJson json = new NotificationJson();
  private final String keyPrefix;
  private final Supplier<NotificationValidator> validator;

  /**
   * @param source names the database and table, so that two outboxes relayed into one namespace
   *     never share keys
   * @param validator the intake's rules, for the reasons of a row refused for its own key
   */
  RowReader(String source, Supplier<NotificationValidator> validator) {
    this.keyPrefix = "outbox:" + source + ":";
    this.validator = validator;
  }

  /** The key of a row: the same on every attempt, by any relay. */
  String idempotencyKey(long rowId) {
    return keyPrefix + rowId;
  }

  /** A request ready for the intake, or every reason the row cannot be one. */
  record Read(NotificationRequest request, List<FieldError> errors) {}

  Read read(OutboxRow row) {
    JsonNode node;
    try {
      node = MAPPER.readTree(row.notificationJson());
    } catch (IOException e) {
      return new Read(null, List.of(new FieldError("(json)", "malformed JSON: " + e)));
    }
    ParsedNotification parsed = json.read(0, node);
    if (!parsed.errors().isEmpty()) {
      return new Read(null, parsed.problems(validator.get()));
    }
    NotificationRequest keyed = withKey(parsed.request(), row.id());
    if (parsed.request().idempotencyKey() != null) {
      // Refused, but with every other reason the intake would give, so that one fix does it.
      List<FieldError> errors = new ArrayList<>();
      errors.add(
          new FieldError(
              "idempotency_key",
              "is set by the relay (to the row's id, "
                  + idempotencyKey(row.id())
                  + "); leave it out of outbox rows"));
      errors.addAll(validator.get().validate(keyed));
      return new Read(null, errors);
    }
    return new Read(keyed, List.of());
  }

  private NotificationRequest withKey(NotificationRequest r, long rowId) {
    return new NotificationRequest(
        r.type(),
        r.producer(),
        idempotencyKey(rowId),
        r.recipients(),
        r.channels(),
        r.payloadJson(),
        r.requestId(),
        r.traceId(),
        r.sendAt(),
        r.maxAttempts(),
        r.expiresAt());
  }

  /** Every error, as one line for {@code last_error}: {@code field: reason; field: reason}. */
  static String reason(List<FieldError> errors) {
    StringBuilder out = new StringBuilder();
    for (FieldError e : errors) {
      String next = (out.length() == 0 ? "" : "; ") + e;
      if (out.length() + next.length() > MAX_REASON_CHARS) {
        out.append(out.length() == 0 ? next.substring(0, MAX_REASON_CHARS) : "; …");
        break;
      }
      out.append(next);
    }
    return out.toString();
  }

  private static final int MAX_REASON_CHARS = 2_000;
}
