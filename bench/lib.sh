# bench/lib.sh - shared helpers for the shell benchmarks (sourced, not run).
#
# Every server started here listens on 127.0.0.1 only, is recorded in
# $BENCH_PIDS and is stopped by pid from the EXIT trap set by bench_init.

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${SCHEMAD_BIN:=}"
: "${BENCH_DURATION:=10}"     # seconds per load run (QUICK: BENCH_DURATION=3)
: "${BENCH_REPS:=2}"          # alternations of A/B per comparison (>= 2)
: "${BENCH_CONNS:=64}"        # wrk/h2load connections
: "${BENCH_STREAMS:=10}"      # h2load -m
: "${BENCH_THREADS:=2}"       # wrk -t / h2load -t
: "${BENCH_CLIENT_CPUS:=}"    # taskset -c list for wrk/h2load (default: any core)
: "${BENCH_SERVER_CPUS:=}"    # taskset -c list for schemad and nginx (default: any core)
CT='application/vnd.schemaregistry.v1+json'
BENCH_PIDS=()

die() { echo "bench: $*" >&2; exit 1; }

# on_cpus LIST CMD...: become CMD, confined to the cores in LIST (all when
# empty).  It execs: call it only in a subshell ("&" or "$(...)"), where it
# keeps $! the server's own pid.
on_cpus() {
    local cpus=$1; shift
    if [ -n "$cpus" ]; then exec taskset -c "$cpus" "$@"; else exec "$@"; fi
}

find_schemad() {
    if [ -n "$SCHEMAD_BIN" ]; then :;
    elif [ -x "$BENCH_DIR/../schemad" ]; then SCHEMAD_BIN=$BENCH_DIR/../schemad
    elif [ -x /tmp/build-bench/schemad ]; then SCHEMAD_BIN=/tmp/build-bench/schemad
    elif [ -x /tmp/build/schemad ]; then SCHEMAD_BIN=/tmp/build/schemad
    else die "no schemad binary: set SCHEMAD_BIN=/path/to/schemad"; fi
    [ -x "$SCHEMAD_BIN" ] || die "SCHEMAD_BIN=$SCHEMAD_BIN is not executable"
}

bench_cleanup() {
    local i
    for ((i = ${#BENCH_PIDS[@]} - 1; i >= 0; i--)); do
        kill -TERM "${BENCH_PIDS[$i]}" 2>/dev/null
    done
    for p in "${BENCH_PIDS[@]}"; do
        for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$p" 2>/dev/null
    done
    BENCH_PIDS=()
    [ -n "${BENCH_TMP:-}" ] && [ -z "${BENCH_KEEP:-}" ] && rm -rf "$BENCH_TMP"
}

bench_init() {
    for t in "$@"; do command -v "$t" >/dev/null || die "$t not found"; done
    find_schemad
    BENCH_TMP=$(mktemp -d /tmp/schemad-bench.XXXXXX)
    trap bench_cleanup EXIT
    trap 'exit 130' INT TERM
    [ "$BENCH_REPS" -ge 2 ] || BENCH_REPS=2
    [ "$BENCH_DURATION" -ge 1 ] && [ "$BENCH_DURATION" -le 120 ] || die "BENCH_DURATION must be 1..120"
}

machine_info() {
    echo "== machine"
    echo "cpu:     $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    echo "cores:   $(nproc) online ($(grep -c ^processor /proc/cpuinfo) listed)"
    echo "kernel:  $(uname -sr)"
    echo "memory:  $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
    echo "schemad: $SCHEMAD_BIN"
    echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min, before the run)"
    echo "NOTE:    the load generator (wrk/h2load/python) runs on the SAME host and"
    echo "         shares these $(nproc) cores with the server under test; figures are"
    echo "         relative (compare the ratio), not what a separate client would see."
    if [ -n "$BENCH_CLIENT_CPUS$BENCH_SERVER_CPUS" ]; then
        echo "pinned:  load generator on cores ${BENCH_CLIENT_CPUS:-any}, servers on cores ${BENCH_SERVER_CPUS:-any}"
    fi
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_http URL [seconds]: until the URL answers 200.
wait_http() {
    local url=$1 t=${2:-60} i
    for ((i = 0; i < t * 50; i++)); do
        [ "$(curl -s -o /dev/null -w '%{http_code}' "$url")" = 200 ] && return 0
        sleep 0.02
    done
    return 1
}

# start_schemad NAME WORKERS [extra property lines...]: sets SD_PORT, SD_PID.
start_schemad() {
    local name=$1 workers=$2; shift 2
    local d=$BENCH_TMP/$name
    mkdir -p "$d/data"
    SD_PORT=$(free_port)
    {
        echo "listeners=http://127.0.0.1:$SD_PORT"
        echo "journal=file"
        echo "data.dir=$d/data"
        echo "workers=$workers"
        echo "table.size=1G"
        # BENCH_CONFLUENT_VERSION=7 measures 7.9's shorter answers.
        [ -z "${BENCH_CONFLUENT_VERSION:-}" ] || echo "confluent.version=$BENCH_CONFLUENT_VERSION"
        for l in "$@"; do echo "$l"; done
    } > "$d/schemad.properties"
    on_cpus "$BENCH_SERVER_CPUS" "$SCHEMAD_BIN" -c "$d/schemad.properties" >"$d/schemad.log" 2>&1 &
    SD_PID=$!
    BENCH_PIDS+=("$SD_PID")
    wait_http "http://127.0.0.1:$SD_PORT/health/ready" 60 \
        || { cat "$d/schemad.log" >&2; die "schemad $name not ready"; }
}

stop_pid() {
    local p=$1 i
    kill -TERM "$p" 2>/dev/null
    for i in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null
    wait "$p" 2>/dev/null
    local keep=()
    for q in "${BENCH_PIDS[@]}"; do [ "$q" = "$p" ] || keep+=("$q"); done
    BENCH_PIDS=("${keep[@]}")
}

# nginx_escape STRING: a body for `return 200 '...'` (backslash doubled,
# single quote escaped).
nginx_escape() {
    printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e "s/'/\\\\'/g"
}

# start_nginx WORKERS LOCATIONS_FILE: sets NG_PORT (HTTP/1.1), NG_H2_PORT
# (h2c prior knowledge), NG_PID.  LOCATIONS_FILE holds `location` blocks.
start_nginx() {
    local workers=$1 locs=$2
    local d=$BENCH_TMP/nginx-$RANDOM
    mkdir -p "$d/tmp"
    NG_PORT=$(free_port); NG_H2_PORT=$(free_port)
    cat > "$d/nginx.conf" <<EOF
worker_processes $workers;
daemon off;
master_process on;
pid $d/nginx.pid;
error_log $d/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    default_type $CT;
    server_tokens off;
    keepalive_requests 100000000;
    keepalive_timeout 75s;
    http2_max_requests 100000000;
    client_body_temp_path $d/tmp/body;
    proxy_temp_path $d/tmp/proxy;
    fastcgi_temp_path $d/tmp/fcgi;
    uwsgi_temp_path $d/tmp/uwsgi;
    scgi_temp_path $d/tmp/scgi;
    server {
        listen 127.0.0.1:$NG_PORT;
        $(cat "$locs")
    }
    server {
        listen 127.0.0.1:$NG_H2_PORT http2;
        $(cat "$locs")
    }
}
EOF
    on_cpus "$BENCH_SERVER_CPUS" nginx -e "$d/error.log" -p "$d" -c "$d/nginx.conf" >"$d/stdout.log" 2>&1 &
    NG_PID=$!
    BENCH_PIDS+=("$NG_PID")
    for _ in $(seq 100); do
        curl -s -o /dev/null "http://127.0.0.1:$NG_PORT/" && return 0
        kill -0 "$NG_PID" 2>/dev/null || break
        sleep 0.05
    done
    cat "$d/error.log" "$d/stdout.log" >&2
    die "nginx did not start"
}

# --- load runs: each prints "rps p50_ms p99_ms" on stdout ------------------

# to_ms "1.23ms" -> 1.23
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
        if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000;
        printf "%.3f", n }'
}

# run_wrk URL [lua script]
run_wrk() {
    local url=$1 script=${2:-} out
    out=$(on_cpus "$BENCH_CLIENT_CPUS" wrk -t"$BENCH_THREADS" -c"$BENCH_CONNS" -d"${BENCH_DURATION}s" --latency \
              ${script:+-s "$script"} "$url" 2>&1)
    echo "$out" >> "$BENCH_TMP/wrk.log"
    local rps p50 p99 errs
    rps=$(echo "$out" | awk '/^Requests\/sec:/ {print $2}')
    p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
    p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    errs=$(echo "$out" | awk '/Non-2xx or 3xx responses:/ {print $NF} /Socket errors:/ {print}')
    [ -n "$errs" ] && echo "wrk: $url: $errs" >&2
    echo "${rps:-0} $(to_ms "${p50:-0}") $(to_ms "${p99:-0}")"
}

# run_h2load URL_OR_URIFILE [extra h2load args...]: h2c prior knowledge.
# h2load prints no percentiles: p50/p99 columns carry its mean and max
# request time instead (labelled so in the summary).
run_h2load() {
    local target=$1; shift
    local out args=()
    if [ -f "$target" ]; then args=(-i "$target"); else args=("$target"); fi
    out=$(on_cpus "$BENCH_CLIENT_CPUS" h2load -t"$BENCH_THREADS" -c"$BENCH_CONNS" -m"$BENCH_STREAMS" \
                 -D "$BENCH_DURATION" --warm-up-time=1 "$@" "${args[@]}" 2>&1)
    echo "$out" >> "$BENCH_TMP/h2load.log"
    local rps mean max ok
    rps=$(echo "$out" | awk '/^finished in/ {print $4}')
    mean=$(echo "$out" | awk '/^time for request:/ {print $6}')
    max=$(echo "$out" | awk '/^time for request:/ {print $5}')
    ok=$(echo "$out" | awk '/^status codes:/ {print $3, $4}')
    local bad
    bad=$(echo "$out" | awk '/^status codes:/ {gsub(",", ""); print $3 + 0 == 0 ? "none-2xx" : ($7 + $9 > 0 ? "errors" : "")}')
    [ -n "$bad" ] && echo "h2load: $target: $(echo "$out" | grep -E '^(status codes|requests):')" >&2
    echo "${rps:-0} $(to_ms "${mean:-0}") $(to_ms "${max:-0}")"
}

# Print the load average at the end: other processes on the host show up here.
load_after() {
    echo "load after: $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min; a 1-min load well above what this"
    echo "            benchmark runs (~3-4 busy threads) means other processes competed for the cores)"
}

# tree_cpu_ticks PID: user+sys clock ticks of PID and its children so far.
tree_cpu_ticks() {
    local p t=0 f
    for p in "$1" $(ps --ppid "$1" -o pid= 2>/dev/null); do
        f=$(cut -d' ' -f14,15 "/proc/$p/stat" 2>/dev/null) || continue
        t=$((t + ${f% *} + ${f#* }))
    done
    echo "$t"
}
CLK_TCK=$(getconf CLK_TCK)

# cpu_us_per_req TICKS RPS PROTO: a server's CPU (TICKS of all its
# processes over one run at RPS) per request, in microseconds.  An h2c run
# lasts a second longer: h2load's warm-up is counted in both CPU and
# requests, approximately.
cpu_us_per_req() {
    local t=$BENCH_DURATION
    [ "$3" = h2c ] && t=$((BENCH_DURATION + 1))
    awk -v d="$1" -v hz="$CLK_TCK" -v rps="$2" -v t="$t" \
        'BEGIN { printf "%.2f", (rps > 0 ? d / hz * 1e6 / (rps * t) : 0) }'
}
