package dev.herald.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.domain.CancelRequest;
import dev.herald.domain.NotificationIds;
import dev.herald.intake.Intake;
import dev.herald.intake.IntakeSpool.SpoolRefusedException;
import dev.herald.intake.IntakeSpool.SpooledNotification;
import dev.herald.store.CancelResult;
import dev.herald.store.NotificationRecord;
import dev.herald.store.NotificationStore;
import dev.herald.store.StoreOutcomeUnknownException;
import dev.herald.store.StoreUnavailableException;
import io.javalin.http.Context;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * {@code GET /v1/notifications/{id}} (what {@code herald routes show --json} prints) and {@code
 * POST /v1/notifications/{id}/cancel}. A token sees and cancels only its own producer's
 * notifications: another's is answered 404, as if it did not exist.
 *
 * <p>A notification answered 202 and still in the spool is not in Redis: {@code GET} answers 202
 * with what it was accepted with ({@code "status": "spooled"}), and a cancel is appended to the
 * spool behind it and answered 202 ({@code "status": "cancel_spooled"}). The spool is asked first:
 * one the replay stores meanwhile is then found in Redis, never missed between the two.
 */
final class LookupEndpoint {

  private final NotificationStore store;
  private final Intake intake;
  private final IntSupplier defaultMaxAttempts;

  LookupEndpoint(NotificationStore store, Intake intake, IntSupplier defaultMaxAttempts) {
    this.store = store;
    this.intake = intake;
    this.defaultMaxAttempts = defaultMaxAttempts;
  }

  void show(Context ctx, String producer) {
    String id = id(ctx);
    if (id == null) {
      return;
    }
    try {
      Optional<SpooledNotification> spooled = spooled(id, producer);
      if (spooled.isPresent()) {
        ctx.status(202)
            .contentType("application/json")
            .result(
                NotificationView.spooled(
                    spooled.get().notification(),
                    spooled.get().cancelSpooled(),
                    defaultMaxAttempts.getAsInt()));
        return;
      }
      Optional<NotificationRecord> record = visible(id, producer);
      if (record.isEmpty()) {
        notFound(ctx, id);
        return;
      }
      ctx.status(200)
          .contentType("application/json")
          .result(NotificationView.compact(record.get(), defaultMaxAttempts.getAsInt()));
    } catch (StoreUnavailableException e) {
      Answers.error(ctx, 503, "(redis)", e.getMessage());
    }
  }

  void cancel(Context ctx, String producer) {
    String id = id(ctx);
    if (id == null) {
      return;
    }
    try {
      Optional<SpooledNotification> spooled = spooled(id, producer);
      if (spooled.isPresent()) {
        if (!spooled.get().cancelSpooled()) {
          intake.cancelSpooled(spooled.get().notification());
        }
        ObjectNode o = Answers.MAPPER.createObjectNode();
        o.put("notification_id", id);
        o.put("status", "cancel_spooled");
        o.put(
            "hint",
            "the notification is in this Herald's spool, not in Redis yet: the cancel is spooled"
                + " behind it and applied as soon as the replay has stored it");
        Answers.json(ctx, 202, o);
        return;
      }
      if (producer != null && visible(id, producer).isEmpty()) {
        notFound(ctx, id);
        return;
      }
      Optional<CancelResult> result = intake.cancel(CancelRequest.byId(id));
      if (result.isEmpty()) {
        notFound(ctx, id);
        return;
      }
      ObjectNode o = Answers.MAPPER.createObjectNode();
      o.put("notification_id", result.get().notificationId());
      o.put("cancelled", result.get().cancelled());
      o.put("published", result.get().published());
      Answers.json(ctx, 200, o);
    } catch (StoreOutcomeUnknownException e) {
      ObjectNode o = Answers.MAPPER.createObjectNode();
      o.put("status", 504);
      o.put("outcome", "unknown");
      o.put("notification_id", id);
      o.put(
          "hint",
          "Redis did not reply: it may be cancelled. Cancelling again is harmless: send it again");
      Answers.errors(
          o, java.util.List.of(new dev.herald.domain.FieldError("(redis)", e.getMessage())));
      Answers.json(ctx, 504, o);
    } catch (StoreUnavailableException e) {
      Answers.error(ctx, 503, "(redis)", e.getMessage());
    } catch (SpoolRefusedException e) {
      ctx.header("Retry-After", "1");
      Answers.error(ctx, 503, "(spool)", e.getMessage());
    }
  }

  private Optional<SpooledNotification> spooled(String id, String producer) {
    return intake
        .findSpooled(id)
        .filter(s -> producer == null || producer.equals(s.notification().producer()));
  }

  private Optional<NotificationRecord> visible(String id, String producer) {
    return store
        .find(id)
        .filter(r -> producer == null || producer.equals(r.notification().producer()));
  }

  /** The path's notification id, canonical; null (and answered 400) when it is not one. */
  private static String id(Context ctx) {
    String id = ctx.pathParam("id");
    if (!NotificationIds.isId(id)) {
      Answers.error(
          ctx,
          400,
          "id",
          "is not a notification id: 26 characters of Crockford base32, as POST /v1/notifications"
              + " answers them");
      return null;
    }
    return NotificationIds.canonical(id);
  }

  private static void notFound(Context ctx, String id) {
    Answers.error(
        ctx,
        404,
        "id",
        "no notification "
            + id
            + " (never accepted, past its retention, another producer's, or in the spool of another"
            + " Herald, the one that answered 202: herald spool inspect there)");
  }
}
