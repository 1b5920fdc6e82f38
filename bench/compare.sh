# bench/compare.sh - schemad vs nginx on the same bytes (sourced by reads.sh
# and reregister.sh, which set BENCH_TESTS before sourcing).
#
# Tests (BENCH_TESTS, space separated):
#   ids1      GET /schemas/ids/<first id>             (one fixed id)
#   idsrand   GET /schemas/ids/{random of 1,000 ids}  (wrk lua / h2load -i)
#   latest    GET /subjects/bench-0/versions/latest
#   lookup    POST /subjects/bench-0                   (known schema)
#   rereg     POST /subjects/bench-0/versions          (already registered)
# Protocols (BENCH_PROTOS): h1 (wrk) and h2c (h2load, prior knowledge).

: "${BENCH_PROTOS:=h1 h2c}"
: "${BENCH_NSCHEMAS:=1000}"
: "${BENCH_WORKERS:=2}"

bench_init wrk h2load nginx curl python3
machine_info
echo "run:     ${BENCH_DURATION}s per run, ${BENCH_REPS} alternations (nginx/schemad, then schemad/nginx, ...),"
echo "         wrk -t$BENCH_THREADS -c$BENCH_CONNS --latency; h2load -t$BENCH_THREADS -c$BENCH_CONNS -m$BENCH_STREAMS -D $BENCH_DURATION;"
echo "         $BENCH_WORKERS schemad workers, nginx worker_processes $BENCH_WORKERS"
echo "tests:   $BENCH_TESTS ($BENCH_PROTOS)"
echo

start_schemad sd "$BENCH_WORKERS"
SD=http://127.0.0.1:$SD_PORT
echo "schemad pid $SD_PID on $SD; registering $BENCH_NSCHEMAS schemas ..."
t0=$(date +%s.%N)
python3 "$BENCH_DIR/populate.py" "$SD_PORT" "$BENCH_NSCHEMAS" > "$BENCH_TMP/ids" \
    || die "registration failed (see $BENCH_TMP/sd/schemad.log)"
printf 'registered %d schemas in %.2f s (one client, sequential)\n' "$BENCH_NSCHEMAS" \
    "$(echo "$(date +%s.%N) - $t0" | bc)"

ID0=$(head -1 "$BENCH_TMP/ids")
SCHEMA0=$(python3 -c "import sys; sys.path.insert(0, '$BENCH_DIR'); import common, json; print(json.dumps({'schema': common.avro_schema(0)}))")
printf '%s' "$SCHEMA0" > "$BENCH_TMP/schema0.json"

# The exact bytes schemad answers, for nginx to return.
getb() { curl -sS -f "$@"; }
B_IDS=$(getb "$SD/schemas/ids/$ID0") || die "GET /schemas/ids/$ID0 failed"
B_LATEST=$(getb "$SD/subjects/bench-0/versions/latest") || die "GET latest failed"
B_LOOKUP=$(getb -X POST -H "Content-Type: $CT" --data-binary @"$BENCH_TMP/schema0.json" "$SD/subjects/bench-0") \
    || die "POST /subjects/bench-0 (lookup) failed"
B_REREG=$(getb -X POST -H "Content-Type: $CT" --data-binary @"$BENCH_TMP/schema0.json" "$SD/subjects/bench-0/versions") \
    || die "POST /subjects/bench-0/versions (re-register) failed"

cat > "$BENCH_TMP/locations" <<EOF
location = / { return 200 'ok'; }
        location /schemas/ids/ { return 200 '$(nginx_escape "$B_IDS")'; }
        location = /subjects/bench-0/versions/latest { return 200 '$(nginx_escape "$B_LATEST")'; }
        location = /subjects/bench-0 { return 200 '$(nginx_escape "$B_LOOKUP")'; }
        location = /subjects/bench-0/versions { return 200 '$(nginx_escape "$B_REREG")'; }
EOF
start_nginx "$BENCH_WORKERS" "$BENCH_TMP/locations"
NG=http://127.0.0.1:$NG_PORT
NG2=http://127.0.0.1:$NG_H2_PORT
SD2=$SD   # schemad serves h2c prior knowledge on the same port
echo "nginx pid $NG_PID on $NG (HTTP/1.1) and $NG2 (h2c)"

# Same bytes, same Content-Type?
check_same() {
    local what=$1; shift
    local a b
    a=$(curl -sS -D - "$@" "$SD$what" | tr -d '\r' | grep -iE '^(content-type|content-length):|^\{' | sort)
    b=$(curl -sS -D - "$@" "$NG$what" | tr -d '\r' | grep -iE '^(content-type|content-length):|^\{' | sort)
    if [ "${a,,}" != "${b,,}" ]; then
        echo "MISMATCH for $what:"; echo "schemad: $a"; echo "nginx:   $b"; die "nginx bytes differ"
    fi
}
check_same "/schemas/ids/$ID0"
check_same /subjects/bench-0/versions/latest
check_same /subjects/bench-0 -X POST -H "Content-Type: $CT" --data-binary @"$BENCH_TMP/schema0.json"
check_same /subjects/bench-0/versions -X POST -H "Content-Type: $CT" --data-binary @"$BENCH_TMP/schema0.json"
echo "checked: nginx returns byte-identical bodies and the same Content-Type/Length"
echo "  GET /schemas/ids/$ID0 body: ${#B_IDS} bytes; latest: ${#B_LATEST}; lookup: ${#B_LOOKUP}; re-register: ${#B_REREG}"
echo "  (for idsrand nginx answers every id with the body of id $ID0; schemad's bodies differ only in the numbers)"
echo

# wrk lua scripts
{
    echo "local ids = {$(paste -sd, "$BENCH_TMP/ids")}"
    cat <<'EOF'
local counter = 0
function setup(thread) counter = counter + 1; thread:set("seed", counter) end
function init(args) math.randomseed(os.time() * 1000 + (seed or 0)) end
request = function()
    return wrk.format("GET", "/schemas/ids/" .. ids[math.random(#ids)])
end
EOF
} > "$BENCH_TMP/idsrand.lua"
for t in lookup rereg; do
    cat > "$BENCH_TMP/$t.lua" <<EOF
wrk.method = "POST"
wrk.headers["Content-Type"] = "$CT"
wrk.body = [==[$SCHEMA0]==]
EOF
done
# h2load URI lists (shuffled), one per server
shuf "$BENCH_TMP/ids" | sed "s|^|$SD2/schemas/ids/|" > "$BENCH_TMP/uris.schemad"
shuf "$BENCH_TMP/ids" | sed "s|^|$NG2/schemas/ids/|" > "$BENCH_TMP/uris.nginx"

# run_one TEST PROTO SIDE -> "rps a b"
run_one() {
    local test=$1 proto=$2 side=$3 base
    if [ "$proto" = h1 ]; then
        [ "$side" = nginx ] && base=$NG || base=$SD
        case $test in
        ids1)    run_wrk "$base/schemas/ids/$ID0" ;;
        idsrand) run_wrk "$base" "$BENCH_TMP/idsrand.lua" ;;
        latest)  run_wrk "$base/subjects/bench-0/versions/latest" ;;
        lookup)  run_wrk "$base/subjects/bench-0" "$BENCH_TMP/lookup.lua" ;;
        rereg)   run_wrk "$base/subjects/bench-0/versions" "$BENCH_TMP/rereg.lua" ;;
        esac
    else
        [ "$side" = nginx ] && base=$NG2 || base=$SD2
        local post=(-d "$BENCH_TMP/schema0.json" -H "content-type: $CT")
        case $test in
        ids1)    run_h2load "$base/schemas/ids/$ID0" ;;
        idsrand) run_h2load "$BENCH_TMP/uris.$side" ;;
        latest)  run_h2load "$base/subjects/bench-0/versions/latest" ;;
        lookup)  run_h2load "$base/subjects/bench-0" "${post[@]}" ;;
        rereg)   run_h2load "$base/subjects/bench-0/versions" "${post[@]}" ;;
        esac
    fi
}

RES=$BENCH_TMP/results.tsv
: > "$RES"
echo "== runs (test proto server rep: req/s p50|mean ms p99|max ms server-CPU-us/req)"
for ((rep = 1; rep <= BENCH_REPS; rep++)); do
    if ((rep % 2)); then sides="nginx schemad"; else sides="schemad nginx"; fi
    for test in $BENCH_TESTS; do
        for proto in $BENCH_PROTOS; do
            for side in $sides; do
                [ "$side" = nginx ] && spid=$NG_PID || spid=$SD_PID
                c0=$(tree_cpu_ticks "$spid")
                r=$(run_one "$test" "$proto" "$side")
                c1=$(tree_cpu_ticks "$spid")
                r="$r $(cpu_us_per_req $((c1 - c0)) "${r%% *}" "$proto")"
                printf '%-8s %-4s %-8s %d: %s\n' "$test" "$proto" "$side" "$rep" "$r"
                echo "$test $proto $side $rep $r" >> "$RES"
            done
        done
    done
done
kill -0 "$SD_PID" 2>/dev/null || die "schemad died during the runs (see $BENCH_TMP/sd/schemad.log)"
echo
echo "== summary (medians; ratio = schemad / nginx)"
python3 "$BENCH_DIR/summarize.py" "$RES" nginx
if [ -n "${BENCH_OUT:-}" ]; then cp "$RES" "$BENCH_OUT"; echo "raw results copied to $BENCH_OUT"; fi
load_after
