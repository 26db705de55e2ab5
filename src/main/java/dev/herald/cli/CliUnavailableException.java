package dev.herald.cli;

import dev.herald.store.StoreUnavailableException;

/** Redis cannot be reached; the message carries a hint about what to check. */
final class CliUnavailableException extends StoreUnavailableException {
  CliUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
