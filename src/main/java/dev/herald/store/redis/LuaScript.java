package dev.herald.store.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * One Lua script from the resources, run by SHA. When Redis answers {@code NOSCRIPT} (restarted,
 * {@code SCRIPT FLUSH}, or a new primary after a failover), the script is loaded again and the call
 * repeated once. A script that changes what callers were told ({@link #acknowledgedBy}) waits for
 * replicas after each run.
 *
 * <p>Helpers the scripts share live in small libraries, {@code lib/<name>.lua}. Every script and
 * library says in its header which libraries it uses, in one line: {@code -- uses: keys, states}
 * ({@code -- uses: (nothing)} for none). The script is sent with those libraries in front of it,
 * each library's own libraries before it, each once: a script carries only the helpers it needs,
 * and Redis runs (defines) only those on each call.
 *
 * <p>A script that derives keys from its {@code KEYS} (it uses the {@code keys} library: the
 * notifications' {@code n:}, {@code r:}, {@code f:} and {@code idem:} keys) is sent with one key
 * more, last, the slot guard ({@link #guardOf}): a key of the same slot that is never written.
 * Redis Cluster checks only the declared keys of a script before running it, and while a slot
 * migrates a script would run with part of its keys gone: on the source node a derived key already
 * moved fails the script part-way ("Script attempted to access a non local key"), after its first
 * writes; on the target, reached by {@code ASK}, the keys not moved yet read as absent (a
 * notification seen as new, a route as missing). A declared key that exists on neither node makes
 * Redis refuse the script before it runs, with {@code TRYAGAIN} (on the source in Redis 7.0; in 6.2
 * on the target after the {@code ASK}), which the store reports as unavailable and the caller sends
 * again; once the slot has moved, {@code MOVED} sends it to the new master whole. Outside a
 * migration the guard costs nothing: Redis looks keys up only in a slot that migrates.
 */
final class LuaScript {

  static final String USES = "-- uses:";
  private static final String NOTHING = "(nothing)";

  /** The last segment of a guard key: {@code <prefix>slot-guard}, never written. */
  static final String GUARD = "slot-guard";

  private final String name;
  private final List<String> libraries;
  private final String source;
  private final String sha;
  private final byte[] shaBytes;

  /** Set for the scripts whose writes wait for replicas ({@code durability}); else none. */
  private final ReplicaAcks acks;

  /** Whether a run's reply says it wrote what the WAIT is for: else a short WAIT is not counted. */
  private final Predicate<Object> wroteAcknowledged;

  private LuaScript(
      String name,
      List<String> libraries,
      String source,
      ReplicaAcks acks,
      Predicate<Object> wroteAcknowledged) {
    this.name = name;
    this.libraries = libraries;
    this.source = source;
    this.sha = sha1(source);
    this.shaBytes = sha.getBytes(StandardCharsets.US_ASCII);
    this.acks = acks;
    this.wroteAcknowledged = wroteAcknowledged;
  }

  /**
   * Reads {@code <name>.lua} and the libraries it uses; a missing resource, or a header without its
   * {@code uses} line, fails at start, not in the loop.
   */
  static LuaScript fromResource(String name) {
    String script = read(name + ".lua");
    Set<String> libraries = new LinkedHashSet<>();
    for (String library : uses(script, name + ".lua")) {
      include(library, libraries, new ArrayList<>());
    }
    StringBuilder source = new StringBuilder();
    for (String library : libraries) {
      source.append(read(libraryResource(library))).append('\n');
    }
    source.append(script);
    return new LuaScript(
        name, List.copyOf(libraries), source.toString(), ReplicaAcks.none(), reply -> true);
  }

  /** This script, each run followed by a WAIT for the replicas {@code acks} asks for. */
  LuaScript acknowledgedBy(ReplicaAcks acks) {
    return acknowledgedBy(acks, reply -> true);
  }

  /**
   * As {@link #acknowledgedBy(ReplicaAcks)}, for a script whose runs only sometimes write what
   * callers are told of: a WAIT fewer replicas answered in time is counted only after a run whose
   * reply {@code wrote} says so.
   */
  LuaScript acknowledgedBy(ReplicaAcks acks, Predicate<Object> wrote) {
    return new LuaScript(name, libraries, source, acks, wrote);
  }

  /** True when this run's reply says it wrote what its WAIT is for. */
  boolean wroteAcknowledged(Object reply) {
    return wroteAcknowledged.test(reply);
  }

  /** Adds {@code library} to {@code included} after the libraries it uses; refuses a cycle. */
  private static void include(String library, Set<String> included, List<String> path) {
    if (included.contains(library)) {
      return;
    }
    if (path.contains(library)) {
      throw new IllegalStateException("Lua libraries use each other in a cycle: " + path);
    }
    path.add(library);
    String resource = libraryResource(library);
    for (String used : uses(read(resource), resource)) {
      include(used, included, path);
    }
    path.remove(path.size() - 1);
    included.add(library);
  }

  /** The libraries a script or library declares in its header's {@code uses} line. */
  static List<String> uses(String source, String resource) {
    for (String line : source.split("\n")) {
      if (!line.startsWith("--")) {
        break; // the header is over
      }
      if (line.startsWith(USES)) {
        String names = line.substring(USES.length()).trim();
        if (names.equals(NOTHING)) {
          return List.of();
        }
        List<String> uses = new ArrayList<>();
        for (String used : names.split(",")) {
          uses.add(used.trim());
        }
        return uses;
      }
    }
    throw new IllegalStateException(
        "Lua script "
            + resource
            + " has no '"
            + USES
            + " ...' line in its header (name the libraries it uses, or "
            + NOTHING
            + ")");
  }

  static String libraryResource(String library) {
    return "lib/" + library + ".lua";
  }

  String name() {
    return name;
  }

  /** The libraries sent with the script, in the order they are put in front of it. */
  List<String> libraries() {
    return libraries;
  }

  String sha() {
    return sha;
  }

  byte[] shaBytes() {
    return shaBytes;
  }

  /**
   * Loads the script into the server that holds {@code sampleKey}: on a cluster the master of its
   * slot (a broadcast to every node would fail while any node is down, as during a failover, and a
   * promoted replica or a master new to a slot has no scripts); elsewhere the one server.
   */
  void load(UnifiedJedis redis, String sampleKey) {
    String loaded = redis.scriptLoad(source, sampleKey);
    if (!sha.equals(loaded)) {
      throw new IllegalStateException(
          "Redis returned SHA " + loaded + " for script " + name + ", expected " + sha);
    }
  }

  /** True when the script derives keys from its KEYS, and so is sent with the slot guard. */
  boolean guarded() {
    return libraries.contains("keys");
  }

  /**
   * The slot guard of a script whose first key is {@code firstKey}, {@code <prefix><name>} (lib/
   * keys.lua): {@code <prefix>slot-guard}, in the same slot (the prefix carries the shard's hash
   * tag) and under the namespace (the ACL's key pattern).
   */
  static String guardOf(String firstKey) {
    return firstKey.substring(0, firstKey.lastIndexOf(':') + 1) + GUARD;
  }

  private List<String> withGuard(List<String> keys) {
    if (!guarded()) {
      return keys;
    }
    List<String> guarded = new ArrayList<>(keys.size() + 1);
    guarded.addAll(keys);
    guarded.add(guardOf(keys.get(0)));
    return guarded;
  }

  private List<byte[]> withGuardBinary(List<byte[]> keys) {
    if (!guarded()) {
      return keys;
    }
    List<byte[]> guarded = new ArrayList<>(keys.size() + 1);
    guarded.addAll(keys);
    String first = new String(keys.get(0), StandardCharsets.UTF_8);
    guarded.add(guardOf(first).getBytes(StandardCharsets.UTF_8));
    return guarded;
  }

  Object run(UnifiedJedis redis, List<String> declared, List<String> args) {
    List<String> keys = withGuard(declared);
    if (acks.waits()) {
      return acks.run(redis, this, keys, args);
    }
    try {
      return redis.evalsha(sha, keys, args);
    } catch (JedisNoScriptException e) {
      load(redis, keys.get(0));
      return redis.evalsha(sha, keys, args);
    }
  }

  /** Runs with byte arguments; bulk replies come back as byte arrays, integers as Long. */
  Object runBinary(UnifiedJedis redis, List<byte[]> declared, List<byte[]> args) {
    List<byte[]> keys = withGuardBinary(declared);
    if (acks.waits()) {
      return acks.runBinary(redis, this, keys, args);
    }
    try {
      return redis.evalsha(shaBytes, keys, args);
    } catch (JedisNoScriptException e) {
      load(redis, new String(keys.get(0), StandardCharsets.UTF_8));
      return redis.evalsha(shaBytes, keys, args);
    }
  }

  static String read(String resource) {
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
