package dev.herald.console;

import static dev.herald.console.Html.esc;
import static dev.herald.console.Html.number;
import static dev.herald.console.Html.time;

import dev.herald.channel.ChannelActions.ChannelView;
import java.time.Instant;

/** The channels, each with its state and rate limit, and the forms that change them. */
final class ChannelsPage {

  private final Console console;

  ChannelsPage(Console console) {
    this.console = console;
  }

  Rendered render(Viewer viewer) {
    Instant now = console.clock().instant();
    StringBuilder b = new StringBuilder();
    b.append("<p class=muted>A paused channel's routes are not claimed, so they are charged")
        .append(" nothing, until it is resumed (every process obeys at its next claim; a resumed")
        .append(" channel's routes go out within a second). A rate limit caps the routes/s")
        .append(" claimed for a channel across all processes; one set here wins over")
        .append(" the config's channels.&lt;name&gt;.rate-limit until cleared.</p>");
    b.append("<table id=channels><tr><th>channel<th>stream<th>state<th>rate limit<th></tr>");
    for (ChannelView c : console.channels().list()) {
      String name = esc(c.name());
      b.append("<tr id='channel-").append(name).append("'><td>").append(name);
      b.append("<td>").append(esc(c.stream())).append("<td class=state>");
      if (c.paused()) {
        b.append("<span class='pill warn'>paused</span> since ")
            .append(time(c.pausedSince().get(), now))
            .append(c.pausedBy() == null ? "" : " by " + esc(c.pausedBy()));
      } else {
        b.append("<span class='pill ok'>flowing</span>");
      }
      b.append("<td class=rate>")
          .append(
              c.rateLimit().isPresent()
                  ? number(c.rateLimit().getAsLong()) + " routes/s (" + esc(c.rateSource()) + ")"
                  : "<span class=muted>none</span>")
          .append("<td>");
      String field = "<input type=hidden name=channel value='" + name + "'>";
      b.append(
          c.paused()
              ? viewer.changeForm(
                  "/channels/resume",
                  field,
                  "<button id='resume-" + name + "'>Resume</button>",
                  null)
              : viewer.changeForm(
                  "/channels/pause",
                  field,
                  "<button id='pause-" + name + "'>Pause</button>",
                  "Pause " + c.name() + "? Its routes wait until it is resumed."));
      if (viewer.signedIn()) {
        b.append(" ")
            .append(
                viewer.changeForm(
                    "/channels/limit",
                    field + "<input name=rate size=7 placeholder=routes/s id='rate-" + name + "'>",
                    " <button id='limit-"
                        + name
                        + "'>Set limit</button>"
                        + " <button name=clear value=1 id='clear-"
                        + name
                        + "'>Clear</button>",
                    null));
      }
      b.append("</tr>");
    }
    b.append("</table>");
    return new Rendered("Channels", "/channels", "", b.toString(), 5);
  }
}
