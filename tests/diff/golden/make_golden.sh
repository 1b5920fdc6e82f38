#!/bin/sh
# Development time only (CI never runs this): rebuild the golden answers of
# tests/integration/test_diff_golden.py from Confluent Schema Registry's own
# code, at the tag given (7.9.0, the default: dialect 7's answers,
# json_compat.jsonl.gz and avro_norm.jsonl.gz; v8.3.0: dialect 8's JSON
# Schema answers, json_compat_v8.jsonl.gz).  The classes the answers need
# (the JsonSchemaDiff package, the bipartite matching it uses, Confluent's
# Jackson mapper, SpecificationVersion, and, for 7.9.0, AvroSchemaUtils'
# normalization) are taken from the bare mirror into a scratch dir outside
# the repository, compiled with javac against jars from Maven Central
# (pom.xml here; pom-v8.xml for 8.3.0), and run by GoldenRef.java on the
# inputs of gen_golden.py.  Confluent's sources are never committed.  The
# stubs (stub/, stub/v8/ for 8.3.0) replace classes whose full text drags
# in the registry client: JsonSchema keeps the constructor, equals and
# hashCode CombinedSchemaDiff's sets rest on, the loaders of rawSchema()
# (everit for draft-04 to -07, json-sKema and Confluent's SchemaTranslator
# (json/schema/, compiled too) for 2019-09 and 2020-12) and the set of
# compatible changes isBackwardCompatible() lets through; AvroSchemaUtils
# wraps the normalization methods cut verbatim out of AvroSchemaUtils.
# json-sKema 0.30.0, which 8.3.0 is built with, is not on Maven Central:
# it is built from its tag in the json-sKema mirror (Maven, Kotlin from
# Central) and installed into the local Maven repository first.
#
#   sh tests/diff/golden/make_golden.sh [mirror-git-dir] [tag]
#   (JSKEMA_MIRROR: the json-sKema git dir, for v8.3.0)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
mirror=${1:-/work/.mirror/confluentinc+schema-registry/repo}
tag=${2:-7.9.0}
case $tag in
    7.9.0) pom=$here/pom.xml; stub=$here/stub; only=; work=${GOLDEN_REF:-/tmp/golden-ref} ;;
    v8.3.0) pom=$here/pom-v8.xml; stub=$here/stub/v8; only=--json-only; work=${GOLDEN_REF:-/tmp/golden-ref-v8} ;;
    *) echo "make_golden.sh: no pom and stubs for tag $tag" >&2; exit 2 ;;
esac
G="git --git-dir=$mirror"
rm -rf "$work/src" "$work/classes"
mkdir -p "$work/src" "$work/classes" "$work/libs"
if [ "$tag" = v8.3.0 ] && [ ! -f "$HOME/.m2/repository/com/github/erosb/json-sKema/0.30.0/json-sKema-0.30.0.jar" ]; then
    jsk=${JSKEMA_MIRROR:-/work/.mirror/erosb+json-sKema/repo}
    rm -rf "$work/jsk" && mkdir -p "$work/jsk"
    git --git-dir="$jsk" archive v0.30.0 | tar -x -C "$work/jsk"
    mvn -q -B -Dstyle.color=never -f "$work/jsk/pom.xml" -DskipTests -Dgpg.skip \
        -Dmaven.javadoc.skip=true -Dmaven.source.skip=true install >&2
fi
if [ ! -f "$work/libs/.complete" ] || ! cmp -s "$work/libs/.complete" "$pom"; then
    mvn -q -B -Dstyle.color=never -f "$pom" \
        dependency:copy-dependencies -DoutputDirectory="$work/libs" >&2
    cp "$pom" "$work/libs/.complete"
fi
J=json-schema-provider/src/main/java
P=io/confluent/kafka/schemaregistry
for f in $($G ls-tree -r --name-only $tag -- $J/$P/json/diff $J/$P/json/utils $J/$P/json/schema) \
         $J/$P/json/SpecificationVersion.java $J/$P/json/jackson/Jackson.java \
         $J/$P/json/jackson/JsonOrgModule.java $J/$P/json/jackson/JSONArrayDeserializer.java \
         $J/$P/json/jackson/JSONArraySerializer.java $J/$P/json/jackson/JSONBaseSerializer.java \
         $J/$P/json/jackson/JSONObjectDeserializer.java $J/$P/json/jackson/JSONObjectSerializer.java \
         $($G ls-tree -r --name-only $tag -- $J/$P/json/jackson | grep JsonSkema); do
    rel=${f#$J/}
    mkdir -p "$work/src/$(dirname "$rel")"
    $G show "$tag:$f" > "$work/src/$rel"
done
if [ -z "$only" ]; then
    # AvroSchemaUtils: the ordered-props mapper, its node factory, and every
    # method from build() to genJson(), verbatim, inside the stub's class body.
    A=client/src/main/java/$P/avro/AvroSchemaUtils.java
    $G show "$tag:$A" > "$work/AvroSchemaUtils.orig.java"
    mkdir -p "$work/src/$P/avro"
    {
        sed -n '/^\/\/ CUT-BEFORE/q;p' "$here/stub/AvroSchemaUtils.java"
        sed -n '/private static final ObjectMapper jsonMapperWithOrderedProps =/,/^  private static int DEFAULT_CACHE_CAPACITY/p' \
            "$work/AvroSchemaUtils.orig.java" | sed '$d'
        sed -n '/^  \/\/ Adapted from SchemaNormalization.java in Avro/,/^  static class JsonNodeWithNS/p' \
            "$work/AvroSchemaUtils.orig.java" | sed '$d'
        echo '}'
    } > "$work/src/$P/avro/AvroSchemaUtils.java"
fi
cp "$stub/JsonSchema.java" "$work/src/$P/json/JsonSchema.java"
cp "$here/GoldenRef.java" "$work/src/GoldenRef.java"
# Confluent's 2019-09 meta-schemas (its prepopulatedMetaSchemas), as resources.
R=json-schema-provider/src/main/resources
for f in $($G ls-tree -r --name-only $tag -- $R/metaschemas); do
    mkdir -p "$work/classes/$(dirname "${f#$R/}")"
    $G show "$tag:$f" > "$work/classes/${f#$R/}"
done
javac -g -nowarn -encoding UTF-8 -d "$work/classes" -cp "$work/libs/*" $(find "$work/src" -name '*.java') >&2
python3 "$here/gen_golden.py" $only > "$work/inputs.jsonl"
# No network: json-sKema fetches what its mappings lack (an unknown
# meta-schema, a remote $ref); every such fetch goes to a closed loopback port.
java -Xss16m -Dhttp.proxyHost=127.0.0.1 -Dhttp.proxyPort=9 \
    -Dhttps.proxyHost=127.0.0.1 -Dhttps.proxyPort=9 -cp "$work/classes:$work/libs/*" GoldenRef < "$work/inputs.jsonl" > "$work/answers.jsonl"
python3 "$here/gen_golden.py" --pack "$work/inputs.jsonl" "$work/answers.jsonl" "$here" $tag
