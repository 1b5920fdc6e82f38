#!/bin/sh
# The integration tests: pytest drives the real daemon ($SCHEMAD_BIN), a real
# Kafka broker (fetched through Maven by fetch_kafka.sh) and real clients.
# Run by `make check`; extra pytest arguments come from $PYTEST_ARGS.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
: "${SCHEMAD_BIN:?set SCHEMAD_BIN to the schemad binary}"
export SCHEMAD_BIN
sh "$here/fetch_kafka.sh" >/dev/null
sh "$here/../diff/fetch_ref.sh" >/dev/null
cd "$here"
exec python3 -m pytest -p no:cacheprovider -v -s ${PYTEST_ARGS:-} .
