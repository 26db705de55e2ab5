package dev.herald.testing;

/**
 * The passwords of the tests: Redis with {@code requirepass}, and the test PostgreSQL. CI fails if
 * it shows up in any test report (.ci/run greps for it), so a password that reaches a log or a
 * message cannot go unnoticed.
 */
public final class Secrets {

  public static final String REDIS_PASSWORD = "pw-4f9c2e-must-never-be-logged";

  /** The password of the test PostgreSQL's superuser ({@link PostgresServer}). */
  public static final String POSTGRES_PASSWORD = "pg-7d31a8-must-never-be-logged";

  private Secrets() {}
}
