package dev.herald.store;

import java.util.Map;
import java.util.TreeMap;

/**
 * Route figures by notification type, kept by the scripts as routes change state. Each type maps
 * figure names to values:
 *
 * <ul>
 *   <li>{@code pending}, {@code failed}: routes waiting in that state now, including those a worker
 *       holds under a lease (a lease does not change the stored state);
 *   <li>{@code dead_letter.<classification>}: dead letters now, by the classification of the
 *       failure that made them dead letters;
 *   <li>{@code accepted}, {@code published}, {@code requeued}, {@code purged}: totals since the
 *       store was created.
 * </ul>
 *
 * The type is {@code ""} for routes whose notification record was unreadable when they changed.
 * Figures count from the version of Herald that introduced them; a record edited by hand can make
 * them drift.
 */
public record RouteFigures(Map<String, Map<String, Long>> byType) {

  public static final String DEAD_LETTER_PREFIX = "dead_letter.";

  public RouteFigures {
    Map<String, Map<String, Long>> copy = new TreeMap<>();
    byType.forEach((type, figures) -> copy.put(type, Map.copyOf(figures)));
    byType = java.util.Collections.unmodifiableMap(copy);
  }

  /** A figure summed over all types. */
  public long total(String figure) {
    return byType.values().stream().mapToLong(f -> f.getOrDefault(figure, 0L)).sum();
  }

  /** A figure of one type, 0 if none. */
  public long of(String type, String figure) {
    return byType.getOrDefault(type, Map.of()).getOrDefault(figure, 0L);
  }

  /** Dead letters now by classification, over all types, or of one type; none of 0. */
  public Map<String, Long> deadLettersByClassification(String typeOrNull) {
    Map<String, Long> out = new TreeMap<>();
    byType.forEach(
        (type, figures) -> {
          if (typeOrNull == null || typeOrNull.equals(type)) {
            figures.forEach(
                (name, value) -> {
                  if (name.startsWith(DEAD_LETTER_PREFIX)) {
                    out.merge(name.substring(DEAD_LETTER_PREFIX.length()), value, Long::sum);
                  }
                });
          }
        });
    out.values().removeIf(n -> n == 0);
    return out;
  }

  /** Dead letters now of one type, or of all when {@code typeOrNull} is null. */
  public long deadLetters(String typeOrNull) {
    return deadLettersByClassification(typeOrNull).values().stream().mapToLong(x -> x).sum();
  }
}
