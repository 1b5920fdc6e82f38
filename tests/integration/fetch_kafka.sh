#!/bin/sh
# Fetch an Apache Kafka broker (KRaft) and a working logging backend from
# Maven Central into ${SCHEMAD_KAFKA_HOME:-$HOME/.cache/schemad/kafka}/libs-<version>,
# for the integration tests.  Idempotent: a complete libs dir is kept as is.
# Prints the libs directory on stdout.
#
# SCHEMAD_KAFKA_VERSION (or $1) picks another Kafka version; each version
# has its own libs-<version> dir, so checkouts with different defaults
# sharing the cache do not refetch over each other.
set -eu

default_version=4.4.0
version=${1:-${SCHEMAD_KAFKA_VERSION:-$default_version}}
here=$(cd "$(dirname "$0")" && pwd)
home=${SCHEMAD_KAFKA_HOME:-$HOME/.cache/schemad/kafka}
libs=$home/libs-$version
stamp=$libs/.complete

# The stamp is the pom plus the version: a changed pom refetches.
want() { cat "$here/kafka/pom.xml"; echo "kafka.version=$version"; }
if [ -f "$stamp" ] && want | cmp -s "$stamp" -; then
    echo "$libs"
    exit 0
fi

command -v mvn >/dev/null || { echo "fetch_kafka.sh: mvn not found" >&2; exit 1; }
command -v java >/dev/null || { echo "fetch_kafka.sh: java not found" >&2; exit 1; }

# Copy into a fresh directory then rename, so an interrupted run never leaves
# a half-filled libs dir that looks complete.
mkdir -p "$home"
tmp=$(mktemp -d "$home/libs.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mvn -q -B -Dstyle.color=never -Dkafka.version="$version" -f "$here/kafka/pom.xml" \
    dependency:copy-dependencies -DoutputDirectory="$tmp" >&2
ls "$tmp"/kafka_2.13-"$version".jar >/dev/null
want >"$tmp/.complete"
rm -rf "$libs"
mv "$tmp" "$libs"
trap - EXIT
echo "$libs"
