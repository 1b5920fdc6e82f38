#!/bin/sh
# Run the libFuzzer harnesses of a build configured with --enable-fuzzing.
#
#   run.sh fuzz SECONDS BUILDDIR SRCDIR   fuzz each harness for SECONDS
#   run.sh regress 0 BUILDDIR SRCDIR      run every regression input and
#                                         seed through each harness once
#
# FUZZ_HARNESSES (default: every tests/fuzz/fuzz_* built) picks harnesses;
# SCHEMAD_SHARED is ../shared (the conformance recordings the seeds come
# from).  The corpus a run grows stays in BUILDDIR/tests/fuzz/corpus, a
# crash in BUILDDIR/tests/fuzz/artifacts.  Exits 1 when a harness failed.
set -eu
mode=$1 seconds=$2 build=$3 src=$4
here="$src/tests/fuzz"
out="$build/tests/fuzz"
corpus="$out/corpus"
python3 "$here/make_seeds.py" --shared "${SCHEMAD_SHARED:-$src/../shared}" --out "$corpus"
harnesses=${FUZZ_HARNESSES:-$(cd "$out" && for f in fuzz_*; do
    case $f in *.*) ;; *) [ -x "$f" ] && echo "${f#fuzz_}" ;; esac
done)}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

dict_of() {
    case $1 in
    route) echo route ;;
    avro_parse|avro_compat) echo avro ;;
    ipc) echo ipc ;;
    api) echo api ;;
    journal_file) echo journal_file ;;
    schema_json) echo schema_json ;;
    schema_proto) echo schema_proto ;;
    *) echo json ;;
    esac
}

failed=""
for h in $harnesses; do
    bin="$out/fuzz_$h"
    mkdir -p "$corpus/$h" "$out/artifacts"
    dirs="$corpus/$h"
    for d in "$here/seeds/$h" "$here/regressions/$h"; do
        [ -d "$d" ] && dirs="$dirs $d"
    done
    log="$out/fuzz_$h.log"
    if [ "$mode" = regress ]; then
        set -- -runs=0
    elif [ -n "${FUZZ_RUNS:-}" ]; then
        # A fixed number of runs from a fixed seed: the same executions on
        # every machine, so a CI verdict does not depend on its speed.
        set -- -runs="$FUZZ_RUNS" -seed=1 -max_total_time=900 -print_final_stats=1
    else
        set -- -max_total_time="$seconds" -print_final_stats=1
    fi
    # A slow input is a finding too (quadratic work): -timeout.
    # shellcheck disable=SC2086
    if "$bin" "$@" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -dict="$here/dict/$(dict_of "$h").dict" \
        -artifact_prefix="$out/artifacts/$h-" $dirs >"$log" 2>&1; then
        execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
        [ -n "$execs" ] || execs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -1)
        echo "fuzz_$h: $mode ok, ${execs:-?} executions"
    else
        echo "fuzz_$h: FAILED ($mode); the end of $log:"
        tail -40 "$log"
        failed="$failed $h"
    fi
done
if [ -n "$failed" ]; then
    echo "fuzz: failed:$failed (inputs in $out/artifacts)"
    exit 1
fi
