package dev.herald.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates for the TLS tests, made once per test JVM with the JDK's own {@code keytool} (so the
 * tests need nothing but Java): a CA, a server certificate it signed for {@code localhost} and
 * {@code 127.0.0.1}, a client certificate it signed (mutual TLS), a second CA that signed nothing
 * Redis shows (a wrong {@code ca-file}), and a server certificate for another host name only. Keys
 * are EC P-256, written as unencrypted PKCS#8 PEM, which Redis and Herald read.
 *
 * @param ca the CA certificate (PEM)
 * @param serverCert the server's certificate (PEM), for localhost and 127.0.0.1
 * @param serverKey its key
 * @param clientCert the client's certificate (PEM), signed by {@code ca}
 * @param clientKey its key
 * @param otherCa a CA that signed none of these
 * @param otherNameCert a server certificate signed by {@code ca} for {@code redis.elsewhere.test}
 *     only, with {@code serverKey}
 */
public record TestCertificates(
    Path ca,
    Path serverCert,
    Path serverKey,
    Path clientCert,
    Path clientKey,
    Path otherCa,
    Path otherNameCert) {

  private static final String PW = "test-store-pw";
  private static TestCertificates made;

  /** The certificates, made on first use in a temporary directory. */
  public static synchronized TestCertificates get() {
    if (made == null) {
      try {
        made = make(Files.createTempDirectory("herald-tls-"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return made;
  }

  /** {@code redis-server} options for TLS on {@code tlsPort}, clients' certificates as given. */
  public List<String> serverArgs(int tlsPort, Path cert, String authClients) {
    return List.of(
        "--tls-port",
        Integer.toString(tlsPort),
        "--tls-cert-file",
        cert.toString(),
        "--tls-key-file",
        serverKey.toString(),
        "--tls-ca-cert-file",
        ca.toString(),
        "--tls-auth-clients",
        authClients);
  }

  private static TestCertificates make(Path dir) throws IOException {
    keyPair(dir, "ca", "CN=Herald Test CA", "bc:c");
    exportCert(dir, "ca", dir.resolve("ca.pem"));
    keyPair(dir, "other-ca", "CN=Some Other CA", "bc:c");
    exportCert(dir, "other-ca", dir.resolve("other-ca.pem"));
    keyPair(dir, "server", "CN=localhost", null);
    signed(dir, "server", "SAN=dns:localhost,ip:127.0.0.1", dir.resolve("server.pem"));
    signed(dir, "server", "SAN=dns:redis.elsewhere.test", dir.resolve("other-name.pem"));
    writeKey(dir, "server", dir.resolve("server-key.pem"));
    keyPair(dir, "client", "CN=herald", null);
    signed(dir, "client", null, dir.resolve("client.pem"));
    writeKey(dir, "client", dir.resolve("client-key.pem"));
    return new TestCertificates(
        dir.resolve("ca.pem"),
        dir.resolve("server.pem"),
        dir.resolve("server-key.pem"),
        dir.resolve("client.pem"),
        dir.resolve("client-key.pem"),
        dir.resolve("other-ca.pem"),
        dir.resolve("other-name.pem"));
  }

  private static void keyPair(Path dir, String alias, String dname, String ext) throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "-genkeypair",
                "-alias",
                alias,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                dname,
                "-validity",
                "3",
                "-keystore",
                store(dir, alias),
                "-storetype",
                "PKCS12",
                "-storepass",
                PW));
    if (ext != null) {
      args.addAll(List.of("-ext", ext));
    }
    keytool(args);
  }

  private static void exportCert(Path dir, String alias, Path pem) throws IOException {
    keytool(
        List.of(
            "-exportcert",
            "-rfc",
            "-alias",
            alias,
            "-keystore",
            store(dir, alias),
            "-storepass",
            PW,
            "-file",
            pem.toString()));
  }

  /** The CA signs {@code alias}'s key, with {@code san} (or none); the PEM holds the leaf. */
  private static void signed(Path dir, String alias, String san, Path pem) throws IOException {
    Path csr = dir.resolve(alias + ".csr");
    keytool(
        List.of(
            "-certreq",
            "-alias",
            alias,
            "-keystore",
            store(dir, alias),
            "-storepass",
            PW,
            "-file",
            csr.toString()));
    List<String> args =
        new ArrayList<>(
            List.of(
                "-gencert",
                "-rfc",
                "-alias",
                "ca",
                "-keystore",
                store(dir, "ca"),
                "-storepass",
                PW,
                "-infile",
                csr.toString(),
                "-outfile",
                pem.toString(),
                "-validity",
                "3",
                "-ext",
                "KU=digitalSignature,keyAgreement",
                "-ext",
                "EKU=serverAuth,clientAuth"));
    if (san != null) {
      args.addAll(List.of("-ext", san));
    }
    keytool(args);
  }

  private static void writeKey(Path dir, String alias, Path pem) throws IOException {
    try (InputStream in = Files.newInputStream(Path.of(store(dir, alias)))) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, PW.toCharArray());
      Key key = store.getKey(alias, PW.toCharArray());
      String body =
          Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
              .encodeToString(key.getEncoded());
      Files.writeString(
          pem, "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n");
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read the key of " + alias, e);
    }
  }

  private static String store(Path dir, String alias) {
    return dir.resolve(alias + ".p12").toString();
  }

  private static void keytool(List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("keytool " + String.join(" ", args) + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
