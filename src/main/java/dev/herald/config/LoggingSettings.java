package dev.herald.config;

import java.util.List;

/**
 * @param level root log level ({@code trace}, {@code debug}, {@code info}, {@code warn}, {@code
 *     error}, {@code off}); null: {@code HERALD_LOG_LEVEL}, else {@code info}
 * @param format {@code text} (one readable line per event) or {@code json} (one JSON object per
 *     line, for journald and log pipelines)
 */
public record LoggingSettings(String level, String format) {

  public static final List<String> LEVELS =
      List.of("trace", "debug", "info", "warn", "error", "off");
  public static final List<String> FORMATS = List.of("text", "json");

  public LoggingSettings {
    format = format == null ? "text" : format;
  }

  static LoggingSettings defaults() {
    return new LoggingSettings(null, null);
  }

  public boolean json() {
    return "json".equals(format);
  }
}
