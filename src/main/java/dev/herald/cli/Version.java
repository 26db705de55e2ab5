package dev.herald.cli;

import picocli.CommandLine.IVersionProvider;

/** {@code herald --version}: the version from the jar's manifest. */
public final class Version implements IVersionProvider {
  /** The version, or {@code dev} when not run from the jar. */
  static String number() {
    String v = Version.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  @Override
  public String[] getVersion() {
    String v = Version.class.getPackage().getImplementationVersion();
    return new String[] {
      "herald " + (v == null ? "(development build)" : v),
      "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
    };
  }
}
