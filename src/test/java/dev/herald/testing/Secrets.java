package dev.herald.testing;

/**
 * The Redis password of the tests that run Redis with {@code requirepass}. CI fails if it shows up
 * in any test report (.ci/run greps for it), so a password that reaches a log or a message cannot
 * go unnoticed.
 */
public final class Secrets {

  public static final String REDIS_PASSWORD = "pw-4f9c2e-must-never-be-logged";

  private Secrets() {}
}
