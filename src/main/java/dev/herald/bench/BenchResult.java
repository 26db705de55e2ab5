package dev.herald.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of a scenario over its runs, printed as min/median/max (medians are what to quote:
 * these machines are noisy), with the context needed to read them and the command to repeat them.
 */
public final class BenchResult {

  private final String scenario;
  private final Map<String, String> context = new LinkedHashMap<>();
  private final Map<String, List<Figure>> figures = new LinkedHashMap<>();
  private final List<String> notes = new ArrayList<>();
  private String command = "";

  public BenchResult(String scenario) {
    this.scenario = scenario;
  }

  public BenchResult context(String key, Object value) {
    context.put(key, String.valueOf(value));
    return this;
  }

  public BenchResult add(Figure figure) {
    figures.computeIfAbsent(figure.name(), n -> new ArrayList<>()).add(figure);
    return this;
  }

  public BenchResult note(String note) {
    notes.add(note);
    return this;
  }

  public BenchResult command(String command) {
    this.command = command;
    return this;
  }

  /** The median of a figure over the runs, for callers that compare. */
  public double median(String name) {
    return Stats.median(values(name));
  }

  private double[] values(String name) {
    return figures.getOrDefault(name, List.of()).stream().mapToDouble(Figure::value).toArray();
  }

  /** One line per figure: {@code name: median unit (min … max over n runs)}. */
  public String toText() {
    StringBuilder out = new StringBuilder();
    out.append("scenario: ").append(scenario).append('\n');
    context.forEach((k, v) -> out.append(k).append(": ").append(v).append('\n'));
    for (Map.Entry<String, List<Figure>> e : figures.entrySet()) {
      double[] v = values(e.getKey());
      String unit = e.getValue().get(0).unit();
      out.append(e.getKey()).append(": ").append(format(Stats.median(v))).append(' ').append(unit);
      if (v.length > 1) {
        out.append("  (min ")
            .append(format(Arrays.stream(v).min().orElse(0)))
            .append(", max ")
            .append(format(Arrays.stream(v).max().orElse(0)))
            .append(", ")
            .append(v.length)
            .append(" runs)");
      }
      out.append('\n');
    }
    notes.forEach(n -> out.append("note: ").append(n).append('\n'));
    out.append("repeat: ").append(command).append('\n');
    return out.toString();
  }

  public String toJson() {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    root.put("scenario", scenario);
    ObjectNode ctx = root.putObject("context");
    context.forEach(ctx::put);
    ObjectNode figs = root.putObject("figures");
    for (Map.Entry<String, List<Figure>> e : figures.entrySet()) {
      double[] v = values(e.getKey());
      ObjectNode f = figs.putObject(e.getKey());
      f.put("unit", e.getValue().get(0).unit());
      f.put("median", Stats.median(v));
      f.put("min", Arrays.stream(v).min().orElse(0));
      f.put("max", Arrays.stream(v).max().orElse(0));
      ArrayNode runs = f.putArray("runs");
      Arrays.stream(v).forEach(runs::add);
    }
    ArrayNode n = root.putArray("notes");
    notes.forEach(n::add);
    root.put("repeat", command);
    return root.toString();
  }

  private static String format(double value) {
    if (Math.abs(value) >= 100 || value == Math.rint(value)) {
      return String.format(Locale.ROOT, "%,.0f", value);
    }
    return String.format(Locale.ROOT, "%.2f", value);
  }
}
