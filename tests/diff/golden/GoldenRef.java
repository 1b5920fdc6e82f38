/*
 * GoldenRef - Confluent Schema Registry's own answers (7.9.0, or 8.3.0's
 * for JSON Schema) for the golden files (development time only; make_golden.sh compiles it with the
 * classes it takes from the mirror).  One JSON line in, one out:
 *   {"k":"jcompat","a":A,"b":B[,"ra":{name:text},"rb":{...}]}
 *       -> {"ab":..., "ba":...}: JsonSchema.isBackwardCompatible of the
 *          update A against the original B (and the other way), each the
 *          list of Difference.toString() of the incompatible differences
 *          with SchemaValidatorBuilder's BACKWARD words ("new", "old"), or
 *          the string "invalid" when either side does not load (then
 *          "why": the loader's message, kept beside the answer, not in it);
 *          2019-09 and 2020-12 documents load as Confluent's
 *          loadLatestDraft() does (json-sKema, SchemaTranslator); with
 *          "p":"LENIENT", 8.3's compatibilityPolicy LENIENT (7.9 has none).
 *   {"k":"anorm","s":S[,"refs":[text...]]}
 *       -> {"n": AvroSchema(S).normalize().canonicalString()} or
 *          {"e": the exception's message}.
 */
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.confluent.kafka.schemaregistry.json.JsonSchema;
import io.confluent.kafka.schemaregistry.json.diff.Difference;
import io.confluent.kafka.schemaregistry.json.diff.SchemaDiff;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.everit.json.schema.Schema;

public class GoldenRef {
  static final ObjectMapper M = new ObjectMapper();

  static Map<String, String> refs(JsonNode n) {
    Map<String, String> m = new LinkedHashMap<>();
    if (n != null) {
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        m.put(e.getKey(), e.getValue().asText());
      }
    }
    return m;
  }

  /**
   * The set of compatible changes the row's policy names: "p":"LENIENT" is
   * 8.3's COMPATIBLE_CHANGES_LENIENT (by name: 7.9 has one set, and ignores it).
   */
  @SuppressWarnings("unchecked")
  static java.util.Set<Difference.Type> changes(JsonNode in) throws Exception {
    if (in.has("p") && "LENIENT".equals(in.get("p").asText())) {
      try {
        return (java.util.Set<Difference.Type>)
            SchemaDiff.class.getField("COMPATIBLE_CHANGES_LENIENT").get(null);
      } catch (NoSuchFieldException e) {
        // 7.9.0: no policy
      }
    }
    return JsonSchema.compatibleChanges();
  }

  /** SchemaDiff.compare with the policy's set as the Context's (8.3), or 7.9's compare. */
  @SuppressWarnings("unchecked")
  static List<Difference> compare(java.util.Set<Difference.Type> set, Schema original,
                                  Schema update) throws Exception {
    try {
      return (List<Difference>) SchemaDiff.class
          .getMethod("compare", java.util.Set.class, Schema.class, Schema.class)
          .invoke(null, set, original, update);
    } catch (NoSuchMethodException e) {
      return SchemaDiff.compare(original, update);
    } catch (java.lang.reflect.InvocationTargetException e) {
      throw (Exception) e.getCause();
    }
  }

  /** isBackwardCompatible(update, original) in BACKWARD words, or null. */
  static List<String> backward(Schema update, Schema original, java.util.Set<Difference.Type> set)
      throws Exception {
    List<String> out = new ArrayList<>();
    for (Difference d : compare(set, original, update)) {
      if (!set.contains(d.getType())) {
        out.add(String.format(d.toString(), "new", "old"));
      }
    }
    return out;
  }

  static void put(ObjectNode out, String key, List<String> msgs) {
    ArrayNode a = out.putArray(key);
    for (String s : msgs) {
      a.add(s);
    }
  }

  static void jcompat(JsonNode in, ObjectNode out) {
    Schema a;
    Schema b;
    try {
      a = JsonSchema.load(in.get("a").asText(), refs(in.get("ra")));
      b = JsonSchema.load(in.get("b").asText(), refs(in.get("rb")));
    } catch (Throwable e) {
      out.put("ab", "invalid");
      out.put("ba", "invalid");
      Throwable c = e;
      while (c.getCause() != null && c.getCause() != c) {
        c = c.getCause();
      }
      out.put("why", c.getClass().getSimpleName() + ": " + c.getMessage());
      return;
    }
    try {
      put(out, "ab", backward(a, b, changes(in)));
    } catch (Throwable e) {
      out.put("ab", "exception " + e);
    }
    try {
      put(out, "ba", backward(b, a, changes(in)));
    } catch (Throwable e) {
      out.put("ba", "exception " + e);
    }
  }

  static void anorm(JsonNode in, ObjectNode out) {
    List<String> refs = new ArrayList<>();
    if (in.has("refs")) {
      for (JsonNode r : in.get("refs")) {
        refs.add(r.asText());
      }
    }
    try {
      // By name: the 8.3.0 run (JSON Schema only) compiles no AvroSchemaUtils.
      Class<?> u = Class.forName("io.confluent.kafka.schemaregistry.avro.AvroSchemaUtils");
      out.put("n", (String) u.getMethod("normalize", List.class, String.class)
          .invoke(null, refs, in.get("s").asText()));
    } catch (Throwable e) {
      if (e instanceof java.lang.reflect.InvocationTargetException) {
        e = e.getCause();
      }
      out.put("e", String.valueOf(e.getMessage()));
      if (System.getenv("GOLDEN_TRACE") != null) {
        e.printStackTrace();
      }
      if (System.getenv("GOLDEN_TRACE") != null) {
        e.printStackTrace();
      }
    }
  }

  public static void main(String[] args) throws Exception {
    BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    PrintStream o = new PrintStream(System.out, false, "UTF-8");
    String line;
    while ((line = r.readLine()) != null) {
      JsonNode in = M.readTree(line);
      ObjectNode out = M.createObjectNode();
      String k = in.get("k").asText();
      if (k.equals("jcompat")) {
        jcompat(in, out);
      } else {
        anorm(in, out);
      }
      o.println(M.writeValueAsString(out));
    }
    o.flush();
  }
}
