package dev.herald.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
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
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads the YAML config file into {@link HeraldConfig}. Binding goes on past a bad key, so that one
 * run reports every unknown key, wrong type and out-of-range value, each with its dotted path, the
 * value and what is allowed.
 *
 * <p>Environment: {@code HERALD_REDIS_URL} replaces {@code redis.url}; {@code
 * HERALD_REDIS_PASSWORD} (read by the caller) supplies the password.
 */
public final class ConfigLoader {

  public static final Path DEFAULT_PATH = Path.of("config", "herald.yaml");

  private final Map<String, String> env;

  public ConfigLoader(Map<String, String> env) {
    this.env = env;
  }

  /**
   * Loads {@code file}, or, when it is null, {@code config/herald.yaml} if present, else the
   * defaults on the embedded Redis (the quick start; a config file runs on the embedded Redis only
   * when it says {@code redis.embedded: true}).
   *
   * @throws ConfigException listing every problem
   */
  public HeraldConfig load(Path file) {
    Path path = file;
    if (path == null) {
      path = Files.exists(DEFAULT_PATH) ? DEFAULT_PATH : null;
    }
    HeraldConfig config;
    List<String> problems = new ArrayList<>();
    if (path == null) {
      config = HeraldConfig.defaults().withEmbeddedRedis();
    } else {
      String text;
      try {
        text = Files.readString(path);
      } catch (NoSuchFileException e) {
        throw new ConfigException(null, List.of("config file " + path + " does not exist"));
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
    ProblemCollector problems = new ProblemCollector();
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

  /** The dotted path of the value the parser is at: {@code publisher.batch-size}. */
  static String path(JsonParser p, String leaf) {
    List<String> parts = new ArrayList<>();
    if (leaf != null) {
      parts.add(leaf);
    }
    JsonStreamContext ctx = p.getParsingContext();
    if (leaf != null && ctx != null && ctx.inObject()) {
      ctx = ctx.getParent();
    } else if (p.currentToken() == JsonToken.START_OBJECT
        || p.currentToken() == JsonToken.START_ARRAY) {
      ctx = ctx == null ? null : ctx.getParent();
    }
    for (; ctx != null && !ctx.inRoot(); ctx = ctx.getParent()) {
      if (ctx.inArray()) {
        parts.add("[" + Math.max(0, ctx.getCurrentIndex()) + "]");
      } else if (ctx.getCurrentName() != null) {
        parts.add(ctx.getCurrentName());
      }
    }
    StringBuilder out = new StringBuilder();
    for (int i = parts.size() - 1; i >= 0; i--) {
      String part = parts.get(i);
      if (out.length() > 0 && !part.startsWith("[")) {
        out.append('.');
      }
      out.append(part);
    }
    return out.length() == 0 ? "(top level)" : out.toString();
  }

  private static String describeType(Class<?> type) {
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "a whole number";
    }
    if (type == Double.class || type == double.class) {
      return "a number";
    }
    if (type == String.class) {
      return "a string";
    }
    if (type == Duration.class) {
      return "a duration: " + Durations.FORMS;
    }
    if (type == Jitter.class) {
      return "one of "
          + Arrays.stream(Jitter.values())
              .map(Jitter::configName)
              .collect(Collectors.joining(", "));
    }
    if (type.isRecord()) {
      return "a section of keys";
    }
    return type.getSimpleName();
  }

  /** Records each binding problem and lets Jackson carry on with a null in its place. */
  private static final class ProblemCollector extends DeserializationProblemHandler {
    final List<String> list = new ArrayList<>();

    void add(String problem) {
      list.add(problem);
    }

    @Override
    public boolean handleUnknownProperty(
        DeserializationContext ctxt,
        JsonParser p,
        JsonDeserializer<?> deserializer,
        Object beanOrClass,
        String propertyName)
        throws IOException {
      Collection<Object> known = deserializer.getKnownPropertyNames();
      String allowed =
          known == null
              ? ""
              : " (allowed: "
                  + known.stream()
                      .map(String::valueOf)
                      .collect(Collectors.toCollection(TreeSet::new))
                      .stream()
                      .collect(Collectors.joining(", "))
                  + ")";
      add("unknown key " + path(p, propertyName) + allowed);
      p.skipChildren();
      return true;
    }

    @Override
    public Object handleWeirdStringValue(
        DeserializationContext ctxt, Class<?> targetType, String value, String failureMsg) {
      add(
          path(ctxt.getParser(), null)
              + " must be "
              + describeType(targetType)
              + " (was '"
              + value
              + "')");
      return null;
    }

    @Override
    public Object handleWeirdNumberValue(
        DeserializationContext ctxt, Class<?> targetType, Number value, String failureMsg) {
      add(
          path(ctxt.getParser(), null)
              + " must be "
              + describeType(targetType)
              + " (was "
              + value
              + ")");
      return null;
    }

    @Override
    public Object handleUnexpectedToken(
        DeserializationContext ctxt,
        JavaType targetType,
        JsonToken t,
        JsonParser p,
        String failureMsg)
        throws IOException {
      String found =
          switch (t) {
            case START_OBJECT -> "a section";
            case START_ARRAY -> "a list";
            case VALUE_NULL -> "empty";
            default -> "'" + p.getText() + "'";
          };
      add(
          path(p, null)
              + " must be "
              + describeType(targetType.getRawClass())
              + " (was "
              + found
              + ")");
      p.skipChildren();
      return null;
    }

    @Override
    public Object handleMissingInstantiator(
        DeserializationContext ctxt,
        Class<?> instClass,
        ValueInstantiator valueInsta,
        JsonParser p,
        String msg)
        throws IOException {
      String found = p.currentToken() == JsonToken.START_ARRAY ? "a list" : "'" + p.getText() + "'";
      add(path(p, null) + " must be " + describeType(instClass) + " (was " + found + ")");
      p.skipChildren();
      return null;
    }
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
