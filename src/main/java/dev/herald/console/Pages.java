package dev.herald.console;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How every console request is answered: a page in the frame (or only its live part, for
 * console.js), a change refused with 403 unless it comes from this site, from a signed-in user,
 * with the session's CSRF token, and errors as pages.
 */
final class Pages {

  private static final Logger LOG = LoggerFactory.getLogger(Pages.class);

  private final Sessions sessions;

  Pages(Sessions sessions) {
    this.sessions = sessions;
  }

  interface PageHandler {
    Rendered render(Context ctx, Viewer viewer) throws Exception;
  }

  interface ChangeHandler {
    void handle(Context ctx, Viewer viewer, Map<String, List<String>> form) throws Exception;
  }

  Handler page(PageHandler handler) {
    return ctx -> {
      Viewer v = viewer(ctx).orElse(new Viewer(null, null, sessions.writable(), ctx.ip()));
      Rendered r = handler.render(ctx, v);
      if ("live".equals(ctx.header("X-Fragment")) && r.live() != null) {
        headers(ctx);
        ctx.contentType("text/html; charset=utf-8").result(r.live());
        return;
      }
      frame(ctx, r, v.user());
    };
  }

  /**
   * A change: refused with 403 unless the request comes from this site, from a signed-in user, with
   * the session's CSRF token.
   */
  Handler change(ChangeHandler handler) {
    return ctx -> {
      if (!sameOrigin(ctx)) {
        refuse(
            ctx, null, "the request comes from another site (Origin " + ctx.header("Origin") + ")");
        return;
      }
      Optional<Viewer> v = viewer(ctx);
      if (v.isEmpty()) {
        refuse(
            ctx,
            null,
            sessions.writable()
                ? "read-only: sign in with a user of console.users to change anything"
                : "read-only: console.users names no one who may change anything");
        return;
      }
      Map<String, List<String>> form = ctx.formParamMap();
      String token = form.getOrDefault("csrf", List.of("")).get(0);
      if (token.isEmpty() && ctx.header("X-CSRF-Token") != null) {
        token = ctx.header("X-CSRF-Token");
      }
      Sessions.Session session = sessions.find(ctx.cookie(Sessions.COOKIE)).orElseThrow();
      if (!Sessions.csrfMatches(session, token)) {
        refuse(
            ctx,
            v.get(),
            "the form's CSRF token is missing or wrong: reload the page and try again");
        return;
      }
      handler.handle(ctx, v.get(), form);
    };
  }

  private void refuse(Context ctx, Viewer v, String why) {
    LOG.warn(
        "console: refused {} {} from {}{}: {}",
        ctx.method(),
        ctx.path(),
        ctx.ip(),
        v == null ? "" : " (" + v.user() + ")",
        why);
    error(ctx, 403, why);
  }

  Optional<Viewer> viewer(Context ctx) {
    return sessions
        .find(ctx.cookie(Sessions.COOKIE))
        .map(s -> new Viewer(s.user(), s.csrf(), true, ctx.ip()));
  }

  /** True unless the browser says the request comes from another origin. */
  static boolean sameOrigin(Context ctx) {
    String origin = ctx.header("Origin");
    if (origin == null || origin.equals("null") && ctx.header("Sec-Fetch-Site") == null) {
      return origin == null;
    }
    try {
      URI o = URI.create(origin);
      String host = ctx.header("Host");
      return host != null && (o.getAuthority() != null && o.getAuthority().equalsIgnoreCase(host));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  void audit(Viewer v, String what) {
    LOG.info("console: {} from {}: {}", v.user(), v.address(), what);
  }

  void error(Context ctx, int status, String message) {
    ctx.status(status);
    Viewer v = viewer(ctx).orElse(null);
    frame(
        ctx,
        Rendered.of(
            status == 403 ? "Refused" : status == 400 ? "Cannot do that" : "Error",
            "",
            "<p class='notice bad' id=problem>"
                + Html.esc(message)
                + "</p><p><a href='/'>overview</a></p>"),
        v == null ? null : v.user());
  }

  void frame(Context ctx, Rendered r, String user) {
    headers(ctx);
    ctx.contentType("text/html; charset=utf-8")
        .result(Html.page(r.title(), r.here(), user, sessions.writable(), r.body()));
  }

  private static void headers(Context ctx) {
    ctx.header("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "same-origin");
    ctx.header("Cache-Control", "no-store");
  }
}
