package dev.herald.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code bench api}: POSTs notifications to a running Herald's HTTP API at a fixed rate, open loop
 * (request i is due at start + i/rate whether or not the answers before it came; its latency is
 * counted from when it was due, so that a stall shows in the figures instead of slowing the client
 * down), over keep-alive connections, each notification of 10 recipients with a ~250-byte payload
 * as {@code src/test/bench/api/post.lua} sends them. Plain HTTP/1.1 on sockets: the client must
 * cost little next to the server on the same cores.
 */
public final class ApiLoad {

  /**
   * @param url the API's {@code /v1/notifications}, http only
   * @param warmup sent first at the same rate, not measured
   * @param token a bearer token, or null
   * @param sendAt the notifications' {@code send_at} (ISO-8601), or null for due at once
   */
  public record Options(
      URI url,
      int rate,
      Duration duration,
      Duration warmup,
      int connections,
      String token,
      String sendAt) {}

  private final Options options;
  private final byte[] request;
  private final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
  private final LongAdder failures = new LongAdder();

  public ApiLoad(Options options) {
    if (!"http".equals(options.url().getScheme())) {
      throw new IllegalArgumentException("bench api speaks plain http, not " + options.url());
    }
    this.options = options;
    this.request = request(options);
  }

  /** The body of {@code post.lua}: 10 recipients, a ~250-byte payload. */
  static String body(String sendAt) {
    StringBuilder recipients = new StringBuilder();
    for (int i = 1; i <= 10; i++) {
      recipients.append(i == 1 ? "" : ",").append(String.format("\"u-%02d\"", i));
    }
    String payload =
        "{\"game\":\"g-7341\",\"turn\":42,\"board\":\""
            + "x".repeat(160)
            + "\",\"players\":[\"alice\",\"bob\"],\"deadline\":\"2026-11-25T12:00:00Z\"}";
    return "{\"type\":\"game.turn_ready\",\"producer\":\"bench-api\",\"recipients\":["
        + recipients
        + "],\"channels\":[\"push\"],\"payload\":"
        + payload
        + (sendAt == null ? "" : ",\"send_at\":\"" + sendAt + "\"")
        + "}";
  }

  private static byte[] request(Options o) {
    byte[] body = body(o.sendAt()).getBytes(StandardCharsets.UTF_8);
    int port = o.url().getPort() < 0 ? 80 : o.url().getPort();
    String head =
        "POST "
            + o.url().getRawPath()
            + " HTTP/1.1\r\nHost: "
            + o.url().getHost()
            + ":"
            + port
            + "\r\nContent-Type: application/json\r\nContent-Length: "
            + body.length
            + "\r\n"
            + (o.token() == null ? "" : "Authorization: Bearer " + o.token() + "\r\n")
            + "\r\n";
    byte[] h = head.getBytes(StandardCharsets.US_ASCII);
    byte[] all = Arrays.copyOf(h, h.length + body.length);
    System.arraycopy(body, 0, all, h.length, body.length);
    return all;
  }

  public BenchResult run(String command) throws InterruptedException {
    long period = 1_000_000_000L / options.rate();
    long start = System.nanoTime() + 200_000_000L;
    long measureFrom = start + options.warmup().toNanos();
    long end = measureFrom + options.duration().toNanos();
    AtomicLong slots = new AtomicLong();
    AtomicLongArray worst = new AtomicLongArray((int) options.duration().toSeconds() + 1);
    List<long[]> perThread = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < options.connections(); c++) {
      long[][] mine = {new long[1024]};
      int[] count = {0};
      perThread.add(null);
      int index = c;
      Thread t =
          new Thread(
              () -> {
                Connection conn = null;
                while (true) {
                  long due = start + slots.getAndIncrement() * period;
                  if (due >= end) {
                    break;
                  }
                  long wait = due - System.nanoTime();
                  if (wait > 0) {
                    LockSupport.parkNanos(wait);
                  }
                  try {
                    if (conn == null) {
                      conn = new Connection(options.url());
                    }
                    int status = conn.exchange(request);
                    long latency = System.nanoTime() - due;
                    if (due >= measureFrom) {
                      int second = (int) ((due - measureFrom) / 1_000_000_000L);
                      worst.accumulateAndGet(
                          Math.min(second, worst.length() - 1), latency, Math::max);
                      statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
                      if (count[0] == mine[0].length) {
                        mine[0] = Arrays.copyOf(mine[0], mine[0].length * 2);
                      }
                      mine[0][count[0]++] = latency;
                    }
                  } catch (IOException e) {
                    failures.increment();
                    conn = close(conn);
                  }
                }
                close(conn);
                synchronized (perThread) {
                  perThread.set(index, Arrays.copyOf(mine[0], count[0]));
                }
              },
              "bench-api-" + c);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    long[] all;
    synchronized (perThread) {
      all = perThread.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    }
    return result(command, all, worst);
  }

  private BenchResult result(String command, long[] sorted, AtomicLongArray worst) {
    double seconds = options.duration().toNanos() / 1e9;
    BenchResult r =
        new BenchResult("api")
            .context("url", options.url())
            .context("rate_offered", options.rate() + "/s")
            .context("duration_s", options.duration().toSeconds())
            .context("connections", options.connections())
            .context("send_at", options.sendAt() == null ? "now" : options.sendAt())
            .command(command);
    r.add(new Figure("answered_per_s", sorted.length / seconds, "requests/s"));
    r.add(new Figure("latency_p50", percentile(sorted, 0.50), "ms"));
    r.add(new Figure("latency_p90", percentile(sorted, 0.90), "ms"));
    r.add(new Figure("latency_p99", percentile(sorted, 0.99), "ms"));
    r.add(new Figure("latency_p999", percentile(sorted, 0.999), "ms"));
    r.add(
        new Figure("latency_max", sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6, "ms"));
    Map<Integer, Long> byStatus = new TreeMap<>();
    statuses.forEach((k, v) -> byStatus.put(k, v.sum()));
    r.note("statuses " + byStatus + ", connection failures " + failures.sum());
    // When the slow answers came: one stall (a pause) or spread over the run (a busy machine).
    List<Integer> bySecond = new ArrayList<>();
    for (int i = 0; i < worst.length(); i++) {
      bySecond.add(i);
    }
    bySecond.sort((a, b) -> Long.compare(worst.get(b), worst.get(a)));
    StringBuilder top = new StringBuilder();
    for (int i = 0; i < Math.min(5, bySecond.size()); i++) {
      int sec = bySecond.get(i);
      top.append(i == 0 ? "" : ", ")
          .append(String.format(java.util.Locale.ROOT, "%ds: %.1f ms", sec, worst.get(sec) / 1e6));
    }
    long over = bySecond.stream().filter(sec -> worst.get(sec) > 10_000_000L).count();
    r.note(
        "slowest answer per second, worst first: "
            + top
            + "; seconds with one over 10 ms: "
            + over
            + " of "
            + worst.length());
    return r;
  }

  private static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
    return sorted[Math.max(0, i)] / 1e6;
  }

  private static Connection close(Connection c) {
    if (c != null) {
      c.close();
    }
    return null;
  }

  /** One keep-alive HTTP/1.1 connection: writes a request, reads the answer's status and body. */
  private static final class Connection {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    Connection(URI url) throws IOException {
      socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.connect(
          new InetSocketAddress(url.getHost(), url.getPort() < 0 ? 80 : url.getPort()), 2000);
      socket.setSoTimeout(30_000);
      out = socket.getOutputStream();
      in = new BufferedInputStream(socket.getInputStream(), 8192);
    }

    int exchange(byte[] request) throws IOException {
      out.write(request);
      out.flush();
      String status = line();
      if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
        throw new IOException("not an HTTP answer: " + status);
      }
      int code = Integer.parseInt(status.substring(9, 12));
      long length = -1;
      boolean closes = false;
      for (String h = line(); !h.isEmpty(); h = line()) {
        int colon = h.indexOf(':');
        String name = colon < 0 ? h : h.substring(0, colon).trim();
        if (name.equalsIgnoreCase("Content-Length")) {
          length = Long.parseLong(h.substring(colon + 1).trim());
        } else if (name.equalsIgnoreCase("Connection")
            && h.substring(colon + 1).trim().equalsIgnoreCase("close")) {
          closes = true;
        }
      }
      if (length < 0) {
        throw new IOException("answer without Content-Length");
      }
      in.skipNBytes(length);
      if (closes) {
        throw new IOException("the server closed the connection");
      }
      return code;
    }

    private String line() throws IOException {
      StringBuilder s = new StringBuilder(64);
      for (int b = in.read(); b != '\n'; b = in.read()) {
        if (b < 0) {
          throw new IOException("connection closed");
        }
        if (b != '\r') {
          s.append((char) b);
        }
      }
      return s.toString();
    }

    void close() {
      try {
        socket.close();
      } catch (IOException e) {
        // going anyway
      }
    }
  }
}
