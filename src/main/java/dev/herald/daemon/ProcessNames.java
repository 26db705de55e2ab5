package dev.herald.daemon;

import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.ThreadLocalRandom;

/** How this process names itself to Redis: in lease tokens and as the intents' consumer. */
final class ProcessNames {

  private ProcessNames() {}

  /** {@code <host>-<pid>-<random>}: unique even when a pid is reused on the host. */
  static String leaseTag() {
    String random = Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36 * 36), 36);
    return consumer() + "-" + random;
  }

  /** {@code <host>-<pid>}: the consumer name in the intents stream's group. */
  static String consumer() {
    return hostName() + "-" + ProcessHandle.current().pid();
  }

  /** This host's name, as in the process names. */
  static String host() {
    return hostName();
  }

  private static String hostName() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9.-]", "");
    } catch (IOException e) {
      host = "host";
    }
    return host.length() > 24 ? host.substring(0, 24) : host;
  }
}
