package dev.herald.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class SqlFailuresTest {

  private static final OutboxSchema SCHEMA = new OutboxSchema("herald_outbox");

  private static RuntimeException classify(SQLException e) {
    return SqlFailures.classify("relaying", e, SCHEMA);
  }

  @Test
  void connection_trouble_a_shutdown_or_a_timeout_is_transient() {
    for (String state :
        new String[] {"08006", "08001", "57P01", "57P03", "57014", "40001", "53300"}) {
      assertThat(classify(new SQLException("boom", state)))
          .as(state)
          .isInstanceOf(OutboxUnavailableException.class)
          .hasMessageContaining("relaying: boom (SQLSTATE " + state + ")");
    }
  }

  @Test
  void a_missing_table_names_the_ddl_to_run() {
    assertThat(classify(new SQLException("relation \"herald_outbox\" does not exist", "42P01")))
        .isInstanceOf(OutboxSetupException.class)
        .hasMessageContaining("herald outbox schema");
  }

  @Test
  void refused_credentials_are_a_setup_problem_even_when_the_pool_calls_them_transient() {
    // HikariCP reports a login it could not make as a transient connection failure, with the
    // server's SQLSTATE: retrying would not help, the operator must.
    SQLException pool =
        new SQLTransientConnectionException(
            "herald-outbox - Connection is not available",
            "28P01",
            new SQLException("password authentication failed", "28P01"));
    assertThat(classify(pool))
        .isInstanceOf(OutboxSetupException.class)
        .hasMessageContaining("sources.postgres.user");
    assertThat(classify(new SQLException("permission denied for table", "42501")))
        .isInstanceOf(OutboxSetupException.class)
        .hasMessageContaining("grant");
  }

  @Test
  void anything_else_is_a_bug_not_retried_silently() {
    assertThat(classify(new SQLException("duplicate key", "23505")))
        .isInstanceOf(IllegalStateException.class);
  }
}
