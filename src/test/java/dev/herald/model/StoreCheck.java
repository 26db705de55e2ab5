package dev.herald.model;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The invariants, checked after every step: the store says what the model says. Reads go through
 * the public store queries ({@code find}, the stats store) and a few raw reads of the documented
 * keys (README "Redis keys"): the streams, the schedule, the dead-letter index, the retention
 * index, {@code open}, the figures by type, and a scan of the namespace.
 */
final class StoreCheck {

  private final RouteModel model;
  private final HeraldUnderTest sut;
  private final Map<String, String> lastEntry = new HashMap<>();
  private final RouteCheck routes;
  private final IndexCheck indexes;

  StoreCheck(RouteModel model, HeraldUnderTest sut) {
    this.model = model;
    this.sut = sut;
    this.routes = new RouteCheck(model, sut);
    this.indexes = new IndexCheck(model, sut);
  }

  void afterStep() {
    streams();
    routes.check();
    indexes.check();
  }

  /** Each route is appended at most once, and exactly when the model published it. */
  private void streams() {
    for (String stream : sut.streams()) {
      if (!"stream".equals(sut.raw.type(stream))) {
        continue; // broken on purpose (a string), or nothing appended yet
      }
      while (true) {
        String from = lastEntry.containsKey(stream) ? "(" + lastEntry.get(stream) : "-";
        List<StreamEntry> page = sut.raw.xrange(stream, from, "+", 10_000);
        if (page.isEmpty()) {
          break;
        }
        for (StreamEntry e : page) {
          appended(stream, e);
        }
        lastEntry.put(stream, page.get(page.size() - 1).getID().toString());
      }
    }
    Mismatch.check(
        model.appendsThisStep.isEmpty(),
        "published by the model but not in their stream: %s",
        model.appendsThisStep.keySet());
  }

  private void appended(String stream, StreamEntry e) {
    String eventId = e.getFields().get("event_id");
    String entryId = e.getID().toString();
    Mismatch.check(
        !model.appended.containsKey(eventId),
        "route %s appended twice: entries %s and %s of %s",
        eventId,
        model.appended.get(eventId),
        entryId,
        stream);
    ModelRoute r = model.appendsThisStep.remove(eventId);
    Mismatch.check(
        r != null,
        "stream %s got entry %s for %s, which the model did not publish in this step",
        stream,
        entryId,
        eventId);
    String notificationId = eventId.substring(0, eventId.indexOf('/'));
    Mismatch.check(
        stream.equals(HeraldUnderTest.stream(sut.namespace, r.channel))
            && r.routeId().equals(e.getFields().get("route_id"))
            && r.recipient.equals(e.getFields().get("user_id"))
            && notificationId.equals(e.getFields().get("notification_id")),
        "entry %s of %s for %s has fields %s",
        entryId,
        stream,
        eventId,
        e.getFields());
    Mismatch.check(
        r.entryId == null || r.entryId.equals(entryId),
        "%s: the completion reported entry %s, the stream holds %s",
        eventId,
        r.entryId,
        entryId);
    r.entryId = entryId;
    model.appended.put(eventId, entryId);
  }
}
