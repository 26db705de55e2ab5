package dev.herald.store;

import java.util.List;

/**
 * A {@link ServerProbe} that also knows each master a sharded store runs on: which shards it
 * serves, its CPU, its script calls; and reads the lengths of many streams at once. On one Redis
 * there is one master, serving every shard. Not for the publishing path.
 */
public interface MasterProbe extends ServerProbe {

  /**
   * A reading of each master that serves a shard now, in address order.
   *
   * @throws StoreUnavailableException when a master does not answer
   */
  List<MasterReading> read();

  /**
   * The length of each stream (0 for one that does not exist), in the order given: one pipelined
   * round trip per master, so that watching a drain costs Redis next to nothing.
   */
  List<Long> streamLengths(List<String> streams);

  /**
   * One master at one moment.
   *
   * @param address {@code host:port}, as the cluster names it
   * @param shards the shards (indices) whose slot it serves, ascending
   * @param cpuSeconds {@code used_cpu_user + used_cpu_sys} since it started
   * @param scriptCalls {@code EVALSHA} and {@code EVAL} calls since its statistics were reset
   * @param scriptMicros the wall time spent inside those calls ({@code INFO commandstats} usec):
   *     more than their CPU when the server was descheduled during them
   */
  record MasterReading(
      String address,
      List<Integer> shards,
      double cpuSeconds,
      long scriptCalls,
      long scriptMicros) {}
}
