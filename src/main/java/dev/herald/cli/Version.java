package dev.herald.cli;

import dev.herald.daemon.Daemon;
import picocli.CommandLine.IVersionProvider;

/** {@code herald --version}: the version from the jar's manifest. */
public final class Version implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = Daemon.version();
    return new String[] {
      "herald " + ("dev".equals(v) ? "(development build)" : v),
      "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
    };
  }
}
