package dev.herald.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Where Redis is and how to log in, parsed from a {@code redis://} or {@code rediss://} URL; with
 * Sentinel, which sentinels say where the primary is; how TLS checks certificates; and what each
 * state-changing batch waits for.
 *
 * @param password null for none; never logged (see {@link #redacted()})
 * @param ssl TLS to the primary
 * @param tls the certificates TLS checks and presents
 * @param sentinels null: {@code host:port} is the server; else the sentinels to ask ({@code host}
 *     is then the master name)
 * @param durability replicas each state-changing batch waits for
 * @param cluster null: {@code host:port} (or the sentinels) is the server; else the seed nodes of a
 *     Redis Cluster ({@code host:port} is then the first of them)
 */
public record RedisEndpoint(
    String host,
    int port,
    int database,
    String user,
    String password,
    boolean ssl,
    Duration timeout,
    RedisTlsSettings tls,
    Sentinels sentinels,
    DurabilitySettings durability,
    Cluster cluster) {

  public static final int DEFAULT_PORT = 6379;

  /**
   * The seed nodes of a Redis Cluster: one that answers is enough to learn the slots.
   *
   * @param nodes {@code host} and {@code port} of each
   */
  public record Cluster(List<Sentinels.Node> nodes) {
    public Cluster {
      nodes = List.copyOf(nodes);
    }

    @Override
    public String toString() {
      return "cluster " + String.join(",", nodes.stream().map(Sentinels.Node::toString).toList());
    }
  }

  /**
   * The endpoint of {@code redis.cluster}: its seed nodes, user and password ({@code
   * passwordOverride}, {@code HERALD_REDIS_PASSWORD}, when set), TLS as {@code redis.tls} says.
   */
  public static RedisEndpoint ofCluster(
      RedisSettings redis, DurabilitySettings durability, String passwordOverride) {
    ClusterSettings c = redis.cluster();
    List<Sentinels.Node> nodes =
        c.nodes().stream()
            .map(n -> RedisChecks.node(n, DEFAULT_PORT))
            .map(parts -> new Sentinels.Node(parts[0], Integer.parseInt(parts[1])))
            .toList();
    String password =
        passwordOverride != null && !passwordOverride.isEmpty() ? passwordOverride : c.password();
    return new RedisEndpoint(
        nodes.get(0).host(),
        nodes.get(0).port(),
        0,
        c.user(),
        password,
        Boolean.TRUE.equals(redis.tls().enabled()),
        redis.timeout(),
        redis.tls(),
        null,
        durability,
        new Cluster(nodes));
  }

  /**
   * The sentinels of a primary.
   *
   * @param nodes {@code host} and {@code port} of each
   * @param password null for none; never logged
   * @param tls its keys already inherited from {@code redis.tls}
   */
  public record Sentinels(
      String master,
      List<Node> nodes,
      String user,
      String password,
      boolean ssl,
      RedisTlsSettings tls) {

    /** One sentinel's address. */
    public record Node(String host, int port) {
      @Override
      public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
      }
    }

    @Override
    public String toString() {
      return "sentinels "
          + String.join(",", nodes.stream().map(Node::toString).toList())
          + (ssl ? " (TLS)" : "");
    }
  }

  /** The endpoint the settings describe, as {@link #parse} with the rest of {@code redis.*}. */
  public static RedisEndpoint of(
      RedisSettings redis,
      String url,
      DurabilitySettings durability,
      String passwordOverride,
      String sentinelPasswordOverride) {
    RedisEndpoint plain = parse(url, passwordOverride, redis.timeout());
    boolean ssl = plain.ssl || Boolean.TRUE.equals(redis.tls().enabled());
    Sentinels sentinels = null;
    SentinelSettings s = redis.sentinel();
    if (s.configured()) {
      List<Sentinels.Node> nodes =
          s.nodes().stream()
              .map(RedisChecks::node)
              .map(parts -> new Sentinels.Node(parts[0], Integer.parseInt(parts[1])))
              .toList();
      String password =
          sentinelPasswordOverride != null && !sentinelPasswordOverride.isEmpty()
              ? sentinelPasswordOverride
              : s.password();
      sentinels =
          new Sentinels(
              s.master(),
              nodes,
              s.user(),
              password,
              Boolean.TRUE.equals(s.tls().enabled()),
              s.tls().inheriting(redis.tls()));
    }
    return new RedisEndpoint(
        plain.host,
        plain.port,
        plain.database,
        plain.user,
        plain.password,
        ssl,
        plain.timeout,
        redis.tls(),
        sentinels,
        durability,
        null);
  }

  /**
   * Parses {@code redis://[user[:password]@]host[:port][/database]}: one server, default TLS
   * settings, no WAIT.
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
        uri.getHost(),
        port,
        database,
        user,
        password,
        "rediss".equals(scheme),
        timeout,
        RedisTlsSettings.defaults(),
        null,
        DurabilitySettings.defaults(),
        null);
  }

  private static String decode(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }

  /** This endpoint, each state-changing batch waiting for {@code durability}. */
  public RedisEndpoint withDurability(DurabilitySettings durability) {
    return new RedisEndpoint(
        host, port, database, user, password, ssl, timeout, tls, sentinels, durability, cluster);
  }

  /** This endpoint with other TLS settings (and TLS on). */
  public RedisEndpoint withTls(RedisTlsSettings tls) {
    return new RedisEndpoint(
        host, port, database, user, password, true, timeout, tls, sentinels, durability, cluster);
  }

  /**
   * The URL with any password replaced by {@code ***}, and the sentinels when there are: safe for
   * logs and messages.
   */
  public String redacted() {
    String auth = "";
    if (user != null || password != null) {
      auth = (user == null ? "" : user) + (password == null ? "" : ":***") + "@";
    }
    String scheme = ssl ? "rediss" : "redis";
    if (cluster != null) {
      return scheme + "://" + auth + cluster;
    }
    if (sentinels != null) {
      return scheme + "://" + auth + host + "/" + database + " via " + sentinels;
    }
    return scheme + "://" + auth + host + ":" + port + "/" + database;
  }

  @Override
  public String toString() {
    return redacted();
  }
}
