package dev.herald.console;

/**
 * Who is looking: a signed-in user (with the session's CSRF token for forms) or nobody.
 *
 * @param writable whether anyone may sign in at all
 */
record Viewer(String user, String csrf, boolean writable, String address) {

  boolean signedIn() {
    return user != null;
  }

  /** The form fields a change needs, or a note saying why this viewer cannot make it. */
  String changeForm(String action, String fields, String buttons, String confirm) {
    if (!signedIn()) {
      return writable
          ? "<p class=muted><a href='/sign-in'>Sign in</a> to change this.</p>"
          : "<p class=muted>Read-only: console.users names no one who may change this.</p>";
    }
    return "<form class=inline method=post action='"
        + action
        + "'"
        + (confirm == null ? "" : " data-confirm='" + Html.esc(confirm) + "'")
        + ">"
        + Html.csrf(csrf)
        + fields
        + buttons
        + "</form>";
  }
}
