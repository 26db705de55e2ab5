package dev.herald.model;

/** What goes wrong during one store call of a step. */
enum Fault {
  NONE,
  /** Redis refuses writes for memory ({@code maxmemory} at one byte) during the call. */
  OOM,
  /** Redis runs the script; its reply never reaches the caller. */
  REPLY_LOST;

  String suffix() {
    return this == NONE
        ? ""
        : " [" + name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + "]";
  }
}
