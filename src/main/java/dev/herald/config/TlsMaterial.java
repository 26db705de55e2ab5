package dev.herald.config;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The key stores TLS to Redis uses, made from the files {@code redis.tls} names: the CA
 * certificates of a PEM file (or a trust store as it is), and this client's certificate and key
 * (PEM) for mutual TLS. Pure JDK; each failure is an {@link IllegalArgumentException} that names
 * the key and the file.
 */
public final class TlsMaterial {

  /** The password of the in-memory key store that holds the client's key; never written out. */
  public static final char[] IN_MEMORY_PASSWORD = "herald-in-memory".toCharArray();

  private static final Pattern PEM =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----", Pattern.DOTALL);

  private TlsMaterial() {}

  /**
   * The certificates Redis's must chain to: from {@code caFile}, else {@code truststore}; null for
   * the JVM's default trust.
   *
   * @param key the settings' dotted path, {@code redis.tls} or {@code redis.sentinel.tls}
   */
  public static KeyStore trustStore(RedisTlsSettings tls, String key) {
    if (tls.caFile() != null) {
      List<X509Certificate> certs = certificates(Path.of(tls.caFile()), key + ".ca-file");
      try {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (int i = 0; i < certs.size(); i++) {
          store.setCertificateEntry("ca-" + i, certs.get(i));
        }
        return store;
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalArgumentException(key + ".ca-file: cannot hold its certificates: " + e);
      }
    }
    if (tls.truststore() != null) {
      Path file = Path.of(tls.truststore());
      char[] password =
          tls.truststorePassword() == null ? null : tls.truststorePassword().toCharArray();
      try (InputStream in = Files.newInputStream(file)) {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(in, password);
        return store;
      } catch (IOException | GeneralSecurityException e) {
        throw new IllegalArgumentException(
            key
                + ".truststore must be a readable PKCS#12 or JKS trust store, opened with "
                + key
                + ".truststore-password (was '"
                + file
                + "': "
                + e.getMessage()
                + ")");
      }
    }
    return null;
  }

  /** This client's certificate and key for mutual TLS; null when {@code cert-file} is unset. */
  public static KeyStore keyStore(RedisTlsSettings tls, String key) {
    if (tls.certFile() == null) {
      return null;
    }
    List<X509Certificate> chain = certificates(Path.of(tls.certFile()), key + ".cert-file");
    PrivateKey privateKey = privateKey(Path.of(tls.keyFile()), key + ".key-file");
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(
          "client", privateKey, IN_MEMORY_PASSWORD, chain.toArray(new Certificate[0]));
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException(
          key + ".key-file does not match " + key + ".cert-file: " + e.getMessage());
    }
  }

  /** The key store as PKCS#12 bytes, for a client that reads key stores from a stream. */
  public static byte[] bytes(KeyStore store, char[] password) {
    try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      store.store(out, password);
      return out.toByteArray();
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot write an in-memory key store", e);
    }
  }

  static List<X509Certificate> certificates(Path file, String key) {
    List<X509Certificate> certs = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (byte[] der : blocks(file, key, "CERTIFICATE")) {
        certs.add(
            (X509Certificate) factory.generateCertificate(new java.io.ByteArrayInputStream(der)));
      }
    } catch (CertificateException e) {
      throw new IllegalArgumentException(
          key
              + " holds a certificate that cannot be read (was '"
              + file
              + "': "
              + e.getMessage()
              + ")");
    }
    if (certs.isEmpty()) {
      throw new IllegalArgumentException(
          key
              + " must be a PEM file of certificates (-----BEGIN CERTIFICATE-----), and has none"
              + " (was '"
              + file
              + "')");
    }
    return certs;
  }

  static PrivateKey privateKey(Path file, String key) {
    String text = read(file, key);
    if (text.contains("BEGIN RSA PRIVATE KEY")
        || text.contains("BEGIN EC PRIVATE KEY")
        || text.contains("BEGIN ENCRYPTED PRIVATE KEY")) {
      throw new IllegalArgumentException(
          key
              + " must be an unencrypted PKCS#8 key (-----BEGIN PRIVATE KEY-----); convert it with"
              + " `openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8` (was '"
              + file
              + "')");
    }
    List<byte[]> keys = blocks(file, key, "PRIVATE KEY");
    if (keys.size() != 1) {
      throw new IllegalArgumentException(
          key
              + " must hold exactly one private key (-----BEGIN PRIVATE KEY-----), has "
              + keys.size()
              + " (was '"
              + file
              + "')");
    }
    for (String algorithm : List.of("RSA", "EC", "Ed25519", "EdDSA")) {
      try {
        return KeyFactory.getInstance(algorithm)
            .generatePrivate(new PKCS8EncodedKeySpec(keys.get(0)));
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException(
        key + " holds a key that is not RSA, EC or Ed25519 (was '" + file + "')");
  }

  private static List<byte[]> blocks(Path file, String key, String type) {
    Matcher m = PEM.matcher(read(file, key));
    List<byte[]> out = new ArrayList<>();
    while (m.find()) {
      if (m.group(1).equals(type)) {
        try {
          out.add(Base64.getMimeDecoder().decode(m.group(2).trim()));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              key + " has a PEM block that is not base64 (was '" + file + "')");
        }
      }
    }
    return out;
  }

  private static String read(Path file, String key) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          key + " must be a readable PEM file (was '" + file + "': " + e + ")");
    }
  }
}
