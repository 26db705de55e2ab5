package dev.herald.config;

/**
 * TLS to Redis ({@code redis.tls}) or to the sentinels ({@code redis.sentinel.tls}).
 *
 * @param enabled TLS on; for {@code redis.tls} null means "as the URL says" ({@code rediss://}),
 *     for {@code redis.sentinel.tls} null means off
 * @param caFile PEM file of the certificates (one or more) the server's certificate must chain to;
 *     null: the trust store, else the JVM's default trust
 * @param truststore a PKCS#12 (or JKS) trust store instead of {@code caFile}
 * @param truststorePassword its password; null for none
 * @param certFile PEM file of this client's certificate (chain first) for mutual TLS
 * @param keyFile PEM file of its private key (PKCS#8, unencrypted); with {@code certFile}
 * @param verifyHostname check that the server's certificate names the host connected to; on unless
 *     set to false
 */
public record RedisTlsSettings(
    Boolean enabled,
    String caFile,
    String truststore,
    String truststorePassword,
    String certFile,
    String keyFile,
    Boolean verifyHostname) {

  public static RedisTlsSettings defaults() {
    return new RedisTlsSettings(null, null, null, null, null, null, null);
  }

  /** Whether the server's certificate must name the host: true unless switched off. */
  public boolean verifiesHostname() {
    return !Boolean.FALSE.equals(verifyHostname);
  }

  /** This, with each unset key taken from {@code base} ({@code enabled} excepted). */
  RedisTlsSettings inheriting(RedisTlsSettings base) {
    return new RedisTlsSettings(
        enabled,
        caFile != null || truststore != null ? caFile : base.caFile,
        caFile != null || truststore != null ? truststore : base.truststore,
        truststorePassword != null ? truststorePassword : base.truststorePassword,
        certFile != null ? certFile : base.certFile,
        keyFile != null ? keyFile : base.keyFile,
        verifyHostname != null ? verifyHostname : base.verifyHostname);
  }

  /** Without the password, so that printing a config never shows it. */
  @Override
  public String toString() {
    return "RedisTlsSettings[enabled="
        + enabled
        + ", caFile="
        + caFile
        + ", truststore="
        + truststore
        + ", truststorePassword="
        + (truststorePassword == null ? null : "***")
        + ", certFile="
        + certFile
        + ", keyFile="
        + keyFile
        + ", verifyHostname="
        + verifyHostname
        + "]";
  }
}
