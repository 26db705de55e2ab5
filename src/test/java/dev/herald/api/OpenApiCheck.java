package dev.herald.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks real answers against the API's OpenAPI document: the path, method and status must be
 * documented, and the body must match the documented schema (JSON Schema 2020-12, which OpenAPI 3.1
 * uses), every {@code $ref} resolved within the document.
 */
final class OpenApiCheck {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final JsonNode doc;
  private final SchemaRegistry registry =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

  OpenApiCheck() throws IOException {
    try (InputStream in = ApiServer.class.getResourceAsStream("openapi.json")) {
      doc = MAPPER.readTree(in);
    }
  }

  /** The problems of one answer; empty when it matches the document. */
  List<String> problems(ApiClient.Answer a) throws IOException {
    List<String> out = new ArrayList<>();
    String what = a.method() + " " + a.template() + " " + a.status();
    JsonNode op = doc.path("paths").path(a.template()).path(a.method().toLowerCase());
    if (op.isMissingNode()) {
      // Paths outside the API (a typo) are answered 404 with the error shape.
      return a.status() == 404 ? List.of() : List.of(what + ": path not documented");
    }
    JsonNode response = op.path("responses").path(Integer.toString(a.status()));
    String pointer =
        "/paths/"
            + escape(a.template())
            + "/"
            + a.method().toLowerCase()
            + "/responses/"
            + a.status();
    if (response.isMissingNode()) {
      return List.of(what + ": status not documented");
    }
    if (response.has("$ref")) {
      pointer = response.get("$ref").asText().substring(1);
      response = doc.at(pointer);
    }
    JsonNode schema = response.path("content").path("application/json").path("schema");
    if (schema.isMissingNode()) {
      return out; // documented without a body schema (the document itself)
    }
    ObjectNode root = doc.deepCopy();
    root.put("$schema", SpecificationVersion.DRAFT_2020_12.getDialectId());
    root.put("$ref", "#" + pointer + "/content/application~1json/schema");
    Schema s = registry.getSchema(root);
    for (Error e : s.validate(MAPPER.readTree(a.body()))) {
      out.add(what + ": " + e.getMessage() + " in " + a.body());
    }
    return out;
  }

  private static String escape(String path) {
    return path.replace("~", "~0").replace("/", "~1").replace("{", "%7B").replace("}", "%7D");
  }
}
