#!/bin/sh
# confluent-kafka-python's own schema-registry integration tests
# (tests/integration/schema_registry/{_sync,_async}) against the real
# schemad and a real Kafka broker. Their test files are taken at run time
# from a git mirror of confluent-kafka-python ($CKP_GIT_DIR, a bare repo;
# $CKP_REF, default HEAD) into a scratch tree; none is kept in ours. Our
# ckp_conftest.py stands in for their conftest (no trivup, no docker).
# Exit 77 when no mirror is there (the caller skips).
#   usage: run_ckp.sh [pytest args...]   (default: the whole schema_registry dir)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
: "${SCHEMAD_BIN:?set SCHEMAD_BIN to the schemad binary}"
SCHEMAD_SRCDIR=${SCHEMAD_SRCDIR:-$(cd "$here/../.." && pwd)}
export SCHEMAD_BIN SCHEMAD_SRCDIR
git_dir=${CKP_GIT_DIR:-/work/.mirror/confluentinc+confluent-kafka-python/repo}
ref=${CKP_REF:-HEAD}
if ! git --git-dir="$git_dir" rev-parse -q --verify "$ref^{commit}" >/dev/null 2>&1; then
    echo "run_ckp.sh: no confluent-kafka-python mirror at $git_dir" >&2
    exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/ckp-tests.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
git --git-dir="$git_dir" archive "$ref" \
    tests/__init__.py tests/common tests/integration/__init__.py \
    tests/integration/cluster_fixture.py tests/integration/schema_registry |
    tar -x -C "$work"
cp "$here/ckp_conftest.py" "$work/tests/integration/conftest.py"
sh "$SCHEMAD_SRCDIR/tests/integration/fetch_kafka.sh" >/dev/null
cd "$work"
[ $# -gt 0 ] || set -- tests/integration/schema_registry
# Their pyproject's pytest settings, given here (we take no config of theirs).
# SIGINT first: pytest then still runs its session finish (stops the broker
# and schemad it started).
timeout -s INT -k 30 "${CKP_TIMEOUT:-600}" python3 -m pytest -p no:cacheprovider \
    -o asyncio_mode=auto -o asyncio_default_fixture_loop_scope=function \
    --rootdir="$work" -c /dev/null ${CKP_PYTEST_ARGS:-} "$@"
