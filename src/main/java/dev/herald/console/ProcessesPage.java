package dev.herald.console;

import static dev.herald.console.Html.esc;
import static dev.herald.console.Html.time;

import dev.herald.store.ProcessBoard.Heartbeat;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** Every running Herald process, from the heartbeat each keeps in Redis (as herald processes). */
final class ProcessesPage {

  private final Console console;

  ProcessesPage(Console console) {
    this.console = console;
  }

  Rendered render() {
    Instant now = console.clock().instant();
    List<Heartbeat> beats = console.processes().read(now);
    StringBuilder b = new StringBuilder();
    b.append("<p class=muted><span id=process-count>")
        .append(beats.size())
        .append("</span> running; each reports every 5 s, and one silent for 15 s is left out.</p>")
        .append("<table id=processes><tr><th>host<th class=num>pid<th>version<th class=num>workers")
        .append("<th>started<th>last cycle<th class=num>published<th>reads<th>process</tr>");
    for (Heartbeat h : beats) {
      b.append("<tr><td>")
          .append(esc(h.host()))
          .append("<td class=num>")
          .append(h.pid())
          .append("<td>")
          .append(esc(h.version()))
          .append("<td class=num>")
          .append(h.workers())
          .append("<td>")
          .append(time(h.started(), now))
          .append("<td>")
          .append(time(h.lastCycle(), now))
          .append("<td class=num>")
          .append(String.format(Locale.ROOT, "%,.1f", h.routesPerSecond()))
          .append("<span class=unit> routes/s</span><td>up to format ")
          .append(h.formats())
          .append("<td class=muted>")
          .append(esc(h.process()))
          .append("</tr>");
    }
    b.append("</table>");
    // During a rolling upgrade: why new notifications are stored as they are (herald processes).
    b.append("<p id=stored-format>")
        .append("Stored format <span id=stored-format-number>")
        .append(console.processes().storedFormat())
        .append("</span>: new notifications are stored in it, and in a newer one only once every")
        .append(" running process reads it (the reads column).</p>");
    return new Rendered("Processes", "/processes", "", b.toString(), 5);
  }
}
