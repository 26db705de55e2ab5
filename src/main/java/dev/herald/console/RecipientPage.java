package dev.herald.console;

import static dev.herald.console.Html.esc;
import static dev.herald.console.Html.time;

import dev.herald.domain.RouteState;
import dev.herald.store.RecipientLookup;
import dev.herald.store.RouteRecord;
import java.time.Instant;

/**
 * A recipient's notifications, newest first, from the opt-in recipient index ({@code
 * console.recipient-index}); while the index is off, how to turn it on instead of an empty list.
 */
final class RecipientPage {

  static final int LIMIT = 50;

  private final Console console;

  RecipientPage(Console console) {
    this.console = console;
  }

  /** The part of the lookup page below the form. */
  String render(String recipient) {
    if (!console.recipients().enabled()) {
      return "<p class='notice' id=recipient-index-off>Finding notifications by recipient needs the"
          + " recipient index, which is off: set <code>console.recipient-index: true</code> in the"
          + " config of every <code>herald run</code> (and of <code>herald submit</code>) and"
          + " restart them. Notifications accepted from then on can be found here; it costs Redis"
          + " memory for each notification and recipient (see the README, Console).</p>";
    }
    Instant now = console.clock().instant();
    RecipientLookup.Result r =
        RecipientLookup.find(console.recipients(), console.notifications(), recipient, LIMIT);
    StringBuilder b = new StringBuilder();
    b.append("<p id=recipient-summary>")
        .append(r.found().size())
        .append(" notification(s) of recipient <b>")
        .append(esc(recipient))
        .append("</b>, newest first (the index keeps the newest ")
        .append(console.recipients().maxPerRecipient())
        .append(" per recipient")
        .append(r.gone() > 0 ? "; " + r.gone() + " deleted since by the retention" : "")
        .append(")</p>");
    if (r.found().isEmpty()) {
      b.append("<p class=muted>none indexed (accepted before the index was on, or retired)</p>");
      return b.toString();
    }
    b.append("<table id=recipient-notifications><tr><th>accepted<th>notification<th>type")
        .append("<th>producer<th>routes of ")
        .append(esc(recipient))
        .append("</tr>");
    for (RecipientLookup.Found f : r.found()) {
      String id = f.record().notification().id();
      b.append("<tr><td>")
          .append(time(f.entry().acceptedAt(), now))
          .append("<td><a href='/notifications?id=")
          .append(Html.q(id))
          .append("'>")
          .append(esc(id))
          .append("</a><td>")
          .append(esc(f.record().notification().type()))
          .append("<td>")
          .append(esc(f.record().notification().producer()))
          .append("<td>");
      for (RouteRecord route : f.routesOf(recipient)) {
        b.append("<span class='pill ")
            .append(
                route.state() == RouteState.PUBLISHED
                    ? "ok"
                    : route.state() == RouteState.DEAD_LETTER ? "bad" : "warn")
            .append("'>")
            .append(esc(route.routeId().channel()))
            .append(' ')
            .append(esc(route.state().displayName()))
            .append("</span> ");
      }
      b.append("</tr>");
    }
    return b.append("</table>").toString();
  }
}
