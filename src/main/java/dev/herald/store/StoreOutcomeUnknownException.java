package dev.herald.store;

/**
 * The command was sent, but its reply never came: the socket timed out or the connection broke
 * while Herald waited. Redis may have run it (a client that gave up after 2 s, a script Redis ran
 * after 3 s), or not. Unlike its parent, this does not mean "nothing was written": a caller that
 * must not do a thing twice repeats it only in a form that Redis recognises as the same (the same
 * notification id, an entry that is settled once), or reports the outcome as unknown.
 *
 * <p>It extends {@link StoreUnavailableException}, so that code which only backs off and tries
 * again (the publisher loop, the intake loop, readiness) treats it as it always did.
 */
public class StoreOutcomeUnknownException extends StoreUnavailableException {
  public StoreOutcomeUnknownException(String message, Throwable cause) {
    super(message, cause);
  }
}
