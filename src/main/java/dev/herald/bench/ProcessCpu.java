package dev.herald.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;

/**
 * CPU time of a local process and its children, from {@code /proc} (Linux): how the benchmarks
 * measure a server they do not run themselves, such as PostgreSQL.
 */
public final class ProcessCpu {

  /** {@code /proc/<pid>/stat} counts in clock ticks of 1/100 s on Linux. */
  private static final double TICKS_PER_SECOND = 100.0;

  private ProcessCpu() {}

  /**
   * CPU seconds (user + system) of {@code pid}, of its children that it has waited for, and of its
   * live children: for PostgreSQL's postmaster, the whole server, backends that already ended
   * included.
   */
  public static double ofTree(long pid) {
    double total = own(pid, true).orElse(0);
    for (ProcessHandle child :
        ProcessHandle.of(pid).map(p -> p.children().toList()).orElseThrow()) {
      total += own(child.pid(), false).orElse(0);
    }
    return total;
  }

  /** The parent of a local process, when {@code /proc} has it. */
  public static long parent(long pid) {
    return ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElse(-1L);
  }

  private static OptionalDouble own(long pid, boolean withReapedChildren) {
    String stat;
    try {
      stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    } catch (IOException e) {
      return OptionalDouble.empty();
    }
    // The command name (field 2) may hold spaces; the fields after it start past its ')'.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // utime, stime, cutime, cstime are fields 14-17 of the whole line: 11-14 from field 3 on.
    double ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    if (withReapedChildren) {
      ticks += Long.parseLong(f[13]) + Long.parseLong(f[14]);
    }
    return OptionalDouble.of(ticks / TICKS_PER_SECOND);
  }
}
