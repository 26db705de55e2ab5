package dev.herald.console;

import static dev.herald.console.Html.esc;
import static dev.herald.console.Html.time;

import dev.herald.store.StatsStore.ScheduleCursor;
import dev.herald.store.StatsStore.SchedulePage;
import dev.herald.store.StatsStore.ScheduledGroup;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What is scheduled, by when a worker is next needed (a group's due time, or when its lease runs
 * out), in a window of time (from, to: UTC, or relative to now), a page at a time; each entry a
 * group of up to 64 routes of a notification.
 */
final class ScheduledPage {

  static final int PAGE = 50;

  /** The presets' labels and their window, as the form would send it. */
  private static final String[][] PRESETS = {
    {"overdue", "", "now"},
    {"next 15 min", "now", "15m"},
    {"next hour", "now", "1h"},
    {"next 24 h", "now", "24h"},
    {"everything", "", ""},
  };

  private final Console console;

  ScheduledPage(Console console) {
    this.console = console;
  }

  Rendered render(Map<String, List<String>> params) {
    Instant now = console.clock().instant();
    String fromText = one(params, "from");
    String toText = one(params, "to");
    TimeWindow window = TimeWindow.parse(fromText, toText, now);
    ScheduleCursor cursor;
    try {
      String at = one(params, "at");
      cursor =
          at.isEmpty()
              ? new ScheduleCursor(window.from().orElse(Instant.EPOCH), 0)
              : new ScheduleCursor(
                  Instant.ofEpochMilli(Long.parseLong(at)),
                  Integer.parseInt(params.getOrDefault("skip", List.of("0")).get(0)));
    } catch (NumberFormatException e) {
      throw new Selection.BadField("at", "is not a page cursor this console wrote");
    }
    SchedulePage page = console.stats().upcoming(cursor, PAGE);
    StringBuilder b = new StringBuilder();
    b.append("<p><a href='/notifications'>Find a notification</a> by id, idempotency key or")
        .append(" recipient.</p>")
        .append("<form class=filters method=get action='/scheduled' id=window>")
        .append("<label>from (UTC)<input name=from id=window-from size=22 value='")
        .append(esc(fromText))
        .append("' placeholder='2026-12-01T13:00, now, -1h'></label>")
        .append("<label>to (UTC)<input name=to id=window-to size=22 value='")
        .append(esc(toText))
        .append("' placeholder='2026-12-01T14:00, 15m'></label>")
        .append("<button class=primary id=apply-window>Show</button> <span class=presets>");
    for (String[] p : PRESETS) {
      b.append("<a class=preset id='preset-")
          .append(p[0].replace(' ', '-'))
          .append("' href='/scheduled?from=")
          .append(Html.q(p[1]))
          .append("&amp;to=")
          .append(Html.q(p[2]))
          .append("'>")
          .append(esc(p[0]))
          .append("</a> ");
    }
    b.append("</span></form><p class=muted id=window-shown>")
        .append(describe(window, now))
        .append("</p>");
    b.append("<table id=scheduled><tr><th>next needs a worker<th>notification<th>routes</tr>");
    boolean ended = false;
    int shown = 0;
    for (ScheduledGroup g : page.groups()) {
      if (window.after(g.dueAt())) {
        ended = true;
        break;
      }
      shown++;
      b.append("<tr><td")
          .append(g.dueAt().isAfter(now) ? ">" : " class=warn>")
          .append(time(g.dueAt(), now))
          .append("<td><a href='/notifications?id=")
          .append(Html.q(g.notificationId()))
          .append("'>")
          .append(esc(g.notificationId()))
          .append("</a><td>")
          .append(g.first())
          .append('–')
          .append(g.last())
          .append(" <span class=muted>(")
          .append(g.last() - g.first() + 1)
          .append(")</span></tr>");
    }
    b.append("</table>");
    if (shown == 0) {
      b.append("<p class=muted id=nothing-scheduled>nothing scheduled in this window</p>");
    }
    if (!ended) {
      // The next page keeps the window as it was resolved now, so that it does not slide.
      String from = window.from().map(Instant::toString).orElse("");
      String to = window.to().map(Instant::toString).orElse("");
      page.next()
          .ifPresent(
              n ->
                  b.append("<p><a id=next-page href='/scheduled?from=")
                      .append(Html.q(from))
                      .append("&amp;to=")
                      .append(Html.q(to))
                      .append("&amp;at=")
                      .append(n.from().toEpochMilli())
                      .append("&amp;skip=")
                      .append(n.skip())
                      .append("'>next ")
                      .append(PAGE)
                      .append(" →</a></p>"));
    }
    return Rendered.of("Scheduled", "/scheduled", b.toString());
  }

  private static String describe(TimeWindow w, Instant now) {
    if (w.from().isEmpty() && w.to().isEmpty()) {
      return "everything scheduled, overdue first";
    }
    return "due "
        + w.from().map(f -> "from " + time(f, now)).orElse("from the most overdue")
        + " "
        + w.to().map(t -> "to " + time(t, now)).orElse("on");
  }

  private static String one(Map<String, List<String>> params, String name) {
    return params.getOrDefault(name, List.of("")).get(0);
  }
}
