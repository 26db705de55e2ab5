package dev.herald.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP proxy in front of Redis that, when armed, lets the next script call ({@code EVALSHA})
 * through and drops its reply (or the reply of every script call until disarmed): Redis has run the
 * script, the caller sees its connection close. So a test can make "the reply was lost after Redis
 * ran the script" happen at an exact step, without waiting for a client timeout. A {@code NOSCRIPT}
 * reply is let through (the script did not run) and the drop waits for the call that follows it.
 */
final class ReplyDroppingProxy implements AutoCloseable {

  private final ServerSocket server;
  private final int targetPort;
  private final AtomicBoolean armed = new AtomicBoolean();
  private volatile boolean everyCall;
  private final AtomicBoolean dropped = new AtomicBoolean();
  private final Thread acceptor;

  ReplyDroppingProxy(int targetPort) {
    this.targetPort = targetPort;
    try {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    acceptor = new Thread(this::acceptLoop, "reply-dropping-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  String url() {
    return "redis://127.0.0.1:" + server.getLocalPort();
  }

  /**
   * The reply of the next script call through the proxy will be dropped.
   *
   * @param everyCall the reply of every script call will be, until {@link #disarm}
   */
  void armDrop(boolean everyCall) {
    dropped.set(false);
    this.everyCall = everyCall;
    armed.set(true);
  }

  /** Disarms; true when a reply was dropped since {@link #armDrop}. */
  boolean disarm() {
    armed.set(false);
    return dropped.get();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket redis = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        Connection c = new Connection(client, redis);
        start("proxy-up", c::pumpRequests);
        start("proxy-down", c::pumpReplies);
      } catch (IOException e) {
        // closed, or Redis is down: the client sees its connection fail
      }
    }
  }

  private static void start(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }

  /** One client connection and its connection to Redis. */
  private final class Connection {
    private final Socket client;
    private final Socket redis;
    private volatile boolean dropNextReply;

    Connection(Socket client, Socket redis) {
      this.client = client;
      this.redis = redis;
    }

    void pumpRequests() {
      byte[] buf = new byte[65_536];
      try (InputStream in = client.getInputStream()) {
        OutputStream out = redis.getOutputStream();
        for (int n = in.read(buf); n > 0; n = in.read(buf)) {
          if (armed.get()
              && isScriptCall(buf, n)
              && (everyCall || armed.compareAndSet(true, false))) {
            dropNextReply = true; // before the request goes on, so the reply finds it set
          }
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException closed) {
        // either side went away
      } finally {
        closeBoth();
      }
    }

    void pumpReplies() {
      byte[] buf = new byte[65_536];
      try (InputStream in = redis.getInputStream()) {
        OutputStream out = client.getOutputStream();
        for (int n = in.read(buf); n > 0; n = in.read(buf)) {
          if (dropNextReply) {
            dropNextReply = false;
            if (new String(buf, 0, Math.min(n, 9), StandardCharsets.ISO_8859_1)
                .startsWith("-NOSCRIPT")) {
              armed.set(true); // the script did not run; drop the reply of the reload's call
            } else {
              dropped.set(true);
              return; // Redis ran the script; the caller never hears of it
            }
          }
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException closed) {
        // either side went away
      } finally {
        closeBoth();
      }
    }

    private void closeBoth() {
      try {
        client.close();
      } catch (IOException ignored) {
        // closing anyway
      }
      try {
        redis.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  private static boolean isScriptCall(byte[] buf, int n) {
    String head = new String(buf, 0, Math.min(n, 64), StandardCharsets.ISO_8859_1);
    return head.toUpperCase(java.util.Locale.ROOT).contains("EVALSHA");
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
