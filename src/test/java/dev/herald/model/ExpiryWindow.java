package dev.herald.model;

/**
 * The instants (ms, the caller's time base) between which a completion's expiry check ran: a
 * notification whose {@code expires_at} is at or before {@code earliest} must be judged expired,
 * one after {@code latest} must not be; in between either verdict is right, and the model follows
 * the store's (the same for every notification of the call: the check uses one instant per call).
 */
record ExpiryWindow(long earliest, long latest) {

  /** The verdict for {@code expiresAt} if the window decides it, else null. */
  Boolean expired(Long expiresAt) {
    if (expiresAt == null || expiresAt > latest) {
      return false;
    }
    return expiresAt <= earliest ? true : null;
  }

  /** Exactly {@code now}: for a completion whose check used the caller's clock alone. */
  static ExpiryWindow at(long now) {
    return new ExpiryWindow(now, now);
  }
}
