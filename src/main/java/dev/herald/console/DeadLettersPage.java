package dev.herald.console;

import static dev.herald.console.Html.esc;
import static dev.herald.console.Html.number;
import static dev.herald.console.Html.time;

import dev.herald.deadletter.DeadLetterScan;
import dev.herald.domain.Failure;
import dev.herald.domain.FailureKind;
import dev.herald.domain.Notification;
import dev.herald.store.DeadLetter;
import dev.herald.store.DeadLetterStore.Cursor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Dead letters, newest first, as {@code herald dead-letters list} reads them (the same scan, a page
 * at a time: any number can be paged through), with the list's filters, a selection, and the way to
 * requeue or purge the selection or everything the filters match.
 */
final class DeadLettersPage {

  static final int PAGE = 50;

  private final Console console;

  DeadLettersPage(Console console) {
    this.console = console;
  }

  Rendered render(Map<String, List<String>> params, Viewer viewer) {
    Instant now = console.clock().instant();
    Selection sel = Selection.of(params, now);
    DeadLetterScan scan =
        new DeadLetterScan(console.deadLetters(), console.notifications(), sel.filter())
            .after(cursor(sel.value("after")));
    List<DeadLetter> page = new ArrayList<>();
    boolean[] more = {false};
    scan.forEach(
        d -> {
          if (page.size() == PAGE) {
            more[0] = true;
            return false;
          }
          page.add(d);
          return true;
        });
    StringBuilder b = new StringBuilder();
    filters(b, sel);
    b.append("<p class=muted id=selection>")
        .append(esc(sel.filter().describe()))
        .append(" · ")
        .append(number(console.deadLetters().count(sel.filter().window())))
        .append(" in the index within the time bounds</p>");
    b.append("<form method=get action='/dead-letters/confirm' id=bulk>")
        .append(sel.hidden())
        .append(
            "<p><button name=action value=requeue id=requeue-matching>Requeue all matching…</button> ")
        .append("<button name=action value=purge id=purge-matching>Purge all matching…</button> ")
        .append("<span class=muted>the next page shows how many, and asks</span></p></form>");
    b.append("<form method=get action='/dead-letters/confirm' id=selected>");
    b.append(
            "<table id=dead-letters><tr><th><input type=checkbox id=select-all title='all on this page'>")
        .append(
            "<th>dead since<th>route<th>type<th>producer<th class=num>attempts<th>last failure</tr>");
    for (DeadLetter d : page) {
      Notification n = d.notification();
      Failure last = d.lastFailure();
      b.append("<tr><td><input type=checkbox name=ref value='")
          .append(esc(d.ref()))
          .append("'><td>")
          .append(time(d.deadSince(), now))
          .append("<td><a href='/dead-letters/route?ref=")
          .append(Html.q(d.ref()))
          .append("'>")
          .append(esc(d.ref()))
          .append("</a><td>")
          .append(esc(n == null ? "-" : n.type()))
          .append("<td>")
          .append(esc(n == null ? "-" : n.producer()))
          .append("<td class=num>")
          .append(d.attempts())
          .append(n == null ? "" : "/" + n.maxAttemptsOr(console.defaultMaxAttempts()))
          .append("<td>")
          .append(
              n == null
                  ? "<span class=bad>notification unreadable: " + esc(d.corruption()) + "</span>"
                  : last == null
                      ? "<span class=muted>none recorded</span>"
                      : "<b>" + esc(last.kind().wireName()) + "</b> " + esc(last.message()))
          .append("</tr>");
    }
    b.append("</table>");
    if (page.isEmpty()) {
      b.append("<p class=muted>no dead letters match</p>");
    } else {
      b.append(
              "<p><button name=action value=requeue id=requeue-selected>Requeue selected…</button> ")
          .append("<button name=action value=purge id=purge-selected>Purge selected…</button></p>");
    }
    b.append("</form>");
    if (more[0]) {
      Cursor c = scan.cursorAt(page.get(page.size() - 1));
      b.append("<p><a id=next-page href='/dead-letters?after=")
          .append(Html.q(c.deadSince().toEpochMilli() + "~" + c.position()))
          .append(sel.query())
          .append("'>next ")
          .append(PAGE)
          .append(" →</a></p>");
    }
    return Rendered.of("Dead letters", "/dead-letters", b.toString());
  }

  private static void filters(StringBuilder b, Selection sel) {
    b.append("<form class=filters method=get action='/dead-letters'>");
    for (String name : List.of("type", "channel", "producer", "notification")) {
      b.append("<label>")
          .append(name)
          .append("<input name=")
          .append(name)
          .append(" value='")
          .append(esc(sel.value(name)))
          .append("' size=14></label>");
    }
    b.append("<label>classification<select name=classification><option value=''>any</option>");
    for (FailureKind k : FailureKind.values()) {
      b.append("<option")
          .append(k.wireName().equals(sel.value("classification")) ? " selected" : "")
          .append(">")
          .append(k.wireName())
          .append("</option>");
    }
    b.append("</select></label>");
    for (String name : List.of("since", "until")) {
      b.append("<label>dead ")
          .append(name)
          .append("<input name=")
          .append(name)
          .append(" value='")
          .append(esc(sel.value(name)))
          .append("' size=12 placeholder='2h or ISO-8601'></label>");
    }
    b.append(
        "<button class=primary id=apply-filters>Filter</button> <a href='/dead-letters'>clear</a></form>");
  }

  /**
   * A cursor as the next-page link writes it, {@code <dead since ms>~<position>}; null for none.
   */
  static Cursor cursor(String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    int tilde = text.indexOf('~');
    try {
      return new Cursor(
          Instant.ofEpochMilli(Long.parseLong(text.substring(0, tilde))),
          text.substring(tilde + 1));
    } catch (RuntimeException e) {
      throw new Selection.BadField("after", "is not a page cursor this console wrote");
    }
  }
}
