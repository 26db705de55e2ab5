package dev.herald.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The ACL rules of {@code config/herald.acl}, as the tests apply them. */
public final class HeraldAcl {

  private HeraldAcl() {}

  /** The rules of the file's one {@code user herald …} line, as written (password included). */
  public static List<String> rules(Path file) {
    String line;
    try {
      line = Files.readString(file).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the shipped ACL " + file, e);
    }
    List<String> tokens = Arrays.asList(line.split("\\s+"));
    if (line.contains("\n") || tokens.size() < 3 || !tokens.get(0).equals("user")) {
      throw new IllegalStateException(file + " must be one line: user <name> <rules>");
    }
    return tokens.subList(2, tokens.size());
  }

  /**
   * The file's rules with {@code password} for its placeholder and every key and channel opened
   * ({@code ~* &*}): the commands are the shipped ones, exactly.
   */
  public static List<String> rulesForTests(Path file, String password) {
    List<String> out = new ArrayList<>();
    for (String rule : rules(file)) {
      if (rule.startsWith(">")) {
        out.add(">" + password);
      } else if (!rule.startsWith("~") && !rule.startsWith("&") && !rule.startsWith("%")) {
        out.add(rule);
      }
    }
    out.add("~*");
    out.add("&*");
    return out;
  }

  /**
   * The file's rules as a deployment would write them for {@code namespace} and the gateway stream
   * {@code stream}: {@code password} for its placeholder, the key and channel patterns of the
   * shipped names ({@code herald}, {@code gateway:client-events}) with these names instead, and
   * nothing else opened.
   */
  public static List<String> rulesFor(Path file, String password, String namespace, String stream) {
    List<String> out = new ArrayList<>();
    for (String rule : rules(file)) {
      if (rule.startsWith(">")) {
        out.add(">" + password);
      } else if (rule.startsWith("~") || rule.startsWith("&") || rule.startsWith("%")) {
        int at = rule.startsWith("%") ? rule.indexOf('~') + 1 : 1;
        String pattern = rule.substring(at);
        if (pattern.startsWith("gateway:client-events")) {
          pattern = stream + pattern.substring("gateway:client-events".length());
        } else if (pattern.startsWith("herald:")) {
          pattern = namespace + pattern.substring("herald".length());
        }
        out.add(rule.substring(0, at) + pattern);
      } else {
        out.add(rule);
      }
    }
    return out;
  }
}
