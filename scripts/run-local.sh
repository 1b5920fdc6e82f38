#!/bin/sh
# Install the build dependencies, build schemad and run it on its embedded
# default: the file journal in ./data, HTTP on port 8081.  No Kafka needed.
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
sh scripts/build.sh
mkdir -p data
export SCHEMA_REGISTRY_DATA_DIR="${SCHEMA_REGISTRY_DATA_DIR:-$PWD/data}"
export SCHEMA_REGISTRY_LISTENERS="${SCHEMA_REGISTRY_LISTENERS:-http://0.0.0.0:8081}"
exec ./schemad -c etc/schemad.properties
