package dev.herald.config;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of the one validation pass that is about reaching Redis in production: {@code
 * redis.sentinel}, {@code redis.tls} and {@code durability}. Every problem names its key.
 */
final class RedisChecks {

  /** Most replicas a batch may wait for: more than any deployment has. */
  static final int MAX_REPLICAS = 16;

  private final List<String> problems = new ArrayList<>();

  List<String> check(HeraldConfig c) {
    RedisSettings redis = c.redis();
    boolean rediss = redis.url() != null && redis.url().startsWith("rediss://");
    if (Boolean.FALSE.equals(redis.tls().enabled()) && rediss) {
      problems.add(
          "redis.tls.enabled must not be false when redis.url starts with rediss:// (it asks for"
              + " TLS): keep one");
    }
    boolean tlsOn = rediss || Boolean.TRUE.equals(redis.tls().enabled());
    tls(
        "redis.tls",
        redis.tls(),
        redis.tls(),
        tlsOn,
        "use rediss:// in redis.url, or redis.tls.enabled: true");
    if (redis.sentinel().configured()) {
      sentinel(redis, redis.sentinel());
    }
    DurabilitySettings d = c.durability();
    if (d.replicas() < 0 || d.replicas() > MAX_REPLICAS) {
      problems.add(
          "durability.replicas must be between 0 and "
              + MAX_REPLICAS
              + " (was "
              + d.replicas()
              + ")");
    }
    if (d.replicaTimeout().compareTo(Duration.ofMillis(1)) < 0
        || d.replicaTimeout().compareTo(Duration.ofMinutes(1)) > 0) {
      problems.add(
          "durability.replica-timeout must be between 1ms and 1m (was "
              + Durations.format(d.replicaTimeout())
              + "): WAIT with no timeout would hold a batch for ever");
    }
    return problems;
  }

  private void sentinel(RedisSettings redis, SentinelSettings s) {
    if (s.master() == null
        || s.master().isBlank()
        || s.master().chars().anyMatch(ch -> ch <= ' ')) {
      problems.add(
          "redis.sentinel.master must be the name the sentinels monitor the primary under (sentinel"
              + " monitor NAME ...), without whitespace (was "
              + (s.master() == null ? "unset" : "'" + s.master() + "'")
              + ")");
    }
    if (s.nodes().isEmpty()) {
      problems.add(
          "redis.sentinel.nodes must list at least one sentinel as host:port (three, in"
              + " production)");
    }
    for (int i = 0; i < s.nodes().size(); i++) {
      try {
        node(s.nodes().get(i));
      } catch (IllegalArgumentException e) {
        problems.add(
            "redis.sentinel.nodes["
                + i
                + "] "
                + e.getMessage()
                + " (was '"
                + s.nodes().get(i)
                + "')");
      }
    }
    if (redis.wantsEmbedded()) {
      problems.add("redis.embedded must not be true when redis.sentinel is set: keep one");
    }
    if (redis.url() != null) {
      try {
        URI uri = new URI(redis.url());
        if (uri.getPort() >= 0) {
          problems.add(
              "redis.url must have no port when redis.sentinel is set (the sentinels name the"
                  + " primary's address; its host is the master name): was '"
                  + ConfigValidator.redactedUrl(redis.url())
                  + "'");
        }
        if (uri.getHost() != null && s.master() != null && !uri.getHost().equals(s.master())) {
          problems.add(
              "redis.url's host must be the master name '"
                  + s.master()
                  + "' when redis.sentinel is set (the sentinels say where the primary is; the URL"
                  + " gives its user, password, database and scheme): was '"
                  + uri.getHost()
                  + "'");
        }
      } catch (java.net.URISyntaxException e) {
        // reported with redis.url
      }
    }
    tls(
        "redis.sentinel.tls",
        s.tls(),
        s.tls().inheriting(redis.tls()),
        Boolean.TRUE.equals(s.tls().enabled()),
        "set redis.sentinel.tls.enabled: true");
  }

  /** Parses a sentinel address, {@code host[:port]}; throws saying what is wrong. */
  static String[] node(String node) {
    return node(node, SentinelSettings.DEFAULT_PORT);
  }

  /** Parses a node address, {@code host[:port]}, {@code defaultPort} when left out. */
  static String[] node(String node, int defaultPort) {
    if (node == null || node.isBlank() || node.chars().anyMatch(ch -> ch <= ' ')) {
      throw new IllegalArgumentException("must be host:port");
    }
    int colon = node.lastIndexOf(':');
    if (colon < 0 || node.endsWith("]")) {
      return new String[] {strip(node), Integer.toString(defaultPort)};
    }
    String host = strip(node.substring(0, colon));
    int port;
    try {
      port = Integer.parseInt(node.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("must be host:port with a numeric port");
    }
    if (port < 1 || port > 65535 || host.isEmpty()) {
      throw new IllegalArgumentException("must be host:port, port 1 to 65535");
    }
    return new String[] {host, Integer.toString(port)};
  }

  private static String strip(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  /**
   * Checks one TLS section: {@code effective} is what the connection will use, {@code own} the keys
   * written in this section (a sentinel section inherits the rest from {@code redis.tls}).
   */
  private void tls(
      String key, RedisTlsSettings own, RedisTlsSettings effective, boolean on, String turnOn) {
    if (!on) {
      for (String name : new String[] {"ca-file", "truststore", "cert-file", "key-file"}) {
        String value =
            switch (name) {
              case "ca-file" -> own.caFile();
              case "truststore" -> own.truststore();
              case "cert-file" -> own.certFile();
              default -> own.keyFile();
            };
        if (value != null) {
          problems.add(key + "." + name + " is set but TLS is off: " + turnOn);
        }
      }
      return;
    }
    RedisTlsSettings t = effective;
    if (t.caFile() != null && t.truststore() != null) {
      problems.add(key + ".ca-file and " + key + ".truststore exclude each other: set one");
      return;
    }
    if (t.truststorePassword() != null && t.truststore() == null) {
      problems.add(key + ".truststore-password is set but " + key + ".truststore is not");
    }
    if ((t.certFile() == null) != (t.keyFile() == null)) {
      problems.add(
          key
              + ".cert-file and "
              + key
              + ".key-file go together (mutual TLS): set both or neither");
      return;
    }
    try {
      TlsMaterial.trustStore(t, key);
      TlsMaterial.keyStore(t, key);
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
  }
}
