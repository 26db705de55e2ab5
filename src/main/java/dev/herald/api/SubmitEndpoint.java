package dev.herald.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.domain.FieldError;
import dev.herald.domain.NotificationRequest;
import dev.herald.intake.Intake;
import dev.herald.intake.NotificationJson;
import dev.herald.intake.ParsedNotification;
import dev.herald.intake.SubmitResult;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v1/notifications}: one notification object, or an array of them, in the schema of
 * the CLI and the intents stream, through {@link Intake} (with its spool). An object is answered
 * with its own status; an array with the status its items share, or 207 with each item's.
 */
final class SubmitEndpoint {

  static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  private final Intake intake;
  private final long maxBodyBytes;
  private final int maxBatch;
  private final NotificationJson json = new NotificationJson();

  SubmitEndpoint(Intake intake, long maxBodyBytes, int maxBatch) {
    this.intake = intake;
    this.maxBodyBytes = maxBodyBytes;
    this.maxBatch = maxBatch;
  }

  /**
   * @param producer the producer the caller's token is bound to; null when the API has no tokens
   */
  void handle(Context ctx, String producer) {
    long declared = ctx.contentLength();
    if (declared > maxBodyBytes) {
      tooLarge(ctx, declared + " bytes");
      return;
    }
    byte[] body = ctx.bodyAsBytes();
    if (body.length > maxBodyBytes) {
      tooLarge(ctx, body.length + " bytes");
      return;
    }
    boolean array = startsWithBracket(body);
    List<ParsedNotification> parsed = json.parse(body);
    if (!array && parsed.size() > 1) {
      Answers.error(
          ctx,
          400,
          "(input)",
          "must be one JSON object or an array of them (was " + parsed.size() + " values)");
      return;
    }
    if (array && parsed.size() > maxBatch) {
      Answers.error(
          ctx,
          413,
          "(input)",
          "holds "
              + parsed.size()
              + " notifications, more than api.max-batch ("
              + maxBatch
              + "); split it");
      return;
    }
    String key = ctx.header(IDEMPOTENCY_KEY);
    if (key != null && array) {
      Answers.error(
          ctx,
          400,
          IDEMPOTENCY_KEY,
          "names one notification, and the body is an array: give each notification its"
              + " idempotency_key instead");
      return;
    }
    List<ParsedNotification> bound = new ArrayList<>(parsed.size());
    List<String> foreign = new ArrayList<>();
    for (ParsedNotification p : parsed) {
      ParsedNotification b = bind(p, key, producer);
      if (b == null) {
        foreign.add(
            (array ? "notification[" + p.index() + "]" : "notification")
                + " names producer '"
                + p.request().producer()
                + "'");
        continue;
      }
      bound.add(b);
    }
    if (!foreign.isEmpty()) {
      Answers.error(
          ctx,
          403,
          "producer",
          "this token submits as producer '"
              + producer
              + "' only, and "
              + String.join(", ", foreign)
              + "; nothing was submitted");
      return;
    }
    List<SubmitResult> results = intake.submitParsed(bound);
    if (array) {
      answerArray(ctx, results);
    } else {
      answerOne(ctx, results.get(0));
    }
  }

  /**
   * The notification with the header's idempotency key and the token's producer filled in; null
   * when it names another producer than the token's. Its errors stay with it, so that the answer
   * names every problem.
   */
  private static ParsedNotification bind(ParsedNotification p, String key, String producer) {
    NotificationRequest r = p.request();
    if (r == null) {
      return p;
    }
    if (producer != null && r.producer() != null && !r.producer().equals(producer)) {
      return null;
    }
    List<FieldError> errors = p.errors();
    if (key != null && r.idempotencyKey() != null && !r.idempotencyKey().equals(key)) {
      errors = new ArrayList<>(errors);
      errors.add(
          new FieldError(
              "idempotency_key",
              "differs from the " + IDEMPOTENCY_KEY + " header: give one of them, or both equal"));
    }
    if ((producer == null || r.producer() != null) && (key == null || r.idempotencyKey() != null)) {
      return errors == p.errors() ? p : new ParsedNotification(p.index(), r, errors);
    }
    return new ParsedNotification(
        p.index(),
        new NotificationRequest(
            r.type(),
            r.producer() != null ? r.producer() : producer,
            r.idempotencyKey() != null ? r.idempotencyKey() : key,
            r.recipients(),
            r.channels(),
            r.payloadJson(),
            r.requestId(),
            r.traceId(),
            r.sendAt(),
            r.maxAttempts(),
            r.expiresAt()),
        errors);
  }

  private static void answerOne(Context ctx, SubmitResult r) {
    int status = Answers.status(r.outcome());
    headers(ctx, r);
    Answers.json(ctx, status, Answers.result(r, false));
  }

  private static void answerArray(Context ctx, List<SubmitResult> results) {
    ObjectNode body = Answers.MAPPER.createObjectNode();
    ArrayNode list = body.putArray("results");
    int common = -1;
    for (SubmitResult r : results) {
      list.add(Answers.result(r, true));
      int s = Answers.status(r.outcome());
      common = common == -1 || common == s ? s : 207;
      if (r.outcome() == SubmitResult.Outcome.UNAVAILABLE) {
        ctx.header("Retry-After", Integer.toString(Answers.RETRY_AFTER_SECONDS));
      }
    }
    Answers.json(ctx, common, body);
  }

  private static void headers(Context ctx, SubmitResult r) {
    switch (r.outcome()) {
      case ACCEPTED, DUPLICATE, SPOOLED, UNKNOWN ->
          ctx.header("Location", "/v1/notifications/" + r.notificationId());
      case UNAVAILABLE -> ctx.header("Retry-After", Integer.toString(Answers.RETRY_AFTER_SECONDS));
      case REJECTED -> {}
    }
  }

  private void tooLarge(Context ctx, String size) {
    Answers.error(
        ctx,
        413,
        "(input)",
        "is " + size + ", more than api.max-body-bytes (" + maxBodyBytes + ")");
  }

  private static boolean startsWithBracket(byte[] body) {
    for (byte b : body) {
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return b == '[';
      }
    }
    return false;
  }
}
