package dev.herald.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table. Columns are as wide as their widest cell, in display columns ({@link
 * DisplayWidth}: a CJK character or an emoji takes two); when a row does not fit the width the
 * widest columns shrink, with an ellipsis, until it does ({@link Screen#UNLIMITED}: never).
 */
final class TextTable {

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

  void print(PrintWriter out, int width) {
    int[] w = widths(width);
    line(out, headers, w, true);
    for (List<String> row : rows) {
      line(out, row, w, true);
    }
  }

  /** The column widths that fit the rows so far into {@code width}. */
  int[] widths(int width) {
    int n = headers.size();
    int[] w = new int[n];
    for (int i = 0; i < n; i++) {
      w[i] = DisplayWidth.of(headers.get(i));
      for (List<String> row : rows) {
        w[i] = Math.max(w[i], DisplayWidth.of(row.get(i)));
      }
    }
    long gaps = 2L * (n - 1);
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

  /**
   * Prints one row with the given column widths: cells cut to them, or, unless {@code cut}, a cell
   * wider than its column kept whole (it pushes the rest of its row right).
   */
  static void line(PrintWriter out, List<String> cells, int[] w, boolean cut) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String c = cut ? DisplayWidth.fit(cells.get(i), w[i]) : cells.get(i);
      sb.append(
          i < cells.size() - 1 ? DisplayWidth.pad(c, Math.max(w[i], DisplayWidth.of(c)) + 2) : c);
    }
    out.println(sb.toString().stripTrailing());
  }

  /** {@code text} cut to {@code width} display columns, with an ellipsis when cut. */
  static String fit(String text, int width) {
    return DisplayWidth.fit(text, width);
  }

  private static long sum(int[] w) {
    long s = 0;
    for (int x : w) {
      s += x;
    }
    return s;
  }
}
