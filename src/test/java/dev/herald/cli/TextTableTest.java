package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class TextTableTest {

  private static String[] print(TextTable t, int width) {
    StringWriter out = new StringWriter();
    t.print(new PrintWriter(out, true), width);
    return out.toString().split("\n");
  }

  @Test
  void rows_fit_the_width_by_shrinking_the_widest_column() {
    TextTable t = new TextTable("ROUTE", "STATUS", "MESSAGE");
    t.row("push:u-1", "failed", "x".repeat(300));
    t.row("push:u-2", null, "short");
    String[] lines = print(t, 100);
    assertThat(lines).hasSize(3);
    for (String line : lines) {
      assertThat(line.length()).isLessThanOrEqualTo(100);
    }
    assertThat(lines[0]).startsWith("ROUTE     STATUS  MESSAGE");
    assertThat(lines[1]).endsWith("…");
    assertThat(lines[2]).startsWith("push:u-2  -       short");
  }

  @Test
  void off_a_terminal_or_with_wide_nothing_is_cut() {
    TextTable t = new TextTable("ROUTE", "MESSAGE");
    t.row("push:u-1", "x".repeat(300));
    String[] lines = print(t, Screen.UNLIMITED);
    assertThat(lines[1]).isEqualTo("push:u-1  " + "x".repeat(300));
  }

  @Test
  void columns_line_up_by_display_width_with_cjk_and_emoji() {
    TextTable t = new TextTable("TYPE", "PRODUCER");
    t.row("通知", "p");
    t.row("🎉🎉", "p");
    t.row("ab", "p");
    String[] lines = print(t, 100);
    // Each wide character takes two columns: PRODUCER starts at column 6 in every row.
    assertThat(lines[0]).isEqualTo("TYPE  PRODUCER");
    assertThat(lines[1]).isEqualTo("通知  p");
    assertThat(lines[2]).isEqualTo("🎉🎉  p");
    assertThat(lines[3]).isEqualTo("ab    p");
  }

  @Test
  void a_cut_cell_keeps_to_the_columns_of_its_wide_characters() {
    TextTable t = new TextTable("A", "MESSAGE");
    t.row("a", "日本語のメッセージです");
    String[] lines = print(t, 13);
    assertThat(DisplayWidth.of(lines[1])).isLessThanOrEqualTo(13);
    assertThat(lines[1]).isEqualTo("a  日本語の…"); // a wide character fits in no one column left
  }
}
