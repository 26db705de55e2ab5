package dev.herald.console;

/**
 * A page's content before the frame: its title, the navigation entry it belongs to, and its body.
 *
 * @param live the part that refreshes itself every {@code refreshSeconds} (0: never), or null
 */
record Rendered(String title, String here, String before, String live, int refreshSeconds) {

  static Rendered of(String title, String here, String body) {
    return new Rendered(title, here, body, null, 0);
  }

  /** The body as the frame shows it: the live part wrapped for console.js. */
  String body() {
    if (live == null) {
      return before;
    }
    return before + "<div id=live data-refresh='" + refreshSeconds + "'>" + live + "</div>";
  }
}
