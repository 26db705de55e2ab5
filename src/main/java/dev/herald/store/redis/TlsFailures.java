package dev.herald.store.redis;

import dev.herald.config.RedisTlsSettings;
import javax.net.ssl.SSLException;

/**
 * Says which setting a failed TLS handshake points at: the CA (the server's certificate does not
 * chain to it), the host name (the certificate does not name the host), the client certificate (the
 * server refused it), or the scheme (the port does not speak TLS). A configuration problem,
 * reported at start with exit 78 instead of retried.
 */
final class TlsFailures {

  private TlsFailures() {}

  /**
   * What to tell the operator, or null when {@code failure} is no TLS failure.
   *
   * @param key {@code redis.tls} or {@code redis.sentinel.tls}
   * @param host the host connected to
   */
  static String describe(Throwable failure, String key, RedisTlsSettings tls, String host) {
    SSLException ssl = null;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SSLException s) {
        ssl = s;
        break;
      }
    }
    if (ssl == null) {
      return null;
    }
    String all = chain(ssl);
    if (all.contains("No subject alternative") || all.contains("No name matching")) {
      return key
          + ".verify-hostname: the server's certificate does not name "
          + host
          + " ("
          + ssl.getMessage()
          + "); connect by a name the certificate has, or set "
          + key
          + ".verify-hostname: false";
    }
    if (all.contains("PKIX path") || all.contains("certification path")) {
      String trust =
          tls.caFile() != null
              ? key + ".ca-file: the server's certificate is not signed by a CA in " + tls.caFile()
              : tls.truststore() != null
                  ? key
                      + ".truststore: the server's certificate is not signed by a CA in "
                      + tls.truststore()
                  : key
                      + ".ca-file: the server's certificate is not signed by a CA the JVM trusts"
                      + " (set "
                      + key
                      + ".ca-file to the CA that signed it)";
      return trust + " (" + ssl.getMessage() + ")";
    }
    if (all.contains("Unsupported or unrecognized SSL message")) {
      return key
          + ": the server at "
          + host
          + " does not speak TLS on that port ("
          + ssl.getMessage()
          + "); use redis:// or its TLS port";
    }
    if ((all.contains("bad_certificate")
        || all.contains("certificate_required")
        || all.contains("certificate_unknown")
        || all.contains("unknown_ca"))) {
      return key
          + ".cert-file: the server refused this client's certificate ("
          + ssl.getMessage()
          + (tls.certFile() == null
              ? "; it asks for one: set " + key + ".cert-file and key-file"
              : "")
          + ")";
    }
    return key + ": the TLS handshake with " + host + " failed (" + ssl.getMessage() + ")";
  }

  private static String chain(Throwable t) {
    StringBuilder out = new StringBuilder();
    for (; t != null; t = t.getCause()) {
      out.append(t.getMessage()).append(" | ");
    }
    return out.toString();
  }
}
