#!/bin/sh
# confluent-kafka-javascript's own schemaregistry e2e tests (jest) against a
# running schemad ($CKJS_SR_URL) and Kafka broker ($CKJS_BOOTSTRAP). Their
# files are taken at run time from a git mirror ($CKJS_GIT_DIR, a bare repo;
# $CKJS_REF, default HEAD) into a scratch tree, where their registry address
# (test/test-constants.ts) is pointed at ours; node_modules comes from the
# npm registry once and is kept in ~/.cache/schemad/ckjs. Our ckjs_kafka.js
# stands in for their native Kafka client (see there).
# Exit 77 when no mirror is there (the caller skips).
#   usage: run_ckjs.sh install          (node_modules only)
#          run_ckjs.sh [jest args...]   (default: all of schemaregistry/e2e)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
git_dir=${CKJS_GIT_DIR:-/work/.mirror/confluentinc+confluent-kafka-javascript/repo}
ref=${CKJS_REF:-HEAD}
cache=${CKJS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/schemad/ckjs}
if ! git --git-dir="$git_dir" rev-parse -q --verify "$ref^{commit}" >/dev/null 2>&1; then
    echo "run_ckjs.sh: no confluent-kafka-javascript mirror at $git_dir" >&2
    exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/ckjs-tests.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
git --git-dir="$git_dir" archive "$ref" schemaregistry | tar -x -C "$work"

# node_modules: installed again only when their package.json changes.
mkdir -p "$cache"
node "$here/ckjs_package.js" "$work/schemaregistry" >"$work/package.json"
if ! cmp -s "$work/package.json" "$cache/package.json" ||
   [ ! -d "$cache/node_modules" ]; then
    cp "$work/package.json" "$cache/package.json.new"
    mv "$cache/package.json.new" "$cache/package.json"
    rm -rf "$cache/node_modules" "$cache/package-lock.json"
    (cd "$cache" && timeout 600 npm install --no-audit --no-fund \
        --ignore-scripts --loglevel=error >/dev/null)
fi
[ "${1:-}" = install ] && exit 0

: "${CKJS_SR_URL:?set CKJS_SR_URL to schemad's URL}"
: "${CKJS_BOOTSTRAP:?set CKJS_BOOTSTRAP to the Kafka broker}"
export CKJS_BOOTSTRAP
ln -s "$cache/node_modules" "$work/node_modules"
cp "$here/ckjs_kafka.js" "$work/ckjs_kafka.js"
cp "$here/ckjs_jest.config.js" "$work/jest.config.js"
sed -i "s|'http://localhost:8081'|'$CKJS_SR_URL'|" \
    "$work/schemaregistry/test/test-constants.ts"
grep -q "'$CKJS_SR_URL'" "$work/schemaregistry/test/test-constants.ts"
cd "$work"
timeout "${CKJS_TIMEOUT:-600}" node node_modules/jest/bin/jest.js \
    -c jest.config.js --ci --runInBand --forceExit "$@"
