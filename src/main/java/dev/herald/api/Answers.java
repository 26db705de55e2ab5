package dev.herald.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.domain.FieldError;
import dev.herald.intake.SubmitResult;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/** The API's JSON answers: one shape for errors, one per submitted notification. */
final class Answers {

  static final ObjectMapper MAPPER = new ObjectMapper();

  /** How long a client should wait before it submits again when Redis and the spool refused. */
  static final int RETRY_AFTER_SECONDS = 2;

  private Answers() {}

  /** The HTTP status of one submitted notification's outcome. */
  static int status(SubmitResult.Outcome outcome) {
    return switch (outcome) {
      case ACCEPTED -> 201;
      case DUPLICATE -> 200;
      case SPOOLED -> 202;
      case REJECTED -> 400;
      case UNAVAILABLE -> 503;
      // Sent, and no reply: it may be stored. Not 503 ("not done, try again"), which would
      // invite a blind retry under a new id; the body says how to find out.
      case UNKNOWN -> 504;
    };
  }

  static ObjectNode result(SubmitResult r, boolean withIndex) {
    ObjectNode o = MAPPER.createObjectNode();
    if (withIndex) {
      o.put("index", r.index());
    }
    o.put("status", status(r.outcome()));
    o.put("outcome", r.outcome().name().toLowerCase(Locale.ROOT));
    if (r.notificationId() != null) {
      o.put("notification_id", r.notificationId());
    }
    if (!r.errors().isEmpty()) {
      errors(o, r.errors());
    }
    if (r.outcome() == SubmitResult.Outcome.UNKNOWN) {
      o.put(
          "hint",
          "sent to Redis as "
              + r.notificationId()
              + " and no reply came: it may be stored. Look it up (GET /v1/notifications/"
              + r.notificationId()
              + ") before submitting it again without an Idempotency-Key; with one, submitting"
              + " again is safe");
    }
    return o;
  }

  static void errors(ObjectNode o, List<FieldError> errors) {
    ArrayNode list = o.putArray("errors");
    for (FieldError e : errors) {
      list.addObject().put("field", e.field()).put("reason", e.reason());
    }
  }

  /** An answer that is about the request, not a notification: 400, 401, 403, 404, 413, 503. */
  static void error(Context ctx, int status, String field, String reason) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("status", status);
    errors(o, List.of(new FieldError(field, reason)));
    if (status == 503) {
      ctx.header("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
    }
    json(ctx, status, o);
  }

  static void json(Context ctx, int status, Object body) {
    try {
      ctx.status(status).contentType("application/json").result(MAPPER.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
