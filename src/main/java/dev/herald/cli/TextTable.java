package dev.herald.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table whose columns shrink (longest first, with an ellipsis) until a row fits the
 * width, 100 columns by default.
 */
final class TextTable {

  static final int DEFAULT_WIDTH = 100;

  private final List<String> headers;
  private final List<List<String>> rows = new ArrayList<>();

  TextTable(String... headers) {
    this.headers = List.of(headers);
  }

  TextTable row(String... cells) {
    if (cells.length != headers.size()) {
      throw new IllegalArgumentException(
          "row has " + cells.length + " cells for " + headers.size() + " columns");
    }
    List<String> row = new ArrayList<>(cells.length);
    for (String c : cells) {
      row.add(c == null ? "-" : c);
    }
    rows.add(row);
    return this;
  }

  void print(PrintWriter out) {
    print(out, DEFAULT_WIDTH);
  }

  void print(PrintWriter out, int width) {
    int[] w = widths(width);
    line(out, headers, w);
    for (List<String> row : rows) {
      line(out, row, w);
    }
  }

  /** The column widths that fit the rows so far into {@code width}. */
  int[] widths(int width) {
    int n = headers.size();
    int[] w = new int[n];
    for (int i = 0; i < n; i++) {
      w[i] = headers.get(i).length();
      for (List<String> row : rows) {
        w[i] = Math.max(w[i], row.get(i).length());
      }
    }
    int gaps = 2 * (n - 1);
    while (sum(w) + gaps > width) {
      int widest = 0;
      for (int i = 1; i < n; i++) {
        if (w[i] > w[widest]) {
          widest = i;
        }
      }
      if (w[widest] <= 4) {
        break;
      }
      w[widest]--;
    }
    return w;
  }

  /** Prints one row with the given column widths, cells cut to fit. */
  static void line(PrintWriter out, List<String> cells, int[] w) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String c = fit(cells.get(i), w[i]);
      sb.append(c);
      if (i < cells.size() - 1) {
        sb.append(" ".repeat(w[i] - c.length() + 2));
      }
    }
    out.println(sb.toString().stripTrailing());
  }

  static String fit(String text, int width) {
    return text.length() <= width ? text : text.substring(0, Math.max(0, width - 1)) + "…";
  }

  private static int sum(int[] w) {
    int s = 0;
    for (int x : w) {
      s += x;
    }
    return s;
  }
}
