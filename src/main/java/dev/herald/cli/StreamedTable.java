package dev.herald.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A {@link TextTable} for output of any length: the column widths come from the first rows, and on
 * a terminal later rows are cut to them, so memory holds no more than the first rows. Off a
 * terminal nothing is cut: a longer cell pushes its row's later cells right. A row may carry a
 * detail line, printed indented below it.
 */
final class StreamedTable {

  private static final int SAMPLE = 200;

  private final PrintWriter out;
  private final int width;
  private final List<String> headers;
  private final List<String[]> sample = new ArrayList<>();
  private final List<String> sampleDetails = new ArrayList<>();
  private int[] widths;

  /**
   * @param width the display columns rows are cut to ({@link Screen#UNLIMITED}: never)
   */
  StreamedTable(PrintWriter out, int width, String... headers) {
    this.out = out;
    this.width = width;
    this.headers = List.of(headers);
  }

  void row(String detail, String... cells) {
    if (widths == null) {
      sample.add(cells);
      sampleDetails.add(detail);
      if (sample.size() == SAMPLE) {
        flush();
      }
    } else {
      print(detail, cells);
    }
  }

  /** Prints the rows held back for the widths; the table goes on streaming afterwards. */
  void flush() {
    if (widths != null || sample.isEmpty()) {
      return;
    }
    TextTable table = new TextTable(headers.toArray(String[]::new));
    sample.forEach(table::row);
    widths = table.widths(width);
    TextTable.line(out, headers, widths, true);
    for (int i = 0; i < sample.size(); i++) {
      print(sampleDetails.get(i), sample.get(i));
    }
    sample.clear();
    sampleDetails.clear();
  }

  private void print(String detail, String[] cells) {
    TextTable.line(
        out,
        Arrays.stream(cells).map(c -> c == null ? "-" : c).toList(),
        widths,
        width != Screen.UNLIMITED);
    if (detail != null) {
      out.println(TextTable.fit("    " + detail, width));
    }
  }
}
