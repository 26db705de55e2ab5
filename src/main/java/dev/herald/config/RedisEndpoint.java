package dev.herald.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Where Redis is and how to log in, parsed from a {@code redis://} or {@code rediss://} URL.
 *
 * @param password null for none; never logged (see {@link #redacted()})
 */
public record RedisEndpoint(
    String host,
    int port,
    int database,
    String user,
    String password,
    boolean ssl,
    Duration timeout) {

  public static final int DEFAULT_PORT = 6379;

  /**
   * Parses {@code redis://[user[:password]@]host[:port][/database]}.
   *
   * @param passwordOverride when not null, replaces any password in the URL
   * @throws IllegalArgumentException saying what is wrong, without echoing a password
   */
  public static RedisEndpoint parse(String url, String passwordOverride, Duration timeout) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URL: " + e.getReason());
    }
    String scheme = uri.getScheme();
    if (!"redis".equals(scheme) && !"rediss".equals(scheme)) {
      throw new IllegalArgumentException(
          "must start with redis:// or rediss:// (was "
              + (scheme == null ? "no scheme" : scheme + "://")
              + ")");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("has no host");
    }
    String user = null;
    String password = null;
    if (uri.getRawUserInfo() != null) {
      String info = uri.getRawUserInfo();
      int colon = info.indexOf(':');
      user = decode(colon < 0 ? info : info.substring(0, colon));
      password = colon < 0 ? null : decode(info.substring(colon + 1));
      if (user.isEmpty()) {
        user = null;
      }
    }
    int database = 0;
    String path = uri.getPath();
    if (path != null && path.length() > 1) {
      try {
        database = Integer.parseInt(path.substring(1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "database must be a number (was " + path.substring(1) + ")");
      }
    }
    if (passwordOverride != null && !passwordOverride.isEmpty()) {
      password = passwordOverride;
    }
    int port = uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort();
    return new RedisEndpoint(
        uri.getHost(), port, database, user, password, "rediss".equals(scheme), timeout);
  }

  private static String decode(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }

  /** The URL with any password replaced by {@code ***}: safe for logs and messages. */
  public String redacted() {
    String auth = "";
    if (user != null || password != null) {
      auth = (user == null ? "" : user) + (password == null ? "" : ":***") + "@";
    }
    return (ssl ? "rediss" : "redis") + "://" + auth + host + ":" + port + "/" + database;
  }

  @Override
  public String toString() {
    return redacted();
  }
}
