package dev.herald.backoff;

import java.util.Arrays;
import java.util.Optional;

/**
 * How a retry delay is randomised, so that routes failed together do not all retry together. The
 * names follow the AWS Architecture Blog's "Exponential Backoff and Jitter".
 */
public enum Jitter {
  /** Exactly the computed delay. */
  NONE("none"),
  /** Uniform in [0, delay]. Spreads retries most; a retry may come almost at once. */
  FULL("full"),
  /** delay/2 plus uniform in [0, delay/2]. Keeps at least half the delay. */
  EQUAL("equal");

  private final String configName;

  Jitter(String configName) {
    this.configName = configName;
  }

  public String configName() {
    return configName;
  }

  public static Optional<Jitter> fromConfigName(String name) {
    return Arrays.stream(values()).filter(j -> j.configName.equals(name)).findFirst();
  }
}
