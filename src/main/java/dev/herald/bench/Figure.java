package dev.herald.bench;

/**
 * One measured figure of one run.
 *
 * @param name snake_case, e.g. {@code drain_routes_per_s}
 * @param unit as printed, e.g. {@code routes/s}, {@code ms}
 */
public record Figure(String name, double value, String unit) {}
