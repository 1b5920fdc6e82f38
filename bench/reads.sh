#!/usr/bin/env bash
# bench/reads.sh - read path of schemad vs nginx answering the same bytes with
# `return 200`: GET /schemas/ids/{id} (one id, and a random one of 1,000),
# GET /subjects/{s}/versions/latest, POST /subjects/{s} (lookup), on HTTP/1.1
# (wrk) and h2c (h2load).  QUICK: BENCH_DURATION=3.  See bench/README.md.
set -u
. "$(dirname "$0")/lib.sh"
: "${BENCH_TESTS:=ids1 idsrand latest lookup}"
. "$BENCH_DIR/compare.sh"
