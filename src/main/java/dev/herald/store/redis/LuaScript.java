package dev.herald.store.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * One Lua script from the resources, run by SHA. The shared helpers of {@code lib.lua} are put in
 * front of it. When Redis answers {@code NOSCRIPT} (restarted, {@code SCRIPT FLUSH}, or a new
 * primary after a failover), the script is loaded again and the call repeated once. A script that
 * changes what callers were told ({@link #acknowledgedBy}) waits for replicas after each run.
 */
final class LuaScript {

  private static final String LIB = "lib.lua";

  private final String name;
  private final String source;
  private final String sha;
  private final byte[] shaBytes;

  /** Set for the scripts whose writes wait for replicas ({@code durability}); else none. */
  private final ReplicaAcks acks;

  private LuaScript(String name, String source, ReplicaAcks acks) {
    this.name = name;
    this.source = source;
    this.sha = sha1(source);
    this.shaBytes = sha.getBytes(StandardCharsets.US_ASCII);
    this.acks = acks;
  }

  /** Reads {@code <name>.lua}; a missing resource fails at start, not in the loop. */
  static LuaScript fromResource(String name) {
    return new LuaScript(name, read(LIB) + "\n" + read(name + ".lua"), ReplicaAcks.none());
  }

  /** This script, each run followed by a WAIT for the replicas {@code acks} asks for. */
  LuaScript acknowledgedBy(ReplicaAcks acks) {
    return new LuaScript(name, source, acks);
  }

  String name() {
    return name;
  }

  String sha() {
    return sha;
  }

  byte[] shaBytes() {
    return shaBytes;
  }

  void load(UnifiedJedis redis) {
    String loaded = redis.scriptLoad(source);
    if (!sha.equals(loaded)) {
      throw new IllegalStateException(
          "Redis returned SHA " + loaded + " for script " + name + ", expected " + sha);
    }
  }

  Object run(UnifiedJedis redis, List<String> keys, List<String> args) {
    if (acks.waits()) {
      return acks.run(redis, this, keys, args);
    }
    try {
      return redis.evalsha(sha, keys, args);
    } catch (JedisNoScriptException e) {
      load(redis);
      return redis.evalsha(sha, keys, args);
    }
  }

  /** Runs with byte arguments; bulk replies come back as byte arrays, integers as Long. */
  Object runBinary(UnifiedJedis redis, List<byte[]> keys, List<byte[]> args) {
    if (acks.waits()) {
      return acks.runBinary(redis, this, keys, args);
    }
    try {
      return redis.evalsha(shaBytes, keys, args);
    } catch (JedisNoScriptException e) {
      load(redis);
      return redis.evalsha(shaBytes, keys, args);
    }
  }

  private static String read(String resource) {
    try (InputStream in = LuaScript.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            "Lua script " + resource + " is missing from the class path (broken build?)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read Lua script " + resource, e);
    }
  }

  private static String sha1(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-1");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is missing from this JVM", e);
    }
  }
}
