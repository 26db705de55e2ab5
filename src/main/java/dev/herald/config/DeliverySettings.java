package dev.herald.config;

/**
 * @param maxAttempts attempts a route gets unless its notification says otherwise
 * @param failureHistory failed attempts kept per route for the CLI
 */
public record DeliverySettings(Integer maxAttempts, Integer failureHistory) {
  public DeliverySettings {
    maxAttempts = maxAttempts == null ? 5 : maxAttempts;
    failureHistory = failureHistory == null ? 10 : failureHistory;
  }

  static DeliverySettings defaults() {
    return new DeliverySettings(null, null);
  }
}
