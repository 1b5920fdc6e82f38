/*
 * Stands in for Confluent 7.9.0's JsonSchema, whose full text drags in the
 * registry client.  Kept: what CombinedSchemaDiff relies on (the
 * JsonSchema(Schema) constructor, rawSchema(), and equals/hashCode over the
 * same fields, so that its LinkedHashSets collapse and its HashSet of edges
 * iterates as Confluent's do), and, in load(), rawSchema()'s choice of
 * loader by $schema and loadPreviousDraft() (everit, useDefaults, draft-07
 * support, references registered against the $id).  2019-09 and 2020-12
 * (json-sKema) are not loaded: load() throws for them.
 */
package io.confluent.kafka.schemaregistry.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.confluent.kafka.schemaregistry.json.jackson.Jackson;
import java.io.IOException;
import java.net.URI;
import java.util.Collections;
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
        throw new UnsupportedOperationException("json-sKema dialect");
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
      URI child = ReferenceResolver.resolve(idUri, dep.getKey());
      builder.registerSchemaByURI(child, new JSONObject(dep.getValue()));
    }
    JSONObject jsonObject = objectMapper.treeToValue(node, JSONObject.class);
    builder.schemaJson(jsonObject);
    return builder.build().load().build();
  }
}
