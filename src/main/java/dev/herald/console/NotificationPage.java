package dev.herald.console;

import static dev.herald.console.Html.esc;
import static dev.herald.console.Html.time;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.domain.Failure;
import dev.herald.domain.Notification;
import dev.herald.domain.RouteRef;
import dev.herald.domain.RouteState;
import dev.herald.store.NotificationRecord;
import dev.herald.store.RouteRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One notification as {@code herald routes show} and {@code dead-letters show} read it: every route
 * with its status, attempts, next attempt, publish time and stream entry id; one route's failed
 * attempts; the payload. Found by id, by producer and idempotency key, or (a list) by recipient.
 */
final class NotificationPage {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Console console;
  private final RecipientPage recipients;

  NotificationPage(Console console) {
    this.console = console;
    this.recipients = new RecipientPage(console);
  }

  /** The lookup form and, when it names one, the notification. */
  Rendered find(Map<String, List<String>> params, Viewer viewer) {
    String id = first(params, "id");
    String producer = first(params, "producer");
    String key = first(params, "idempotency_key");
    String recipient = first(params, "recipient");
    StringBuilder b = new StringBuilder();
    b.append("<form class=filters method=get action='/notifications'>")
        .append("<label>notification id<input name=id size=28 value='")
        .append(esc(id))
        .append("'></label><span class=muted>or</span><label>producer<input name=producer value='")
        .append(esc(producer))
        .append("'></label><label>idempotency key<input name=idempotency_key value='")
        .append(esc(key))
        .append("'></label><span class=muted>or</span><label>recipient<input name=recipient")
        .append(" id=recipient value='")
        .append(esc(recipient))
        .append("'></label><button class=primary id=find>Find</button></form>");
    if (id.isEmpty() && !recipient.isEmpty()) {
      b.append(recipients.render(recipient));
      return Rendered.of("Notifications of " + recipient, "/scheduled", b.toString());
    }
    if (id.isEmpty() && !producer.isEmpty() && !key.isEmpty()) {
      Optional<String> found = console.notifications().findIdByIdempotencyKey(producer, key);
      if (found.isEmpty()) {
        b.append("<p class='notice bad'>no notification of producer ")
            .append(esc(producer))
            .append(" has idempotency key ")
            .append(esc(key))
            .append(" within the idempotency window</p>");
        return Rendered.of("Find a notification", "/scheduled", b.toString());
      }
      id = found.get();
    }
    if (id.isEmpty()) {
      return Rendered.of("Find a notification", "/scheduled", b.toString());
    }
    return show(id, null, b.toString());
  }

  /** A dead letter's page: its notification, with this route's failed attempts. */
  Rendered route(String refText) {
    RouteRef ref;
    try {
      ref = RouteRef.parse(refText);
    } catch (IllegalArgumentException e) {
      throw new Selection.BadField("ref", e.getMessage());
    }
    return show(ref.notificationId(), ref, "");
  }

  private Rendered show(String id, RouteRef ref, String before) {
    Instant now = console.clock().instant();
    Optional<NotificationRecord> found = console.notifications().find(id);
    StringBuilder b = new StringBuilder(before);
    if (found.isEmpty()) {
      b.append("<p class='notice bad'>no notification ")
          .append(esc(id))
          .append(" (it may have passed its retention)</p>");
      return Rendered.of("Notification " + id, "/scheduled", b.toString());
    }
    Notification n = found.get().notification();
    int max = n.maxAttemptsOr(console.defaultMaxAttempts());
    b.append("<table><tr><th>type<td>")
        .append(esc(n.type()))
        .append("<tr><th>producer<td>")
        .append(esc(n.producer()))
        .append("<tr><th>idempotency key<td>")
        .append(esc(n.idempotencyKey()))
        .append("<tr><th>accepted<td>")
        .append(time(n.acceptedAt(), now))
        .append("<tr><th>send at<td>")
        .append(time(n.sendAt(), now))
        .append("<tr><th>expires at<td>")
        .append(time(n.expiresAt(), now))
        .append("<tr><th>max attempts<td>")
        .append(max)
        .append("<tr><th>request / trace<td>")
        .append(esc(n.requestId()))
        .append(" / ")
        .append(esc(n.traceId()))
        .append("</table>");
    RouteRecord chosen = null;
    b.append("<h2>Routes</h2><table id=routes><tr><th>route<th>status<th class=num>attempts")
        .append("<th>next attempt<th>published<th>stream entry</tr>");
    for (RouteRecord r : found.get().routes()) {
      boolean here = ref != null && ref.routeId().equals(r.routeId());
      if (here) {
        chosen = r;
      }
      String state = r.state().displayName();
      b.append(here ? "<tr class=here>" : "<tr>")
          .append("<td>")
          .append(
              r.state() == RouteState.DEAD_LETTER && !here
                  ? "<a href='/dead-letters/route?ref="
                      + Html.q(n.ref(r.index()).toString())
                      + "'>"
                      + esc(r.routeId())
                      + "</a>"
                  : esc(r.routeId()))
          .append("<td><span class='pill ")
          .append(
              r.state() == RouteState.PUBLISHED
                  ? "ok"
                  : r.state() == RouteState.DEAD_LETTER ? "bad" : "warn")
          .append("'>")
          .append(esc(state))
          .append("</span><td class=num>")
          .append(r.attempts())
          .append('/')
          .append(max)
          .append("<td>")
          .append(time(r.nextAttemptAt(), now))
          .append("<td>")
          .append(time(r.publishedAt(), now))
          .append("<td>")
          .append(esc(r.entryId() == null ? "-" : r.entryId()))
          .append("</tr>");
    }
    b.append("</table>");
    if (chosen != null) {
      b.append("<h2>Failed attempts of ").append(esc(ref.routeId())).append(", oldest first</h2>");
      if (chosen.failures().isEmpty()) {
        b.append("<p class=muted>none</p>");
      } else {
        b.append(
            "<table id=failures><tr><th class=num>attempt<th>at<th>classification<th>message</tr>");
        for (Failure f : chosen.failures()) {
          b.append("<tr><td class=num>")
              .append(f.attempt())
              .append("<td>")
              .append(time(f.at(), now))
              .append("<td>")
              .append(esc(f.kind().wireName()))
              .append("<td>")
              .append(esc(f.message()))
              .append("</tr>");
        }
        b.append("</table>");
      }
      if (chosen.state() == RouteState.DEAD_LETTER) {
        String q = "ref=" + Html.q(ref.toString());
        b.append("<p><a href='/dead-letters/confirm?action=requeue&")
            .append(q)
            .append(
                "' id=requeue-one>Requeue this route…</a> · <a href='/dead-letters/confirm?action=purge&")
            .append(q)
            .append("'>Purge this route…</a></p>");
      }
    }
    b.append("<h2>Payload</h2><pre id=payload>")
        .append(esc(pretty(n.payloadJson())))
        .append("</pre>");
    return Rendered.of("Notification " + id, "/scheduled", b.toString());
  }

  private static String pretty(String json) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(json));
    } catch (Exception e) {
      return json;
    }
  }

  private static String first(Map<String, List<String>> params, String name) {
    return params.getOrDefault(name, List.of("")).get(0).strip();
  }
}
