#!/bin/sh
# Everything the tests need on a fresh Debian 12 machine: the build
# dependencies, the clients (curl with HTTP/2, nghttp2's h2load, openssl),
# Java and Maven for the real Kafka broker and for the reference
# implementations of the differential tests (Apache Avro, Jackson: their
# jars come from Maven Central), valgrind, clang with libFuzzer, and the Python side (pytest,
# confluent-kafka).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
sh "$here/install-deps.sh"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y -qq --no-install-recommends \
    curl nghttp2-client openssl ca-certificates procps \
    openjdk-17-jdk-headless maven valgrind gdb \
    python3 python3-pip wrk nginx-light >/dev/null
# clang and its compiler-rt (libFuzzer, the sanitizers) for tests/fuzz.
$SUDO apt-get install -y -qq --no-install-recommends clang libclang-rt-14-dev >/dev/null
pip_install() {
    python3 -m pip install -q "$@" 2>/dev/null ||
        python3 -m pip install -q --break-system-packages "$@"
}
pip_install pytest pytest-asyncio 'confluent-kafka[avro,protobuf,schemaregistry]>=2.14'
# kafka-python's group client joins a group of any protocol type: the
# tests' stand-in for a Confluent node in its `sr` group (sr_member.py).
pip_install 'kafka-python==3.0.12'
sh "$here/../tests/integration/fetch_kafka.sh" >/dev/null
sh "$here/../tests/diff/fetch_ref.sh" >/dev/null
# Node.js and the npm packages of confluent-kafka-javascript's e2e tests
# (tests/clients/run_ckjs.sh keeps them in ~/.cache/schemad/ckjs; without
# a mirror of that repository it exits 77 and its test is skipped).
command -v npm >/dev/null 2>&1 ||
    $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
sh "$here/../tests/clients/run_ckjs.sh" install || [ $? -eq 77 ]
