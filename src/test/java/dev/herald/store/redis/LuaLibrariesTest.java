package dev.herald.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Each script is sent with the libraries its header declares ({@code -- uses: ...}): this checks,
 * without Redis, that a script calls only helpers of libraries it carries, that it carries none it
 * does not call, and that a library holds only helpers that more than one script uses.
 */
class LuaLibrariesTest {

  private static final Pattern DEFINED =
      Pattern.compile("^local (?:function )?([A-Za-z_][A-Za-z0-9_]*)", Pattern.MULTILINE);
  private static final Pattern WORD = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final List<LuaScript> scripts = new Scripts(ReplicaAcks.none()).all();
  private final Map<String, String> definedIn = new HashMap<>(); // top-level name -> library

  LuaLibrariesTest() {
    for (LuaScript script : scripts) {
      for (String library : script.libraries()) {
        Matcher m = DEFINED.matcher(code(library(library)));
        while (m.find()) {
          definedIn.put(m.group(1), library);
        }
      }
    }
  }

  private static String library(String name) {
    return LuaScript.read(LuaScript.libraryResource(name));
  }

  /** The source without its comments: a header may name helpers it does not call. */
  private static String code(String source) {
    return source.replaceAll("--[^\n]*", "");
  }

  /** The libraries whose top-level names the source uses (its own definitions aside). */
  private Set<String> librariesUsedBy(String source, String self) {
    Set<String> used = new TreeSet<>();
    Matcher m = WORD.matcher(code(source));
    while (m.find()) {
      String library = definedIn.get(m.group());
      if (library != null && !library.equals(self)) {
        used.add(library);
      }
    }
    return used;
  }

  @Test
  void every_script_and_library_uses_exactly_the_libraries_it_declares() {
    Map<String, String> sources = new TreeMap<>();
    for (LuaScript script : scripts) {
      sources.put(script.name() + ".lua", LuaScript.read(script.name() + ".lua"));
      for (String library : script.libraries()) {
        sources.put(LuaScript.libraryResource(library), library(library));
      }
    }
    sources.forEach(
        (resource, source) -> {
          String self =
              resource.startsWith("lib/")
                  ? resource.substring(4, resource.length() - ".lua".length())
                  : null;
          assertThat(librariesUsedBy(source, self))
              .as("the libraries %s calls", resource)
              .isEqualTo(new TreeSet<>(LuaScript.uses(source, resource)));
        });
  }

  @Test
  void every_library_is_shared_by_at_least_two_scripts() {
    Map<String, Set<String>> usedBy = new TreeMap<>();
    for (LuaScript script : scripts) {
      for (String library : script.libraries()) {
        usedBy.computeIfAbsent(library, l -> new TreeSet<>()).add(script.name());
      }
    }
    usedBy.forEach(
        (library, users) ->
            assertThat(users).as("scripts using %s", library).hasSizeGreaterThan(1));
  }

  @Test
  void a_library_comes_after_the_libraries_it_uses_and_only_once() {
    for (LuaScript script : scripts) {
      Set<String> before = new LinkedHashSet<>();
      for (String library : script.libraries()) {
        assertThat(before)
            .as("libraries before %s in %s", library, script.name())
            .doesNotContain(library);
        assertThat(before)
            .as("%s in %s comes after what it uses", library, script.name())
            .containsAll(LuaScript.uses(library(library), library));
        before.add(library);
      }
    }
  }

  @Test
  void a_script_without_a_uses_line_is_refused_at_start() {
    assertThatThrownBy(() -> LuaScript.uses("-- x: does things\n\nreturn 1\n", "x.lua"))
        .hasMessageContaining("x.lua has no '-- uses: ...' line");
  }
}
