package dev.herald.console;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The console's HTML: escaping, the page frame, and figures with their units. */
final class Html {

  private static final DateTimeFormatter UTC =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  private static final String[][] NAV = {
    {"/", "Overview"},
    {"/dead-letters", "Dead letters"},
    {"/scheduled", "Scheduled"},
    {"/channels", "Channels"},
    {"/processes", "Processes"},
  };

  private Html() {}

  static String esc(Object value) {
    if (value == null) {
      return "";
    }
    String s = value.toString();
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /** A URL query value. */
  static String q(String value) {
    return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * A whole page.
   *
   * @param here the path of the navigation entry to mark
   * @param user who is signed in, or null
   * @param writable whether anyone may sign in at all
   */
  static String page(String title, String here, String user, boolean writable, String body) {
    StringBuilder b = new StringBuilder(body.length() + 2048);
    b.append("<!doctype html><html lang=en><head><meta charset=utf-8>")
        .append("<meta name=viewport content='width=device-width, initial-scale=1'>")
        .append("<meta name=color-scheme content='light dark'>")
        .append("<title>")
        .append(esc(title))
        .append(" · Herald</title><link rel=stylesheet href='/static/console.css'></head><body>")
        .append("<header><span class=brand>Herald</span><nav>");
    for (String[] n : NAV) {
      b.append("<a href='")
          .append(n[0])
          .append("'")
          .append(n[0].equals(here) ? " class=here" : "")
          .append(">")
          .append(n[1])
          .append("</a>");
    }
    b.append("</nav><span class=who>");
    if (user != null) {
      b.append("signed in as <b id=user>")
          .append(esc(user))
          .append("</b> · <a href='/sign-out'>sign out</a>");
    } else if (writable) {
      b.append("read-only · <a href='/sign-in'>sign in to make changes</a>");
    } else {
      b.append("read-only (console.users names no one)");
    }
    b.append("</span></header><main><h1>")
        .append(esc(title))
        .append("</h1>")
        .append(body)
        .append("</main><script src='/static/console.js'></script></body></html>");
    return b.toString();
  }

  /** A time in UTC and how long ago (or ahead) it is. */
  static String time(Instant t, Instant now) {
    if (t == null) {
      return "<span class=muted>-</span>";
    }
    return "<time datetime='"
        + t
        + "'>"
        + UTC.format(t)
        + "</time><span class=rel>"
        + relative(t, now)
        + "</span>";
  }

  /** {@code 3 min ago}, {@code in 12 s}. */
  static String relative(Instant t, Instant now) {
    Duration d = Duration.between(t, now);
    boolean past = !d.isNegative();
    String span = span(d.abs());
    return past ? span + " ago" : "in " + span;
  }

  /** {@code 12 s}, {@code 4 min}, {@code 2 h 5 min}, {@code 3 d 4 h}. */
  static String span(Duration d) {
    long s = d.toSeconds();
    if (s < 60) {
      return s + " s";
    }
    if (s < 3600) {
      return s / 60 + " min";
    }
    if (s < 86_400) {
      return s / 3600 + " h " + s % 3600 / 60 + " min";
    }
    return s / 86_400 + " d " + s % 86_400 / 3600 + " h";
  }

  static String number(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** A figure card: label, value, unit. */
  static String card(String id, String label, String value, String unit) {
    return "<div class=card><div class=label>"
        + esc(label)
        + "</div><div class=value id='"
        + id
        + "'>"
        + esc(value)
        + (unit == null ? "" : "<span class=unit>" + esc(unit) + "</span>")
        + "</div></div>";
  }

  /** Seconds with a unit that reads at a glance: {@code 12 ms}, {@code 3.4 s}, {@code 5 min}. */
  static String seconds(double s) {
    if (s < 1) {
      return String.format(Locale.ROOT, "%.0f ms", s * 1000);
    }
    if (s < 60) {
      return String.format(Locale.ROOT, "%.1f s", s);
    }
    return span(Duration.ofMillis((long) (s * 1000)));
  }

  /** A hidden CSRF field, for a form that changes something. */
  static String csrf(String token) {
    return "<input type=hidden name=csrf value='" + esc(token) + "'>";
  }
}
