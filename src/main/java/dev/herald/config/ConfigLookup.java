package dev.herald.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which config file a command reads when none is given: {@code HERALD_CONFIG}, else {@code
 * ./config/herald.yaml}, else {@code /etc/herald/herald.yaml} (the install layout's, which the
 * systemd unit runs on), else none (the defaults on the embedded Redis). So a bare {@code herald
 * stats} on the daemon's host reads the daemon's config and reaches its Redis.
 *
 * <p>A file found is used even when it cannot be read (say its mode keeps this user out): that is
 * reported, never passed over for the next one, which would name another Redis.
 *
 * @param env where {@code HERALD_CONFIG} is read
 * @param fallbacks the files looked for after it, in order
 */
public record ConfigLookup(Map<String, String> env, List<Path> fallbacks) {

  /** The config of a checkout or a working directory prepared for Herald. */
  public static final Path LOCAL = Path.of("config", "herald.yaml");

  /** The config of the install layout (README, "systemd"). */
  public static final Path SYSTEM = Path.of("/etc/herald/herald.yaml");

  /** In words, for messages: where a command looks, in order. */
  public static final String ORDER =
      "--config, $HERALD_CONFIG, ./config/herald.yaml, /etc/herald/herald.yaml";

  public ConfigLookup {
    env = Map.copyOf(env);
    fallbacks = List.copyOf(fallbacks);
  }

  /** The lookup every command uses. */
  public static ConfigLookup standard(Map<String, String> env) {
    return new ConfigLookup(env, List.of(LOCAL, SYSTEM));
  }

  /** A file to read and how it was found. */
  public record Found(Path path, String how) {}

  /**
   * The file to read: {@code explicit} when given, else the first of the lookup; empty when none is
   * named and none exists.
   */
  public Optional<Found> find(Path explicit) {
    if (explicit != null) {
      return Optional.of(new Found(explicit, "--config"));
    }
    String named = env.get("HERALD_CONFIG");
    if (named != null && !named.isBlank()) {
      return Optional.of(new Found(Path.of(named.trim()), "HERALD_CONFIG"));
    }
    for (Path p : fallbacks) {
      if (Files.exists(p)) {
        return Optional.of(new Found(p, "found"));
      }
    }
    return Optional.empty();
  }
}
