#!/usr/bin/env bash
# bench/coldstart.sh - 1,000 distinct clients, each opening a NEW connection
# and asking for a DIFFERENT schema id once (GET /schemas/ids/{id},
# `Connection: close`), all started at once: req/s and p99, schemad vs nginx
# answering the same bytes.  The herd is bench/coldclient.c (built with cc
# into the temp dir): 1,000 non-blocking connects at once, one request each,
# read to EOF.  Latency runs from connect() to the end of the response; req/s
# is 1,000 / (first connect -> last response).
set -u
: "${BENCH_REPS:=5}"
. "$(dirname "$0")/lib.sh"
: "${BENCH_CLIENTS:=1000}"
: "${BENCH_WORKERS:=2}"

bench_init nginx curl python3 cc
machine_info
echo "run:     $BENCH_CLIENTS clients x 1 request, new connection each, ${BENCH_REPS} alternations"
echo
start_schemad sd "$BENCH_WORKERS"
SD=http://127.0.0.1:$SD_PORT
python3 "$BENCH_DIR/populate.py" "$SD_PORT" "$BENCH_CLIENTS" cold > "$BENCH_TMP/ids" || die "registration failed"
ID0=$(head -1 "$BENCH_TMP/ids")
B_IDS=$(curl -sSf "$SD/schemas/ids/$ID0") || die "GET /schemas/ids/$ID0 failed"
cat > "$BENCH_TMP/locations" <<EOF
location = / { return 200 'ok'; }
        location /schemas/ids/ { return 200 '$(nginx_escape "$B_IDS")'; }
EOF
start_nginx "$BENCH_WORKERS" "$BENCH_TMP/locations"
NG=http://127.0.0.1:$NG_PORT
echo "schemad pid $SD_PID on $SD; nginx pid $NG_PID on $NG; $BENCH_CLIENTS schemas registered"

cc -O2 -o "$BENCH_TMP/coldclient" "$BENCH_DIR/coldclient.c" || die "cannot build coldclient.c"
# Different ids per run: each run takes the next BENCH_CLIENTS ids in a fresh shuffle.
RES=$BENCH_TMP/results.tsv
: > "$RES"
echo "== runs (server rep: req/s p50 ms p99 ms)"
for ((rep = 1; rep <= BENCH_REPS; rep++)); do
    if ((rep % 2)); then sides="nginx schemad"; else sides="schemad nginx"; fi
    for side in $sides; do
        [ "$side" = nginx ] && port=$NG_PORT || port=$SD_PORT
        shuf "$BENCH_TMP/ids" > "$BENCH_TMP/ids.run"
        out=$("$BENCH_TMP/coldclient" 127.0.0.1 "$port" /schemas/ids/ "$BENCH_TMP/ids.run" "$BENCH_CLIENTS")
        set -- $out
        [ "${4:-1}" = 0 ] || echo "coldclient: $side: ${4:-?} errors" >&2
        r="$1 $2 $3"
        printf '%-8s %d: %s\n' "$side" "$rep" "$r"
        echo "coldstart h1 $side $rep $r" >> "$RES"
        sleep 1   # let TIME_WAIT/accept queues settle
    done
done
kill -0 "$SD_PID" 2>/dev/null || die "schemad died during the runs"
echo
echo "== summary (medians; ratio = schemad / nginx)"
python3 "$BENCH_DIR/summarize.py" "$RES" nginx
load_after
