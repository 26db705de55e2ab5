package dev.herald.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.herald.backoff.Jitter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads the YAML config file into {@link HeraldConfig}. Binding goes on past a bad key, so that one
 * run reports every unknown key, wrong type and out-of-range value, each with its dotted path, the
 * value and what is allowed.
 *
 * <p>Environment: {@code HERALD_REDIS_URL} replaces {@code redis.url}; {@code
 * HERALD_REDIS_PASSWORD} (read by the caller) supplies the password.
 */
public final class ConfigLoader {

  private final Map<String, String> env;
  private final ConfigLookup lookup;

  public ConfigLoader(Map<String, String> env) {
    this(env, ConfigLookup.standard(env));
  }

  public ConfigLoader(Map<String, String> env, ConfigLookup lookup) {
    this.env = env;
    this.lookup = lookup;
  }

  /**
   * Loads {@code file}, or, when it is null, the file {@link ConfigLookup} finds, else the defaults
   * on the embedded Redis (the quick start; a config file runs on the embedded Redis only when it
   * says {@code redis.embedded: true}).
   *
   * @throws ConfigException listing every problem
   */
  public HeraldConfig load(Path file) {
    return load(lookup.find(file).orElse(null));
  }

  /** The file the lookup finds for {@code file}: the one {@link #load(Path)} reads. */
  public Optional<ConfigLookup.Found> resolve(Path file) {
    return lookup.find(file);
  }

  /** Loads what {@link #resolve} found; null: the defaults on the embedded Redis. */
  public HeraldConfig load(ConfigLookup.Found found) {
    Path path = found == null ? null : found.path();
    HeraldConfig config;
    List<String> problems = new ArrayList<>();
    if (path == null) {
      config = HeraldConfig.defaults().withEmbeddedRedis();
    } else {
      String text;
      try {
        text = Files.readString(path);
      } catch (NoSuchFileException e) {
        throw new ConfigException(
            null,
            List.of(
                "config file "
                    + path
                    + ("HERALD_CONFIG".equals(found.how()) ? " (named by HERALD_CONFIG)" : "")
                    + " does not exist"));
      } catch (IOException e) {
        throw new ConfigException(null, List.of("cannot read config file " + path + ": " + e));
      }
      Bound bound = bind(text, path.toString());
      config = bound.config();
      problems.addAll(bound.problems());
    }
    String url = env.get("HERALD_REDIS_URL");
    if (url != null && !url.isBlank()) {
      config = config.withRedisUrl(url.trim());
    }
    // Keys with binding problems hold their defaults now, so they are not reported twice.
    problems.addAll(new ConfigValidator().validate(config));
    if (!problems.isEmpty()) {
      throw new ConfigException(path == null ? "environment" : path.toString(), problems);
    }
    return config;
  }

  /** A config bound as far as it could be, with the problems binding met. */
  private record Bound(HeraldConfig config, List<String> problems) {}

  /**
   * Binds YAML text, going on past bad keys (they keep their defaults). Throws only when the text
   * is not YAML at all.
   */
  private static Bound bind(String yaml, String source) {
    BindingProblems problems = new BindingProblems();
    HeraldConfig config;
    try {
      ObjectReader reader = MAPPER.readerFor(HeraldConfig.class).withHandler(problems);
      config = yaml.isBlank() ? HeraldConfig.defaults() : reader.readValue(yaml);
      if (config == null) {
        config = HeraldConfig.defaults();
      }
      problems.list.addAll(DuplicateKeys.in(MAPPER.getFactory(), yaml));
    } catch (JsonProcessingException e) {
      problems.add(
          pathOf(e)
              + "not readable as YAML: "
              + e.getOriginalMessage().lines().findFirst().orElse(""));
      throw new ConfigException(source, problems.list);
    } catch (IOException e) {
      throw new ConfigException(source, List.of("cannot read: " + e.getMessage()));
    }
    return new Bound(config, problems.list);
  }

  private static String pathOf(JsonProcessingException e) {
    return e.getLocation() == null
        ? ""
        : "line "
            + e.getLocation().getLineNr()
            + ", column "
            + e.getLocation().getColumnNr()
            + ": ";
  }

  private static final YAMLMapper MAPPER = createMapper();

  private static YAMLMapper createMapper() {
    SimpleModule durations = new SimpleModule("herald-durations");
    durations.addDeserializer(
        Duration.class, new TextValueDeserializer<>(Duration.class, Durations::parse));
    durations.addDeserializer(
        Jitter.class, new TextValueDeserializer<>(Jitter.class, Jitter::fromConfigName));
    return YAMLMapper.builder()
        .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .addModule(durations)
        .build();
  }

  /**
   * A value written as text and read by {@code reader} (durations, jitter names); anything else, a
   * number included, goes to the problem handler so that it is reported with its key.
   */
  private static final class TextValueDeserializer<T> extends StdScalarDeserializer<T> {
    private final Class<T> type;
    private final Function<String, Optional<T>> reader;

    TextValueDeserializer(Class<T> type, Function<String, Optional<T>> reader) {
      super(type);
      this.type = type;
      this.reader = reader;
    }

    @Override
    public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_STRING) {
        String text = p.getText();
        Optional<T> value = reader.apply(text);
        return value.isPresent()
            ? value.get()
            : type.cast(ctxt.handleWeirdStringValue(type, text, "unreadable"));
      }
      if (p.currentToken().isNumeric()) {
        return type.cast(ctxt.handleWeirdNumberValue(type, p.getNumberValue(), "not a number"));
      }
      return type.cast(ctxt.handleUnexpectedToken(type, p));
    }
  }
}
