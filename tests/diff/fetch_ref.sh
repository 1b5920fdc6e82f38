#!/bin/sh
# Fetch the reference implementations for the differential tests (Apache
# Avro 1.11.4 and Jackson, as Confluent Schema Registry 7.9 uses them) from
# Maven Central into ${SCHEMAD_CACHE:-$HOME/.cache/schemad}/diff-ref/libs.
# Idempotent: a complete libs dir (stamped with the pom) is kept as is.
# Prints the libs directory on stdout.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
home=${SCHEMAD_CACHE:-$HOME/.cache/schemad}/diff-ref
libs=$home/libs
stamp=$libs/.complete
if [ -f "$stamp" ] && cmp -s "$stamp" "$here/pom.xml"; then
    echo "$libs"
    exit 0
fi
command -v mvn >/dev/null || { echo "fetch_ref.sh: mvn not found" >&2; exit 1; }
mkdir -p "$home"
# A fresh directory renamed into place: an interrupted run never leaves a
# half-filled libs dir that looks complete.
tmp=$(mktemp -d "$home/libs.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mvn -q -B -Dstyle.color=never -f "$here/pom.xml" \
    dependency:copy-dependencies -DoutputDirectory="$tmp" >&2
ls "$tmp"/avro-1.11.4.jar >/dev/null
cp "$here/pom.xml" "$tmp/.complete"
rm -rf "$libs"
mv "$tmp" "$libs"
trap - EXIT
echo "$libs"
