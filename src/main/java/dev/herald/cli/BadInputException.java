package dev.herald.cli;

/** The command's input cannot be used (missing file, malformed reference); exit code 65. */
final class BadInputException extends RuntimeException {
  BadInputException(String message) {
    super(message);
  }
}
