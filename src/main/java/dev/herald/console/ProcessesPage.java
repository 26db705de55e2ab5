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
        .append("<th>started<th>last cycle<th class=num>published<th>process</tr>");
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
          .append("<span class=unit> routes/s</span><td class=muted>")
          .append(esc(h.process()))
          .append("</tr>");
    }
    b.append("</table>");
    return new Rendered("Processes", "/processes", "", b.toString(), 5);
  }
}
