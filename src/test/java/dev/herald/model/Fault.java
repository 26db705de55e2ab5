package dev.herald.model;

/** What goes wrong during one store call of a step. */
enum Fault {
  NONE,
  /** Redis refuses writes for memory ({@code maxmemory} at one byte) during the call. */
  OOM,
  /** Redis runs the script; its reply never reaches the caller. A repeat gets its reply. */
  REPLY_LOST,
  /** As {@link #REPLY_LOST}, for every script call of the step: the repeats' replies too. */
  REPLY_LOST_REPEATEDLY;

  /** The call goes through the proxy that drops replies. */
  boolean losesReplies() {
    return this == REPLY_LOST || this == REPLY_LOST_REPEATEDLY;
  }

  String suffix() {
    return this == NONE
        ? ""
        : " [" + name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + "]";
  }
}
