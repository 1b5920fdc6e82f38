/*
 * Stands in for Confluent 8.3.0's JsonSchema (the 7.9.0 stub one folder up,
 * with 8.3.0's changes: the STRICT set of compatible changes, the
 * definitions-into-$defs bridge of both loaders, each reference also
 * registered under its URI resolved against mem://input), whose full text drags in the
 * registry client.  Kept: what CombinedSchemaDiff relies on (the
 * JsonSchema(Schema) constructor, rawSchema(), and equals/hashCode over the
 * same fields, so that its LinkedHashSets collapse and its HashSet of edges
 * iterates as Confluent's do), and, in load(), rawSchema()'s choice of
 * loader by $schema and loadPreviousDraft() (everit, useDefaults, draft-07
 * support, references registered against the $id), and loadLatestDraft()
 * for 2019-09 and 2020-12 (json-sKema with Confluent's prepopulated 2019-09
 * meta-schemas and the references by name, then SchemaTranslator to
 * everit).  8.3.0 prepopulates every spelling of the meta-schema URLs
 * itself (make_golden.sh blocks the network).
 */
package io.confluent.kafka.schemaregistry.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.confluent.kafka.schemaregistry.json.jackson.Jackson;
import java.io.IOException;
import java.net.URI;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.everit.json.schema.FalseSchema;
import org.everit.json.schema.Schema;
import org.everit.json.schema.TrueSchema;
import org.everit.json.schema.loader.SchemaLoader;
import org.everit.json.schema.loader.internal.ReferenceResolver;
import org.json.JSONObject;

public class JsonSchema {
  public static final String DEFAULT_BASE_URI = "mem://input";
  private static final ObjectMapper objectMapper = Jackson.newObjectMapper();
  private final JsonNode jsonNode;
  private final Schema schemaObj;
  private final Integer version = null;
  private final List<Object> references = Collections.emptyList();
  private final Object metadata = null;
  private final Object ruleSet = null;
  private final boolean ignoreModernDialects = false;
  private String canonicalString;

  public JsonSchema(Schema schemaObj) {
    try {
      this.jsonNode = schemaObj != null ? objectMapper.readTree(schemaObj.toString()) : null;
      this.schemaObj = schemaObj;
    } catch (IOException e) {
      throw new IllegalArgumentException("Invalid JSON " + schemaObj, e);
    }
  }

  public Schema rawSchema() {
    return schemaObj;
  }

  public String canonicalString() {
    if (jsonNode == null) {
      return null;
    }
    if (canonicalString == null) {
      try {
        canonicalString = objectMapper.writeValueAsString(jsonNode);
      } catch (IOException e) {
        throw new IllegalArgumentException("Invalid JSON", e);
      }
    }
    return canonicalString;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (o == null || getClass() != o.getClass()) {
      return false;
    }
    JsonSchema that = (JsonSchema) o;
    return Objects.equals(version, that.version)
        && Objects.equals(references, that.references)
        && Objects.equals(canonicalString(), that.canonicalString())
        && Objects.equals(metadata, that.metadata)
        && Objects.equals(ruleSet, that.ruleSet)
        && ignoreModernDialects == that.ignoreModernDialects;
  }

  @Override
  public int hashCode() {
    return Objects.hash(jsonNode, references, version, metadata, ruleSet, ignoreModernDialects);
  }

  /** The Difference types isBackwardCompatible() lets through (STRICT, the default policy). */
  public static java.util.Set<io.confluent.kafka.schemaregistry.json.diff.Difference.Type>
      compatibleChanges() {
    return io.confluent.kafka.schemaregistry.json.diff.SchemaDiff.COMPATIBLE_CHANGES_STRICT;
  }

  /** 8.3.0's mergeDefBuckets(json, "definitions", "$defs"), as its text has it. */
  static String mergeDefBuckets(String json, String fromKey, String toKey) {
    if (json == null || json.isEmpty()) {
      return json;
    }
    try {
      JsonNode root = objectMapper.readTree(json);
      if (!root.isObject()) {
        return json;
      }
      JsonNode source = root.get(fromKey);
      if (source == null || !source.isObject() || source.size() == 0) {
        return json;
      }
      JsonNode existingTarget = root.get(toKey);
      if (existingTarget != null && !existingTarget.isObject()) {
        return json;
      }
      com.fasterxml.jackson.databind.node.ObjectNode mut =
          (com.fasterxml.jackson.databind.node.ObjectNode) root;
      com.fasterxml.jackson.databind.node.ObjectNode target = existingTarget != null
          ? (com.fasterxml.jackson.databind.node.ObjectNode) existingTarget
          : mut.putObject(toKey);
      java.util.Iterator<Map.Entry<String, JsonNode>> it = source.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> entry = it.next();
        if (!target.has(entry.getKey())) {
          target.set(entry.getKey(), entry.getValue());
        }
      }
      return objectMapper.writeValueAsString(mut);
    } catch (IOException e) {
      return json;
    }
  }

  /** The text read as Confluent reads it, then loaded as rawSchema() loads it. */
  public static Schema load(String text, Map<String, String> resolvedReferences) throws Exception {
    JsonNode node = objectMapper.readTree(text);
    if (node.isBoolean()) {
      return node.booleanValue() ? TrueSchema.builder().build() : FalseSchema.builder().build();
    }
    SpecificationVersion spec = SpecificationVersion.DRAFT_7;
    if (node.has("$schema")) {
      SpecificationVersion s = SpecificationVersion.getFromUrl(node.get("$schema").asText());
      if (s != null) {
        spec = s;
      }
    }
    org.everit.json.schema.loader.SpecificationVersion loaderSpec;
    switch (spec) {
      case DRAFT_6:
        loaderSpec = org.everit.json.schema.loader.SpecificationVersion.DRAFT_6;
        break;
      case DRAFT_4:
        loaderSpec = org.everit.json.schema.loader.SpecificationVersion.DRAFT_4;
        break;
      case DRAFT_7:
        loaderSpec = org.everit.json.schema.loader.SpecificationVersion.DRAFT_7;
        break;
      default:
        return loadLatestDraft(node, resolvedReferences);
    }
    URI idUri = null;
    if (node.has(loaderSpec.idKeyword())) {
      String id = node.get(loaderSpec.idKeyword()).asText();
      if (id != null) {
        idUri = ReferenceResolver.resolve((URI) null, id);
      }
    }
    SchemaLoader.SchemaLoaderBuilder builder = SchemaLoader.builder()
        .useDefaults(true).draftV7Support();
    for (Map.Entry<String, String> dep : resolvedReferences.entrySet()) {
      String content = mergeDefBuckets(dep.getValue(), "definitions", "$defs");
      URI child = ReferenceResolver.resolve(idUri, dep.getKey());
      builder.registerSchemaByURI(child, new JSONObject(content));
    }
    String rootJson = mergeDefBuckets(
        objectMapper.writeValueAsString(node), "definitions", "$defs");
    JSONObject jsonObject = new JSONObject(rootJson);
    builder.schemaJson(jsonObject);
    return builder.build().load().build();
  }

  static String resource(String path) {
    try (java.io.InputStream in = JsonSchema.class.getResourceAsStream(path)) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException(path, e);
    }
  }

  /** Confluent 8.3.0's prepopulatedMetaSchemas, every spelling it lists. */
  static Map<URI, String> metaSchemas() {
    Map<URI, String> m = new HashMap<>();
    String[] v2019 = {"schema", "meta/core", "meta/validation", "meta/applicator", "meta/meta-data",
                      "meta/format", "meta/content"};
    for (String p : v2019) {
      m.put(URI.create("https://json-schema.org/draft/2019-09/" + p),
            resource("/metaschemas/draft/2019-09/" + p));
    }
    String s2019 = resource("/metaschemas/draft/2019-09/schema");
    String s2020 = resource("/metaschemas/draft/2020-12/schema");
    m.put(URI.create("https://json-schema.org/draft/2019-09/schema#"), s2019);
    m.put(URI.create("https://json-schema.org/draft/2020-12/schema#"), s2020);
    m.put(URI.create("http://json-schema.org/draft/2019-09/schema"), s2019);
    m.put(URI.create("http://json-schema.org/draft/2019-09/schema#"), s2019);
    m.put(URI.create("http://json-schema.org/draft/2020-12/schema"), s2020);
    m.put(URI.create("http://json-schema.org/draft/2020-12/schema#"), s2020);
    return m;
  }

  /** Confluent 8.3.0's loadLatestDraft(), the mappings as above. */
  static Schema loadLatestDraft(JsonNode node, Map<String, String> resolvedReferences)
      throws Exception {
    Map<URI, String> mappings = metaSchemas();
    URI base = URI.create(DEFAULT_BASE_URI);
    for (Map.Entry<String, String> dep : resolvedReferences.entrySet()) {
      String content = mergeDefBuckets(dep.getValue(), "definitions", "$defs");
      URI uri = new URI(dep.getKey());
      mappings.put(uri, content);
      mappings.put(base.resolve(dep.getKey()), content);
      if (!uri.isAbsolute() && !dep.getKey().startsWith(".")) {
        mappings.put(new URI("./" + dep.getKey()), content);
      }
    }
    com.github.erosb.jsonsKema.SchemaLoaderConfig config =
        com.github.erosb.jsonsKema.SchemaLoaderConfig.createDefaultConfig(mappings);
    String rootJson = mergeDefBuckets(
        objectMapper.writeValueAsString(node), "definitions", "$defs");
    com.github.erosb.jsonsKema.JsonValue schemaJson = objectMapper.convertValue(
        objectMapper.readTree(rootJson), com.github.erosb.jsonsKema.JsonObject.class);
    com.github.erosb.jsonsKema.Schema skemaObj =
        new com.github.erosb.jsonsKema.SchemaLoader(schemaJson, config).load();
    io.confluent.kafka.schemaregistry.json.schema.SchemaTranslator.SchemaContext ctx =
        skemaObj.accept(new io.confluent.kafka.schemaregistry.json.schema.SchemaTranslator());
    assert ctx != null;
    ctx.close();
    return ctx.schema();
  }
}
