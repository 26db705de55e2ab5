package dev.herald.store.redis;

import dev.herald.config.RedisTlsSettings;
import dev.herald.config.TlsMaterial;
import java.io.ByteArrayInputStream;
import java.security.KeyStore;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.SslVerifyMode;

/**
 * Jedis's {@link SslOptions} from {@code redis.tls} (or {@code redis.sentinel.tls}): the trust
 * store made of the CA file (or the trust store as it is; neither: the JVM's default trust), the
 * client's certificate and key for mutual TLS, and hostname verification unless switched off.
 */
final class TlsOptions {

  private TlsOptions() {}

  /**
   * @param key the settings' dotted path, for messages
   * @throws IllegalArgumentException naming the key when a file cannot be used
   */
  static SslOptions of(RedisTlsSettings tls, String key) {
    SslOptions.Builder b =
        SslOptions.builder()
            .sslVerifyMode(tls.verifiesHostname() ? SslVerifyMode.FULL : SslVerifyMode.CA);
    KeyStore trust = TlsMaterial.trustStore(tls, key);
    if (trust != null) {
      byte[] bytes = TlsMaterial.bytes(trust, TlsMaterial.IN_MEMORY_PASSWORD);
      b.trustStoreType("PKCS12")
          .truststore(() -> new ByteArrayInputStream(bytes), TlsMaterial.IN_MEMORY_PASSWORD);
    }
    KeyStore client = TlsMaterial.keyStore(tls, key);
    if (client != null) {
      byte[] bytes = TlsMaterial.bytes(client, TlsMaterial.IN_MEMORY_PASSWORD);
      b.keyStoreType("PKCS12")
          .keystore(() -> new ByteArrayInputStream(bytes), TlsMaterial.IN_MEMORY_PASSWORD);
    }
    return b.build();
  }
}
