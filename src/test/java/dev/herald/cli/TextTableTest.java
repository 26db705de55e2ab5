package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class TextTableTest {

  @Test
  void rows_fit_the_width_by_shrinking_the_widest_column() {
    TextTable t = new TextTable("ROUTE", "STATUS", "MESSAGE");
    t.row("push:u-1", "failed", "x".repeat(300));
    t.row("push:u-2", null, "short");
    StringWriter out = new StringWriter();
    t.print(new PrintWriter(out, true));
    String[] lines = out.toString().split("\n");
    assertThat(lines).hasSize(3);
    for (String line : lines) {
      assertThat(line.length()).isLessThanOrEqualTo(100);
    }
    assertThat(lines[0]).startsWith("ROUTE     STATUS  MESSAGE");
    assertThat(lines[1]).endsWith("…");
    assertThat(lines[2]).startsWith("push:u-2  -       short");
  }
}
