package dev.herald.cli;

/** What the command was asked about does not exist; exit code 1. */
final class NotFoundException extends RuntimeException {
  NotFoundException(String message) {
    super(message);
  }
}
