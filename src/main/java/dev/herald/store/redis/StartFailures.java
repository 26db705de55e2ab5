package dev.herald.store.redis;

import dev.herald.config.ConfigException;
import dev.herald.config.RedisEndpoint;
import dev.herald.config.RedisEndpoint.Sentinels;
import dev.herald.store.StoreUnavailableException;
import java.util.List;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Sorts the failures of a backend's first contact: those the config causes (a TLS handshake that
 * fails over the CA, host name or client certificate; a master name no sentinel monitors) become a
 * {@link ConfigException} naming the setting, the rest what {@link RedisErrors} makes of them.
 */
final class StartFailures {

  private StartFailures() {}

  static RuntimeException translate(RedisEndpoint endpoint, String what, JedisException e) {
    String tls = TlsFailures.describe(e, "redis.tls", endpoint.tls(), endpoint.host());
    if (tls != null) {
      return new ConfigException(null, List.of(tls));
    }
    Sentinels sentinels = endpoint.sentinels();
    String message = String.valueOf(e.getMessage());
    if (sentinels != null && message.contains("seems to be not monitored")) {
      return new ConfigException(
          null,
          List.of(
              "redis.sentinel.master '"
                  + sentinels.master()
                  + "' is not monitored by the sentinels that answered ("
                  + sentinels
                  + "): check the name against `SENTINEL MASTERS` on a sentinel"));
    }
    if (sentinels != null && message.contains("All sentinels down")) {
      String sentinelTls = sentinelTlsProblem(endpoint);
      if (sentinelTls != null) {
        return new ConfigException(null, List.of(sentinelTls));
      }
      return new StoreUnavailableException(
          what + ": no sentinel answered (" + sentinels + "): " + message, e);
    }
    if (e instanceof JedisConnectionException && endpoint.ssl() && sentinels == null) {
      String refusal =
          TlsProbe.refusal(
              endpoint.tls(),
              "redis.tls",
              endpoint.host(),
              endpoint.port(),
              (int) endpoint.timeout().toMillis());
      if (refusal != null) {
        return new ConfigException(null, List.of(refusal));
      }
      return new StoreUnavailableException(what + ": Redis unavailable: " + message, e);
    }
    return RedisErrors.translate(what, e);
  }

  /**
   * Jedis logs why each sentinel failed and throws "all down": with TLS to the sentinels, ask one
   * again to find out whether TLS (the config) is why.
   */
  private static String sentinelTlsProblem(RedisEndpoint endpoint) {
    Sentinels sentinels = endpoint.sentinels();
    if (!sentinels.ssl()) {
      return null;
    }
    for (Sentinels.Node node : sentinels.nodes()) {
      try (Jedis jedis =
          new Jedis(
              new HostAndPort(node.host(), node.port()), RedisClients.sentinelConfig(endpoint))) {
        jedis.ping();
        return null;
      } catch (JedisException e) {
        String tls = TlsFailures.describe(e, "redis.sentinel.tls", sentinels.tls(), node.host());
        if (tls != null) {
          return tls;
        }
      }
    }
    return null;
  }
}
