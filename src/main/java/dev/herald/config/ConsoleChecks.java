package dev.herald.config;

import dev.herald.config.ConsoleSettings.ConsoleUser;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The checks of {@code console}: its address and its users. */
final class ConsoleChecks extends ConfigChecks {

  /** {@code pbkdf2-sha256:<iterations>:<salt>:<hash>}, as {@code herald console hash-password}. */
  static final String HASH_FORMAT =
      "pbkdf2-sha256:[0-9]{4,8}:[A-Za-z0-9+/=]{8,}:[A-Za-z0-9+/=]{32,}";

  ConsoleChecks(List<String> problems) {
    super(problems);
  }

  void console(HeraldConfig c) {
    ConsoleSettings console = c.console();
    if (console.enabled()) {
      try {
        int port = console.address().getPort();
        for (String other : List.of("ops", "api")) {
          String taken = other.equals("ops") ? c.ops().listen() : c.api().listen();
          if (console.listen().equals(taken) && port != 0) {
            problems.add(
                "console.listen must differ from " + other + ".listen (both '" + taken + "')");
          }
        }
      } catch (IllegalArgumentException e) {
        problems.add("console.listen " + e.getMessage() + " (was '" + console.listen() + "')");
      }
    }
    between("console.recipient-index-max", console.recipientIndexMax(), 1, 10_000);
    if (console.tls().enabled()
        && !java.nio.file.Files.isReadable(java.nio.file.Path.of(console.tls().keystore()))) {
      problems.add(
          "console.tls.keystore must be a readable PKCS#12 file (was '"
              + console.tls().keystore()
              + "')");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < console.users().size(); i++) {
      ConsoleUser u = console.users().get(i);
      String key = "console.users[" + i + "]";
      if (u.name() == null || !u.name().matches("[A-Za-z0-9_.@-]{1,64}")) {
        problems.add(key + ".name must be 1 to 64 of A-Z a-z 0-9 _ . @ - (was '" + u.name() + "')");
      } else if (!names.add(u.name())) {
        problems.add(key + ".name '" + u.name() + "' is listed twice");
      }
      if (u.passwordHash() == null || !u.passwordHash().matches(HASH_FORMAT)) {
        problems.add(
            key
                + ".password-hash must be what `herald console hash-password` prints"
                + " (pbkdf2-sha256:<iterations>:<salt>:<hash>); the password itself is never"
                + " written in the file");
      }
    }
  }
}
