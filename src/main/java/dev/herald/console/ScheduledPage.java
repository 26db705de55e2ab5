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
 * out), from a time on, a page at a time; each entry a group of up to 64 routes of a notification.
 */
final class ScheduledPage {

  static final int PAGE = 50;

  private final Console console;

  ScheduledPage(Console console) {
    this.console = console;
  }

  Rendered render(Map<String, List<String>> params) {
    Instant now = console.clock().instant();
    String from = params.getOrDefault("from", List.of("")).get(0);
    String skip = params.getOrDefault("skip", List.of("0")).get(0);
    ScheduleCursor cursor;
    try {
      cursor =
          new ScheduleCursor(
              from.isEmpty() ? Instant.EPOCH : Instant.ofEpochMilli(Long.parseLong(from)),
              Integer.parseInt(skip));
    } catch (NumberFormatException e) {
      throw new Selection.BadField("from", "is not a page cursor this console wrote");
    }
    SchedulePage page = console.stats().upcoming(cursor, PAGE);
    StringBuilder b = new StringBuilder();
    b.append("<p><a href='/notifications'>Find a notification</a> by id or idempotency key.</p>");
    b.append("<table id=scheduled><tr><th>next needs a worker<th>notification<th>routes</tr>");
    for (ScheduledGroup g : page.groups()) {
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
    if (page.groups().isEmpty()) {
      b.append("<p class=muted>nothing scheduled</p>");
    }
    page.next()
        .ifPresent(
            n ->
                b.append("<p><a id=next-page href='/scheduled?from=")
                    .append(n.from().toEpochMilli())
                    .append("&skip=")
                    .append(n.skip())
                    .append("'>next ")
                    .append(PAGE)
                    .append(" →</a></p>"));
    return Rendered.of("Scheduled", "/scheduled", b.toString());
  }
}
