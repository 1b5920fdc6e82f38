/*
 * Ref.java - the reference answers for the differential tests: what the
 * Java libraries Confluent Schema Registry 7.9 uses give for each input.
 *
 * Reads JSON lines {"k": kind, "s": text, "w": text} on stdin and writes
 * one JSON line per input on stdout:
 *   avro   {"c0","e0","c1","e1"}: Schema.Parser().parse(s).toString(), or
 *          the exception's message, with setValidateDefaults(false) (0, a
 *          schema already stored) and (true) (1, a new one on the
 *          normalize path): Confluent's canonical text and 42201 details.
 *   compat {"r": true|false|null, "m": [...]}: SchemaCompatibility of
 *          reader s against writer w, each incompatibility as Confluent's
 *          Difference.toString() formatted with ("new", "old") (the reader
 *          is the schema being registered); r null when a side fails to parse.
 *   json   {"c","e"}: readTree then writeValueAsString with the
 *          ObjectMapper configuration of Confluent's Jackson.newObjectMapper.
 * Nothing here is a test: tests/integration/test_diff_reference.py compares.
 */
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

public final class Ref {
    private static final ObjectMapper IO = new ObjectMapper();
    private static final ObjectMapper CONFLUENT = confluentMapper();

    private Ref() {
    }

    /* Jackson.newObjectMapper(false) as far as trees go (the modules it
     * registers only add POJO types). */
    private static ObjectMapper confluentMapper() {
        ObjectMapper m = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();
        m.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        m.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        m.setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));
        return m;
    }

    private static String message(Throwable t) {
        String m = t.getMessage();
        return m != null ? m : t.getClass().getName();
    }

    /* With references (their texts in "refs"), as Confluent's AvroSchema
     * parses them into the same parser first and renders
     * toString(references, false). */
    private static void avro(ObjectNode out, String text, JsonNode refs, boolean validate, String suffix) {
        try {
            Schema.Parser p = new Schema.Parser();
            p.setValidateDefaults(validate);
            java.util.List<Schema> rs = new java.util.ArrayList<>();
            if (refs != null) {
                for (JsonNode r : refs) {
                    rs.add(p.parse(r.asText()));
                }
            }
            out.put("c" + suffix, p.parse(text).toString(rs, false));
        } catch (Throwable t) {
            out.put("e" + suffix, message(t));
        }
    }

    private static Schema parse(String text) {
        Schema.Parser p = new Schema.Parser();
        p.setValidateDefaults(false);
        return p.parse(text);
    }

    private static void compat(ObjectNode out, String reader, String writer) {
        Schema r;
        Schema w;
        try {
            r = parse(reader);
            w = parse(writer);
        } catch (Throwable t) {
            out.putNull("r");
            return;
        }
        ArrayNode msgs = out.putArray("m");
        try {
            SchemaCompatibility.SchemaPairCompatibility res =
                SchemaCompatibility.checkReaderWriterCompatibility(r, w);
            for (SchemaCompatibility.Incompatibility inc : res.getResult().getIncompatibilities()) {
                msgs.add(String.format(difference(inc), "new", "old"));
            }
        } catch (Throwable t) {
            msgs.add("Unexpected exception during compatibility check: " + t.getMessage());
        }
        out.put("r", msgs.size() == 0);
    }

    /* Confluent's avro.Difference.error(), 7.9.0. */
    private static String difference(SchemaCompatibility.Incompatibility inc) {
        String path = inc.getLocation();
        String d;
        switch (inc.getType()) {
        case FIXED_SIZE_MISMATCH:
            d = "The size of FIXED type field at path '" + path + "' in the %s "
                + "schema does not match with the %s schema";
            break;
        case TYPE_MISMATCH:
            d = "The type (path '" + path + "') of a field in the %s schema does "
                + "not match with the %s schema";
            break;
        case NAME_MISMATCH:
            d = "The name of the schema has changed (path '" + path + "')";
            break;
        case MISSING_ENUM_SYMBOLS:
            d = "The %s schema is missing enum symbols '" + inc.getMessage() + "' at path '"
                + path + "' in the %s schema";
            break;
        case MISSING_UNION_BRANCH:
            d = "The %s schema is missing a type inside a union field at path '"
                + path + "' in the %s schema";
            break;
        case READER_FIELD_MISSING_DEFAULT_VALUE:
            d = "The field '" + inc.getMessage() + "' at path '"
                + path + "' in the %s schema has no default value and is missing in the %s schema";
            break;
        default:
            d = "";
        }
        return "{errorType:'" + inc.getType() + '\''
            + ", description:'" + d + '\''
            + ", additionalInfo:'" + inc.getMessage() + "'}";
    }

    private static void json(ObjectNode out, String text) {
        try {
            JsonNode n = CONFLUENT.readTree(text);
            if (n == null || n.isMissingNode()) {
                out.put("e", "no content");
                return;
            }
            out.put("c", CONFLUENT.writeValueAsString(n));
        } catch (Throwable t) {
            out.put("e", message(t));
        }
    }

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        BufferedWriter outw = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            JsonNode req = IO.readTree(line);
            ObjectNode out = IO.createObjectNode();
            String kind = req.get("k").asText();
            String s = req.get("s").asText();
            if (kind.equals("avro")) {
                avro(out, s, req.get("refs"), false, "0");
                avro(out, s, req.get("refs"), true, "1");
            } else if (kind.equals("compat")) {
                compat(out, s, req.get("w").asText());
            } else {
                json(out, s);
            }
            outw.write(IO.writeValueAsString(out));
            outw.write('\n');
        }
        outw.flush();
    }
}
