package dev.herald.console;

import dev.herald.config.ConsoleSettings.ConsoleUser;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may change things: the configured users, signed in with their password, each sign-in a
 * session (a random id in an HttpOnly, SameSite=Strict cookie) with a CSRF token of its own that
 * every change must carry. Sessions live in this process's memory and end after {@link #LIFETIME}
 * or at sign-out; a restart signs everyone out.
 */
final class Sessions {

  static final Duration LIFETIME = Duration.ofHours(12);
  static final String COOKIE = "herald_console";

  /** A signed-in user. */
  record Session(String id, String user, String csrf, Instant expires) {}

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<String, String> hashes = new ConcurrentHashMap<>();
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final Clock clock;

  Sessions(List<ConsoleUser> users, Clock clock) {
    users.forEach(u -> hashes.put(u.name(), u.passwordHash()));
    this.clock = clock;
  }

  /** True when some user may sign in: else the console is read-only. */
  boolean writable() {
    return !hashes.isEmpty();
  }

  /** A new session when the password is the user's. */
  Optional<Session> signIn(String user, String password) {
    String hash = user == null ? null : hashes.get(user);
    if (hash == null || password == null || !Passwords.matches(hash, password.toCharArray())) {
      return Optional.empty();
    }
    Session s = new Session(random(), user, random(), clock.instant().plus(LIFETIME));
    sessions.put(s.id(), s);
    return Optional.of(s);
  }

  /** The live session of a cookie value, if any. */
  Optional<Session> find(String cookie) {
    if (cookie == null) {
      return Optional.empty();
    }
    Session s = sessions.get(cookie);
    if (s != null && s.expires().isBefore(clock.instant())) {
      sessions.remove(cookie);
      return Optional.empty();
    }
    return Optional.ofNullable(s);
  }

  void signOut(String cookie) {
    if (cookie != null) {
      sessions.remove(cookie);
    }
  }

  /** True when {@code token} is the session's CSRF token (constant time). */
  static boolean csrfMatches(Session s, String token) {
    return token != null && MessageDigest.isEqual(s.csrf().getBytes(), token.getBytes());
  }

  private static String random() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
