#!/bin/sh
# Install what the tests need, build, and pass every test: the unit tests
# (also under valgrind), the integration tests against the real daemon, a
# real Kafka broker and real clients, then all of it again in an
# ASan+UBSan build.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
sh "$src/scripts/install-test-deps.sh"
cd "$src"
autoreconf -fi
jobs=$(nproc)
build() {
    dir=$1; shift
    rm -rf "$dir" && mkdir -p "$dir"
    (cd "$dir" && "$src/configure" -q "$@" && make -j"$jobs")
}
check() {
    dir=$1
    if ! (cd "$dir" && make -j"$jobs" check); then
        find "$dir/tests/unit" -name '*.log' -exec cat {} + 2>/dev/null | tail -300
        cat "$dir"/tests/integration/*.log 2>/dev/null | tail -300
        exit 1
    fi
    cat "$dir"/tests/integration/run.sh.log | grep -E 'conformance \(|passed|failed' || true
}
echo "== build"
build "$src/build"
echo "== make check"
check "$src/build"
echo "== unit tests under valgrind"
for t in $(find "$src/build/tests/unit" -name 'test_*' -type f -perm -u+x); do
    SCHEMAD_SRCDIR="$src" SCHEMAD_SKIP_TIMING=1 valgrind -q --leak-check=full \
        --error-exitcode=1 "$t" >/dev/null || { echo "valgrind: $t failed"; exit 1; }
done
echo "== sanitizers build (ASan+UBSan)"
build "$src/build-asan" --enable-sanitizers
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
check "$src/build-asan"
# libFuzzer harnesses (tests/fuzz/README.md): every regression input and
# seed once, then each harness for a fixed number of runs from a fixed
# seed (the same inputs on every run of CI; `make fuzz` explores anew).
echo "== fuzzing (clang, libFuzzer, ASan+UBSan)"
build "$src/build-fuzz" --enable-fuzzing CC=clang CXX=clang++
(cd "$src/build-fuzz" && make fuzz-regress &&
    FUZZ_RUNS="${FUZZ_CI_RUNS:-100000}" make fuzz)
# One closing line for every check that ran: the unit tests' own counts
# and pytest's, in both builds.
total() {
    for dir in "$src/build" "$src/build-asan"; do
        find "$dir/tests/unit" -name 'test_*.log' -exec cat {} +
        grep -E '^=+ .*[0-9]+ passed' "$dir"/tests/integration/run.sh.log |
            sed -E 's/.* ([0-9]+) passed.*/\1 passed, 0 failed/'
    done | awk '/^[0-9]+ passed, [0-9]+ failed$/ { p += $1; f += $3 }
                END { printf "%d passed, %d failed\n", p, f }'
}
echo "== all tests passed"
total
