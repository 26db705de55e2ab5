package dev.herald.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds every key written twice in one section of a config file. YAML binding keeps the last one
 * silently: a second {@code redis:} section would drop the first one's {@code url}, and Herald
 * would run on another Redis than the one the file names.
 */
final class DuplicateKeys {

  private DuplicateKeys() {}

  /** One problem per repeated key, naming its dotted path and both lines. */
  static List<String> in(JsonFactory yaml, String text) throws IOException {
    List<String> problems = new ArrayList<>();
    Deque<Map<String, Integer>> sections = new ArrayDeque<>();
    try (JsonParser p = yaml.createParser(text)) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t == JsonToken.START_OBJECT) {
          sections.push(new HashMap<>());
        } else if (t == JsonToken.END_OBJECT) {
          sections.pop();
        } else if (t == JsonToken.FIELD_NAME) {
          int line = p.currentTokenLocation().getLineNr();
          Integer first = sections.peek().putIfAbsent(p.currentName(), line);
          if (first != null) {
            problems.add(
                ConfigLoader.path(p, p.currentName())
                    + " is written twice (lines "
                    + first
                    + " and "
                    + line
                    + "): only the last would count, dropping what the first one set; keep one");
          }
        }
      }
    }
    return problems;
  }
}
