package dev.herald.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * The HTTP API: {@code POST /v1/notifications} and friends.
 *
 * @param listen {@code host:port} to serve it on (as {@code ops.listen}), or {@code off}
 * @param tokens bearer tokens, each bound to the producer it may submit as; only their SHA-256 is
 *     kept in the file
 * @param tokensFile more tokens, one {@code <producer> <sha256 hex>} per line ({@code #} comments)
 * @param maxBodyBytes largest request body; a larger one is answered 413
 * @param maxBatch most notifications in one array; more are answered 413
 * @param threads most requests served at once
 * @param tls optional TLS: a PKCS#12 key store
 */
public record ApiSettings(
    String listen,
    List<ApiToken> tokens,
    String tokensFile,
    Long maxBodyBytes,
    Integer maxBatch,
    Integer threads,
    TlsSettings tls) {

  public static final String OFF = "off";

  public ApiSettings {
    listen = listen == null ? "127.0.0.1:9465" : listen;
    tokens = tokens == null ? List.of() : List.copyOf(tokens);
    maxBodyBytes = maxBodyBytes == null ? 16L * 1024 * 1024 : maxBodyBytes;
    maxBatch = maxBatch == null ? 1000 : maxBatch;
    threads = threads == null ? 64 : threads;
    tls = tls == null ? new TlsSettings(null, null) : tls;
  }

  static ApiSettings defaults() {
    return new ApiSettings(null, null, null, null, null, null, null);
  }

  public boolean enabled() {
    return !OFF.equals(listen);
  }

  /** The host and port of {@link #listen}, unresolved; see {@link OpsSettings#address()}. */
  public InetSocketAddress address() {
    return new OpsSettings(listen, null, null).address();
  }

  /** True when {@link #listen} names a loopback address (only this host can connect). */
  public boolean loopbackOnly() {
    String host = address().getHostString();
    if (host.equals("localhost")) {
      return true;
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * Every token: those of {@link #tokens} and those of {@link #tokensFile}.
   *
   * @throws IllegalArgumentException naming the file and line of a bad entry
   */
  public List<ApiToken> allTokens() {
    List<ApiToken> all = new java.util.ArrayList<>(tokens);
    if (tokensFile != null) {
      all.addAll(readTokensFile(java.nio.file.Path.of(tokensFile)));
    }
    return all;
  }

  /** Reads lines of {@code <producer> <sha256 hex>}; blank lines and {@code #} comments skipped. */
  static List<ApiToken> readTokensFile(java.nio.file.Path file) {
    List<String> lines;
    try {
      lines = java.nio.file.Files.readAllLines(file);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("cannot be read: " + e);
    }
    List<ApiToken> out = new java.util.ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\\s+");
      if (parts.length != 2) {
        throw new IllegalArgumentException(
            "line " + (i + 1) + " must be '<producer> <sha256 of the token>'");
      }
      out.add(new ApiToken(parts[0], parts[1]));
    }
    return out;
  }

  /**
   * A bearer token of a producer.
   *
   * @param sha256 the token's SHA-256, 64 hex digits ({@code printf %s "$TOKEN" | sha256sum})
   */
  public record ApiToken(String producer, String sha256) {}

  /**
   * TLS for the API; off unless {@code keystore} is set.
   *
   * @param keystore a PKCS#12 file with the server's key and certificate chain
   * @param keystorePassword its password; {@code HERALD_API_TLS_PASSWORD} supplies it too
   */
  public record TlsSettings(String keystore, String keystorePassword) {
    public boolean enabled() {
      return keystore != null;
    }
  }
}
