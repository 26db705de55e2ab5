package dev.herald.model;

import dev.herald.domain.RouteState;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.Tuple;

/**
 * The indexes and counters of the namespace: the schedule gives every waiting route a way forward
 * and names nothing else, the dead-letter index holds exactly the dead letters, the stats hashes
 * equal the model's, and no key is there that the model cannot account for.
 */
final class IndexCheck {

  private final RouteModel model;
  private final HeraldUnderTest sut;

  IndexCheck(RouteModel model, HeraldUnderTest sut) {
    this.model = model;
    this.sut = sut;
  }

  /**
   * Every waiting route has a way forward: its group is in the schedule no later than the route is
   * due (or now, when it is overdue, or than the lease on its group runs out); nothing else is in
   * the schedule.
   */
  void check() {
    schedule();
    deadLetters();
    counters();
    keys();
  }

  private void schedule() {
    Map<String, Double> schedule = scores(sut.keys.schedule());
    long now = sut.clock.millis();
    for (String member : schedule.keySet()) {
      int colon = member.lastIndexOf(':');
      ModelNotification n = model.live(member.substring(0, Math.max(colon, 0)));
      Mismatch.check(n != null, "schedule entry %s names no notification the model holds", member);
      int first = Integer.parseInt(member.substring(colon + 1, member.indexOf('-', colon)));
      Mismatch.check(
          n.member(first).equals(member)
              && n.routes.subList(first, Math.min(first + 64, n.routes.size())).stream()
                  .anyMatch(ModelRoute::waiting),
          "schedule entry %s of %s, whose group has nothing waiting",
          member,
          n);
    }
    for (ModelNotification n : model.liveNotifications()) {
      for (ModelRoute r : n.routes) {
        if (!r.waiting()) {
          continue;
        }
        String member = n.member(ModelNotification.groupOf(r.index));
        Double score = schedule.get(member);
        GroupLease lease = n.lease(r.index);
        // Due, overdue (a claim that ran out of budget leaves its group due at once), or held.
        long latest = Math.max(Math.max(r.due, now), lease == null ? r.due : lease.until());
        Mismatch.check(
            score != null && score.longValue() <= latest,
            "%s of %s has no way forward: its group %s is scheduled at %s (due %d, lease %s)",
            r,
            n,
            member,
            score,
            r.due,
            lease);
      }
    }
  }

  /** The dead-letter index holds exactly the dead letters, each since it became one. */
  private void deadLetters() {
    Map<String, Double> stored = scores(sut.keys.deadLetters());
    Map<String, Double> expected = new TreeMap<>();
    for (ModelNotification n : model.liveNotifications()) {
      for (ModelRoute r : n.routes) {
        if (r.state == RouteState.DEAD_LETTER) {
          expected.put(n.id + ":" + r.index, (double) r.endedAt);
        }
      }
    }
    Mismatch.check(
        stored.equals(expected),
        "dead-letter index %s; the model's dead letters %s",
        stored,
        expected);
  }

  /** {@code herald:stats} and the figures by type equal the model's. */
  private void counters() {
    Map<String, Long> stats =
        Tally.nonZero(sut.direct.stats().snapshot(sut.clock.instant(), List.of()).counters());
    Mismatch.check(
        stats.equals(model.stats.nonZero()),
        "stats %s; the model counted %s",
        stats,
        model.stats.nonZero());
    Map<String, Long> figures = new TreeMap<>();
    sut.raw.hgetAll(sut.keys.typeFigures()).forEach((k, v) -> figures.put(k, Long.parseLong(v)));
    Map<String, Long> expected = model.figures();
    Mismatch.check(
        Tally.nonZero(figures).equals(expected),
        "figures by type %s; the model has %s",
        Tally.nonZero(figures),
        expected);
  }

  /** No key of the namespace that the model cannot account for; none it needs is missing. */
  private void keys() {
    String p = sut.keys.prefix();
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      var page = sut.raw.scan(cursor, new ScanParams().match(p + "*").count(1000));
      for (String key : page.getResult()) {
        String why = unaccounted(key.substring(p.length()));
        Mismatch.check(why == null, "key %s is left in the namespace: %s", key, why);
      }
      cursor = page.getCursor();
    } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
    for (RouteModel.Idem idem : model.idempotency.values()) {
      String key = sut.keys.idempotency(idem.producer(), idem.key());
      Mismatch.check(sut.raw.exists(key), "idempotency key %s is missing", key);
    }
  }

  private String unaccounted(String key) {
    switch (key) {
      case "stats", "stats:types", "schedule":
        return null; // the schedule's entries are checked above
      case "format":
        return "4".equals(sut.raw.get(sut.keys.prefix() + key))
            ? null
            : "the stored format is not 4, the one the model's Herald writes";
      case "dead":
        return model.liveNotifications().stream().anyMatch(ModelNotification::hasDeadLetter)
            ? null
            : "no dead letter is left";
      case "retention":
        return model.liveNotifications().stream().anyMatch(n -> n.finishedAt != null)
            ? null
            : "no finished notification waits for its retention";
      default:
        break;
    }
    if (key.startsWith("idem:")) {
      boolean known =
          model.idempotency.values().stream()
              .anyMatch(
                  i -> sut.keys.idempotency(i.producer(), i.key()).equals(sut.keys.prefix() + key));
      return known ? null : "an idempotency key the model never stored";
    }
    if (key.startsWith("n:") || key.startsWith("r:") || key.startsWith("f:")) {
      ModelNotification n = model.live(key.substring(2));
      if (n == null) {
        return model.byId.containsKey(key.substring(2))
            ? "its notification was retired"
            : "no notification the model holds";
      }
      return key.startsWith("f:") && !n.hasFailureHistory() ? "no route of it ever failed" : null;
    }
    return "not a key Herald keeps";
  }

  private Map<String, Double> scores(String key) {
    Map<String, Double> out = new TreeMap<>();
    for (Tuple t : sut.raw.zrangeWithScores(key, 0, -1)) {
      out.put(t.getElement(), t.getScore());
    }
    return out;
  }
}
