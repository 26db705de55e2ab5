package dev.herald.console;

import static dev.herald.console.Html.card;
import static dev.herald.console.Html.esc;
import static dev.herald.console.Html.number;
import static dev.herald.console.Html.time;

import dev.herald.channel.ChannelActions.ChannelView;
import dev.herald.store.BreakerBoard.StreamBreaker;
import dev.herald.store.IntakeSnapshot;
import dev.herald.store.ProcessBoard.Heartbeat;
import dev.herald.store.RouteFigures;
import dev.herald.store.StoreSnapshot;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The overview: rates and lag drawn over the last minutes, schedule depth and due groups, routes by
 * status, dead letters by classification, streams with their breakers, channels, processes, the
 * intake's backlog and rejects. Refreshes itself every two seconds.
 */
final class OverviewPage {

  private final Console console;
  private final History history;

  OverviewPage(Console console, History history) {
    this.console = console;
    this.history = history;
  }

  Rendered render() {
    history.viewed();
    Instant now = console.clock().instant();
    StoreSnapshot s = console.stats().snapshot(now, console.streams());
    RouteFigures f = console.stats().routeFigures();
    IntakeSnapshot intake = console.intents().snapshot();
    List<StreamBreaker> breakers = console.breakers().read(now);
    List<History.Point> points = history.points();
    double rate = points.isEmpty() ? 0 : points.get(points.size() - 1).publishedPerSecond();
    StringBuilder b = new StringBuilder();
    b.append("<p class=muted>at ").append(time(now, now)).append(", all processes</p>");
    b.append("<div class=grid>")
        .append(card("rate", "published", String.format(Locale.ROOT, "%,.1f", rate), "routes/s"))
        .append(card("lag", "schedule lag", Html.seconds(s.lag(now).toMillis() / 1000.0), null))
        .append(card("groups", "scheduled", number(s.scheduledGroups()), "groups"))
        .append(card("due", "due now", number(s.dueGroups()), "groups"))
        .append(card("pending", "pending", number(f.total("pending")), "routes"))
        .append(card("failed", "failed, to retry", number(f.total("failed")), "routes"))
        .append(card("dead", "dead letters", number(s.deadLetters()), "routes"))
        .append(card("published", "published in all", number(s.counter("published")), "routes"))
        .append("</div>");
    b.append("<h2>Last minutes</h2><div class=charts>")
        .append(chart("published, routes/s", points, History.Point::publishedPerSecond, "/s"))
        .append(chart("schedule lag, seconds", points, History.Point::lagSeconds, " s"))
        .append("</div>");
    b.append("<h2>Dead letters by classification</h2>");
    Map<String, Long> classes = f.deadLettersByClassification(null);
    if (classes.isEmpty()) {
      b.append("<p class=muted>none</p>");
    } else {
      b.append("<table><tr><th>classification<th class=num>dead letters</tr>");
      classes.forEach(
          (name, n) ->
              b.append("<tr><td><a href='/dead-letters?classification=")
                  .append(Html.q(name))
                  .append("'>")
                  .append(esc(name))
                  .append("</a><td class=num>")
                  .append(number(n))
                  .append("</tr>"));
      b.append("</table>");
    }
    b.append(
        "<h2>Streams</h2><table id=streams><tr><th>stream<th class=num>entries<th>breaker</tr>");
    s.streamLengths()
        .forEach(
            (stream, length) -> {
              b.append("<tr><td>").append(esc(stream)).append("<td class=num>");
              b.append(length < 0 ? "<span class=bad>not a stream</span>" : number(length));
              b.append("<td>");
              List<StreamBreaker> open =
                  breakers.stream().filter(x -> x.stream().equals(stream)).toList();
              if (open.isEmpty()) {
                b.append("<span class='pill ok'>closed</span>");
              }
              for (StreamBreaker x : open) {
                b.append("<span class='pill bad'>open</span> since ")
                    .append(time(x.since(), now))
                    .append(" in ")
                    .append(esc(x.process()))
                    .append("<br><span class=muted>")
                    .append(esc(x.reason()))
                    .append("</span><br>");
              }
              b.append("</tr>");
            });
    b.append("</table>");
    channels(b, now);
    processes(b, now);
    b.append("<h2>Intake from ").append(esc(intake.stream())).append("</h2><div class=grid>");
    b.append(card("intake-waiting", "waiting", number(intake.streamLength()), "intents"))
        .append(card("intake-pending", "unacknowledged", number(intake.pending()), "intents"))
        .append(
            card("intake-rejected", "rejected in all", number(intake.rejectedTotal()), "intents"))
        .append(
            card(
                "intake-rejected-kept",
                "rejected, kept",
                number(intake.rejectedLength()),
                "entries"))
        .append("</div>");
    return new Rendered("Overview", "/", "", b.toString(), 2);
  }

  private void channels(StringBuilder b, Instant now) {
    b.append("<h2>Channels</h2><table><tr><th>channel<th>state<th>rate limit</tr>");
    for (ChannelView c : console.channels().list()) {
      b.append("<tr><td>").append(esc(c.name())).append("<td>");
      b.append(
          c.paused()
              ? "<span class='pill warn'>paused</span> " + time(c.pausedSince().get(), now)
              : "<span class='pill ok'>flowing</span>");
      b.append("<td>")
          .append(
              c.rateLimit().isPresent()
                  ? number(c.rateLimit().getAsLong()) + " routes/s (" + esc(c.rateSource()) + ")"
                  : "<span class=muted>none</span>")
          .append("</tr>");
    }
    b.append("</table>");
  }

  private void processes(StringBuilder b, Instant now) {
    List<Heartbeat> beats = console.processes().read(now);
    b.append("<h2>Processes (").append(beats.size()).append(")</h2>");
    b.append("<table><tr><th>host<th class=num>pid<th class=num>routes/s<th>last cycle</tr>");
    for (Heartbeat h : beats) {
      b.append("<tr><td>")
          .append(esc(h.host()))
          .append("<td class=num>")
          .append(h.pid())
          .append("<td class=num>")
          .append(String.format(Locale.ROOT, "%,.1f", h.routesPerSecond()))
          .append("<td>")
          .append(time(h.lastCycle(), now))
          .append("</tr>");
    }
    b.append("</table>");
  }

  /** A line chart of one figure over the sampled minutes, as inline SVG. */
  static String chart(
      String label,
      List<History.Point> points,
      ToDoubleFunction<History.Point> value,
      String unit) {
    double max = 0;
    for (History.Point p : points) {
      max = Math.max(max, value.applyAsDouble(p));
    }
    double top = max <= 0 ? 1 : max * 1.1;
    StringBuilder line = new StringBuilder();
    int n = History.KEPT;
    int offset = n - points.size();
    for (int i = 0; i < points.size(); i++) {
      double x = (offset + i) * 600.0 / (n - 1);
      double y = 100 - value.applyAsDouble(points.get(i)) / top * 85;
      line.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
    }
    return "<svg class=chart viewBox='0 0 600 110' preserveAspectRatio=none role=img aria-label='"
        + esc(label)
        + "'><text x=6 y=14>"
        + esc(label)
        + " · max "
        + String.format(Locale.ROOT, "%,.1f", max)
        + esc(unit)
        + " · 5 min</text><polyline points='"
        + line
        + "'/></svg>";
  }
}
