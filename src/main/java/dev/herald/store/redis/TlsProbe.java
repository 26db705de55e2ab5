package dev.herald.store.redis;

import dev.herald.config.RedisTlsSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

/**
 * Asks a TLS server why it dropped Herald's first connection. Under TLS 1.3 a server that refuses
 * the client's certificate says so (an alert) only after the client finished its side of the
 * handshake, so Jedis's first command may meet a bare "Broken pipe". This probe completes a
 * handshake and only listens: the alert, if any, comes without a write to cut it off.
 */
final class TlsProbe {

  private TlsProbe() {}

  /** Why the server refuses TLS from this client, or null when it takes the connection. */
  static String refusal(RedisTlsSettings tls, String key, String host, int port, int timeoutMs) {
    try {
      SSLContext context = TlsOptions.of(tls, key).createSslContext();
      try (Socket plain = new Socket()) {
        plain.connect(new InetSocketAddress(host, port), timeoutMs);
        try (SSLSocket socket =
            (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true)) {
          socket.setSSLParameters(TlsOptions.of(tls, key).getSslParameters());
          socket.setSoTimeout(Math.min(timeoutMs, 1000));
          socket.startHandshake();
          InputStream in = socket.getInputStream();
          try {
            in.read();
          } catch (SocketTimeoutException waitingForACommand) {
            return null; // the server waits for a command: it took the connection
          }
          return null;
        }
      }
    } catch (SSLException e) {
      return TlsFailures.describe(e, key, tls, host);
    } catch (IOException | java.security.GeneralSecurityException | RuntimeException e) {
      return null;
    }
  }
}
