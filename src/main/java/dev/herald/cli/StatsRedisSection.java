package dev.herald.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.clock.AlignedClock;
import dev.herald.store.EvictionPolicy;
import dev.herald.store.Replication;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;

/**
 * The {@code redis} section of {@code herald stats}: the server Herald talks to, its role and
 * replicas (lag), Redis's eviction policy (with its warning when it may evict Herald's keys) and
 * this host's clock offset from Redis's.
 *
 * @param primary {@code host:port} of the server the store writes to
 * @param clockOffset this host's clock minus Redis's, when measured
 */
record StatsRedisSection(
    String primary,
    Replication replication,
    EvictionPolicy eviction,
    Optional<Duration> clockOffset) {

  void print(PrintWriter out, int width) {
    out.println("redis");
    out.printf("  %-24s %12s   %s%n", "server", primary, "role " + replication.role());
    out.printf(
        "  %-24s %12d   %s%n",
        "replicas", replication.connectedReplicas(), "connected to it (connected_slaves)");
    for (Replication.Replica r : replication.replicas()) {
      long behind = replication.offset() < 0 ? -1 : replication.offset() - r.offset();
      out.printf(
          "    %-22s %12s   lag %ds, %s bytes behind%n",
          r.address(), r.state(), r.lagSeconds(), behind < 0 ? "?" : String.format("%,d", behind));
    }
    out.printf(
        "  %-24s %12s   %s%n",
        "maxmemory-policy",
        eviction.shown(),
        eviction.policy() == null ? "" : "read with " + eviction.source());
    out.printf(
        "  %-24s %12s   %s%n",
        "clock offset",
        clockOffset.map(AlignedClock::formatOffset).orElse("?"),
        "host clock minus Redis's (Herald keeps Redis's time)");
    eviction.problem().ifPresent(p -> wrapped(out, "  WARNING: ", p, "    ", width));
  }

  void toJson(ObjectNode redis) {
    redis.put("server", primary);
    redis.put("role", replication.role());
    redis.put("connected_replicas", replication.connectedReplicas());
    redis.put("replication_offset", replication.offset());
    var replicas = redis.putArray("replicas");
    for (Replication.Replica r : replication.replicas()) {
      ObjectNode one = replicas.addObject();
      one.put("address", r.address());
      one.put("state", r.state());
      one.put("offset", r.offset());
      one.put("lag_seconds", r.lagSeconds());
    }
    redis.put("maxmemory_policy", eviction.policy());
    redis.put("maxmemory_policy_source", eviction.source());
    redis.put("eviction_risk", eviction.risk().wireName());
    redis.put("eviction_warning", eviction.problem().orElse(null));
    if (clockOffset.isPresent()) {
      redis.put("clock_offset_seconds", clockOffset.get().toNanos() / 1e9);
    } else {
      redis.putNull("clock_offset_seconds");
    }
  }

  /**
   * Prints {@code first} and {@code text} in lines of at most {@code width}, words kept whole, the
   * lines after the first starting with {@code indent}.
   */
  private static void wrapped(
      PrintWriter out, String first, String text, String indent, int width) {
    StringBuilder line = new StringBuilder(first);
    int start = first.length(); // where this line's words begin
    for (String word : text.split(" ")) {
      if (line.length() > start && line.length() + 1 + word.length() > width) {
        out.println(line);
        line.setLength(0);
        line.append(indent);
        start = indent.length();
      }
      if (line.length() > start) {
        line.append(' ');
      }
      line.append(word);
    }
    out.println(line);
  }
}
