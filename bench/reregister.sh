#!/usr/bin/env bash
# bench/reregister.sh - POST /subjects/{s}/versions of a schema that is
# already registered (answered from the table without a journal write) vs
# nginx returning the same {"id":N}.  QUICK: BENCH_DURATION=3.
set -u
. "$(dirname "$0")/lib.sh"
: "${BENCH_TESTS:=rereg}"
. "$BENCH_DIR/compare.sh"
