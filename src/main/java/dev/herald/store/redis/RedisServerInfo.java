package dev.herald.store.redis;

import dev.herald.store.EvictionPolicy;
import dev.herald.store.Replication;
import dev.herald.store.ServerInfo;
import dev.herald.store.StoreAccessDeniedException;
import dev.herald.store.StoreException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.UnifiedJedis;

/**
 * {@link ServerInfo} by {@code TIME}, {@code CONFIG GET}, {@code INFO memory} and {@code INFO
 * replication}.
 */
final class RedisServerInfo implements ServerInfo {

  private final UnifiedJedis redis;

  RedisServerInfo(UnifiedJedis redis) {
    this.redis = redis;
  }

  @Override
  public Instant time() {
    Object reply =
        RedisErrors.call(
            "reading Redis's clock (TIME)", () -> redis.sendCommand(Protocol.Command.TIME));
    if (!(reply instanceof List<?> parts) || parts.size() != 2) {
      throw new StoreException("TIME answered " + reply + ", not seconds and microseconds");
    }
    long seconds = Long.parseLong(ScriptArgs.text(parts.get(0)));
    long micros = Long.parseLong(ScriptArgs.text(parts.get(1)));
    return Instant.ofEpochSecond(seconds, micros * 1000);
  }

  @Override
  public EvictionPolicy evictionPolicy() {
    String configRefused;
    try {
      Object reply =
          RedisErrors.call(
              "reading maxmemory-policy",
              () -> redis.sendCommand(Protocol.Command.CONFIG, "GET", "maxmemory-policy"));
      List<?> pair = reply instanceof List<?> l ? l : List.of();
      if (pair.size() == 2) {
        return new EvictionPolicy(ScriptArgs.text(pair.get(1)), "CONFIG GET");
      }
      configRefused = "CONFIG GET answered nothing";
    } catch (StoreAccessDeniedException | StoreException e) {
      configRefused = "CONFIG GET refused: " + reason(e);
    }
    String infoRefused;
    try {
      String info = RedisErrors.call("reading INFO memory", () -> redis.info("memory"));
      for (String line : info.split("\r?\n")) {
        if (line.startsWith("maxmemory_policy:")) {
          return new EvictionPolicy(
              line.substring("maxmemory_policy:".length()).trim(), "INFO memory");
        }
      }
      infoRefused = "INFO memory has no maxmemory_policy";
    } catch (StoreAccessDeniedException | StoreException e) {
      infoRefused = "INFO memory refused: " + reason(e);
    }
    return EvictionPolicy.unknown(configRefused + "; " + infoRefused);
  }

  @Override
  public Replication replication() {
    try {
      String info = RedisErrors.call("reading INFO replication", () -> redis.info("replication"));
      return parseReplication(info);
    } catch (StoreAccessDeniedException | StoreException refused) {
      // An ACL or a managed service that refuses INFO: the rest of the figures still stand.
      return Replication.unknown();
    }
  }

  /** Reads {@code INFO replication}: role, connected_slaves, slaveN lines, master_repl_offset. */
  static Replication parseReplication(String info) {
    String role = "unknown";
    int connected = 0;
    long offset = -1;
    List<Replication.Replica> replicas = new ArrayList<>();
    for (String line : info.split("\r?\n")) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = line.substring(0, colon);
      String value = line.substring(colon + 1).trim();
      try {
        if (name.equals("role")) {
          role = value;
        } else if (name.equals("connected_slaves")) {
          connected = Integer.parseInt(value);
        } else if (name.equals("master_repl_offset")) {
          offset = Long.parseLong(value);
        } else if (name.matches("slave\\d+")) {
          Map<String, String> f = new HashMap<>();
          for (String part : value.split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
              f.put(part.substring(0, eq), part.substring(eq + 1));
            }
          }
          replicas.add(
              new Replication.Replica(
                  f.getOrDefault("ip", "?") + ":" + f.getOrDefault("port", "?"),
                  f.getOrDefault("state", "?"),
                  Long.parseLong(f.getOrDefault("offset", "-1")),
                  Long.parseLong(f.getOrDefault("lag", "-1"))));
        }
      } catch (NumberFormatException e) {
        // A field Herald cannot read is left at its default rather than failing the whole read.
      }
    }
    return new Replication(role, connected, replicas, offset);
  }

  /** The server's words, without the "what we were doing" prefix RedisErrors adds. */
  private static String reason(RuntimeException e) {
    String m = String.valueOf(e.getMessage());
    int at = m.indexOf(": Redis ");
    int colon = at < 0 ? -1 : m.indexOf(": ", at + 2);
    return colon < 0 ? m : m.substring(colon + 2);
  }
}
