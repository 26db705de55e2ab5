package dev.herald.store.redis;

import dev.herald.store.MasterProbe;
import dev.herald.store.ServerProbe;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/**
 * {@link MasterProbe} from each master's {@code INFO cpu} and {@code INFO commandstats}; what is
 * about the server as a whole, from the one-Redis or the cluster {@link ServerProbe} it is given.
 */
final class RedisMasterProbe extends ForwardingServerProbe implements MasterProbe {

  private final UnifiedJedis redis;
  private final RedisMasters masters;

  RedisMasterProbe(UnifiedJedis redis, RedisMasters masters, ServerProbe server) {
    super(server);
    this.redis = redis;
    this.masters = masters;
  }

  @Override
  public List<MasterReading> read() {
    List<MasterReading> readings = new ArrayList<>();
    for (RedisMasters.Master m : masters.masters()) {
      String cpu = masters.info(m, "cpu");
      long[] scripts = scriptStats(masters.info(m, "commandstats"));
      readings.add(
          new MasterReading(
              m.address(),
              m.shards(),
              Double.parseDouble(RedisMasters.field(cpu, "used_cpu_user"))
                  + Double.parseDouble(RedisMasters.field(cpu, "used_cpu_sys")),
              scripts[0],
              scripts[1]));
    }
    return readings;
  }

  /** Calls and microseconds of {@code EVALSHA} and {@code EVAL} in an {@code INFO commandstats}. */
  static long[] scriptStats(String commandstats) {
    long calls = 0;
    long micros = 0;
    for (String line : commandstats.split("\r?\n")) {
      if (line.startsWith("cmdstat_evalsha:") || line.startsWith("cmdstat_eval:")) {
        calls += number(line, "calls=");
        micros += number(line, "usec=");
      }
    }
    return new long[] {calls, micros};
  }

  private static long number(String line, String name) {
    int at = line.indexOf(name);
    if (at < 0) {
      return 0;
    }
    int end = line.indexOf(',', at);
    return Long.parseLong(line.substring(at + name.length(), end < 0 ? line.length() : end));
  }

  @Override
  public List<Long> streamLengths(List<String> streams) {
    return RedisErrors.call(
        "reading stream lengths",
        () -> {
          List<Response<Long>> replies = new ArrayList<>(streams.size());
          try (AbstractPipeline pipe = redis.pipelined()) {
            streams.forEach(s -> replies.add(pipe.xlen(s)));
            pipe.sync();
          }
          return replies.stream().map(Response::get).toList();
        });
  }
}
