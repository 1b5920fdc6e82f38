#!/usr/bin/env bash
# bench/scaling.sh - read throughput of schemad with workers=1 vs workers=2:
# GET /schemas/ids/{random of 1,000} on HTTP/1.1 (wrk) and h2c (h2load),
# alternated, and on HTTP/1.1 pipelined (h1p: BENCH_PIPELINE requests per
# write, default 16, one wrk thread).  QUICK: BENCH_DURATION=3.  On a 2-core
# host the load generator takes much of the core the second worker would
# use: h1 and h2c read as "what a second worker buys here".  h1p cuts the
# client's cost per request about sixteenfold, so that its ratio shows the
# server's own scaling.
set -u
. "$(dirname "$0")/lib.sh"
: "${BENCH_PROTOS:=h1 h2c h1p}"
: "${BENCH_PIPELINE:=16}"
: "${BENCH_NSCHEMAS:=1000}"

bench_init wrk h2load curl python3
machine_info
echo "run:     ${BENCH_DURATION}s per run, ${BENCH_REPS} alternations; wrk -t$BENCH_THREADS -c$BENCH_CONNS; h2load -c$BENCH_CONNS -m$BENCH_STREAMS; h1p: wrk -t1 -c$BENCH_CONNS, $BENCH_PIPELINE pipelined requests per write"
echo
declare -A PORT SPID
for w in 1 2; do
    start_schemad "w$w" "$w"
    PORT[$w]=$SD_PORT
    SPID[$w]=$SD_PID
    python3 "$BENCH_DIR/populate.py" "$SD_PORT" "$BENCH_NSCHEMAS" > "$BENCH_TMP/ids.w$w" || die "registration failed"
    echo "schemad workers=$w: pid $SD_PID, port $SD_PORT, $BENCH_NSCHEMAS schemas"
    {
        echo "local ids = {$(paste -sd, "$BENCH_TMP/ids.w$w")}"
        echo 'request = function() return wrk.format("GET", "/schemas/ids/" .. ids[math.random(#ids)]) end'
    } > "$BENCH_TMP/idsrand.w$w.lua"
    {
        echo "local ids = {$(paste -sd, "$BENCH_TMP/ids.w$w")}"
        echo 'request = function()'
        echo '    local r = {}'
        echo "    for i = 1, $BENCH_PIPELINE do r[i] = wrk.format(\"GET\", \"/schemas/ids/\" .. ids[math.random(#ids)]) end"
        echo '    return table.concat(r)'
        echo 'end'
    } > "$BENCH_TMP/idspipe.w$w.lua"
    shuf "$BENCH_TMP/ids.w$w" | sed "s|^|http://127.0.0.1:$SD_PORT/schemas/ids/|" > "$BENCH_TMP/uris.w$w"
done

RES=$BENCH_TMP/results.tsv
: > "$RES"
echo "== runs (test proto workers rep: req/s p50|mean ms p99|max ms server-CPU-us/req)"
for ((rep = 1; rep <= BENCH_REPS; rep++)); do
    if ((rep % 2)); then order="1 2"; else order="2 1"; fi
    for proto in $BENCH_PROTOS; do
        for w in $order; do
            c0=$(tree_cpu_ticks "${SPID[$w]}")
            if [ "$proto" = h1 ]; then
                r=$(run_wrk "http://127.0.0.1:${PORT[$w]}" "$BENCH_TMP/idsrand.w$w.lua")
            elif [ "$proto" = h1p ]; then
                r=$(BENCH_THREADS=1 run_wrk "http://127.0.0.1:${PORT[$w]}" "$BENCH_TMP/idspipe.w$w.lua")
            else
                r=$(run_h2load "$BENCH_TMP/uris.w$w")
            fi
            c1=$(tree_cpu_ticks "${SPID[$w]}")
            r="$r $(cpu_us_per_req $((c1 - c0)) "${r%% *}" "$proto")"
            printf 'idsrand %-4s workers=%d %d: %s\n' "$proto" "$w" "$rep" "$r"
            echo "idsrand $proto workers=$w $rep $r" >> "$RES"
        done
    done
done
echo
echo "== summary (medians; ratio = workers=N / workers=1)"
python3 "$BENCH_DIR/summarize.py" "$RES" workers=1
load_after
