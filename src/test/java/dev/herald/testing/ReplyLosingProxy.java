package dev.herald.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP proxy in front of a Redis that can lose replies: while {@link #loseScriptReplies} is on, a
 * connection that sends a script call ({@code EVALSHA}) gets no reply to it or to anything after,
 * though Redis runs it. That is a reply lost on the way back (a network that fails after the
 * command went out), which no Redis command can make: a paused or sleeping Redis also holds the
 * commands a client sends before its script.
 */
public final class ReplyLosingProxy implements AutoCloseable {

  private static final byte[] SCRIPT_CALL = "EVALSHA".getBytes(StandardCharsets.US_ASCII);

  private final ServerSocket server;
  private final int redisPort;
  private final AtomicBoolean losing = new AtomicBoolean();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  private ReplyLosingProxy(int redisPort) throws IOException {
    this.redisPort = redisPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::acceptLoop, "reply-losing-proxy");
    accept.setDaemon(true);
    accept.start();
  }

  /** A proxy on a free loopback port in front of the Redis on {@code redisPort}. */
  public static ReplyLosingProxy to(int redisPort) {
    try {
      return new ReplyLosingProxy(redisPort);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String url() {
    return "redis://127.0.0.1:" + server.getLocalPort();
  }

  /** From now on, connections that send a script call get no more replies. */
  public void loseScriptReplies(boolean on) {
    losing.set(on);
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket redis = new Socket(InetAddress.getLoopbackAddress(), redisPort);
        sockets.add(client);
        sockets.add(redis);
        AtomicBoolean swallow = new AtomicBoolean();
        pump(client, redis, swallow, true);
        pump(redis, client, swallow, false);
      } catch (IOException closed) {
        return;
      }
    }
  }

  /**
   * Copies {@code from} to {@code to}. Towards Redis it watches for a script call while losing is
   * on; back to the client it drops everything once one was seen.
   */
  private void pump(Socket from, Socket to, AtomicBoolean swallow, boolean towardsRedis) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[64 * 1024];
              byte[] tail = new byte[0];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                  if (towardsRedis && losing.get()) {
                    byte[] window = new byte[tail.length + n];
                    System.arraycopy(tail, 0, window, 0, tail.length);
                    System.arraycopy(buf, 0, window, tail.length, n);
                    if (contains(window, SCRIPT_CALL)) {
                      swallow.set(true);
                    }
                    int keep = Math.min(window.length, SCRIPT_CALL.length - 1);
                    tail =
                        java.util.Arrays.copyOfRange(window, window.length - keep, window.length);
                  }
                  if (towardsRedis || !swallow.get()) {
                    out.write(buf, 0, n);
                    out.flush();
                  }
                }
              } catch (IOException closed) {
                // either side went away: so does the other
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "reply-losing-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static boolean contains(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (Character.toUpperCase(hay[i + j]) != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    sockets.forEach(ReplyLosingProxy::closeQuietly);
  }
}
