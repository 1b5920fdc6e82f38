/*
 * The head of a class (named as Confluent's, so that a NullPointerException
 * names it as the registry's does) make_golden.sh completes with the normalization
 * methods of Confluent 7.9.0's AvroSchemaUtils (build() to genJson(),
 * cut verbatim from the mirror); what is here replays AvroSchema's
 * constructor, normalize() and canonicalString() around them, without the
 * registry client those drag in.
 */
package io.confluent.kafka.schemaregistry.avro;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

public class AvroSchemaUtils {
  /**
   * AvroSchema(text, refs, isNew=false).normalize().canonicalString(): the
   * references parsed first into one parser (env holds their names), the
   * normalized text parsed again with the references, then Schema.toString
   * with the references' schemas (printed by name).
   */
  public static String normalize(List<String> refs, String text) throws IOException {
    Schema.Parser parser = new Schema.Parser();
    parser.setValidateDefaults(false);
    for (String r : refs) {
      parser.parse(r);
    }
    Schema raw = parser.parse(text);
    Map<String, String> env = new HashMap<>();
    Schema.Parser envParser = new Schema.Parser();
    envParser.setValidateDefaults(false);
    for (String r : refs) {
      String fullName = envParser.parse(r).getFullName();
      env.put(fullName, "\"" + fullName + "\"");
    }
    String normalized = build(env, raw, new StringBuilder()).toString();
    Schema.Parser p2 = new Schema.Parser();
    p2.setValidateDefaults(false);
    for (String r : refs) {
      p2.parse(r);
    }
    Schema again = p2.parse(normalized);
    Schema.Parser p3 = new Schema.Parser();
    p3.setValidateDefaults(false);
    List<Schema> schemaRefs = new ArrayList<>();
    for (String r : refs) {
      schemaRefs.add(p3.parse(r));
    }
    return again.toString(schemaRefs, false);
  }

// CUT-BEFORE: make_golden.sh appends AvroSchemaUtils' methods and the closing brace.
