#!/bin/sh
# Debian 12 packages needed to build schemad, and the librdkafka it links
# (built from Debian 13's source package by build-librdkafka.sh).
set -eu
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
    build-essential autoconf automake libtool pkg-config \
    libh2o-evloop-dev libmsgpack-dev libavro-dev \
    libjansson-dev libssl-dev libsystemd-dev \
    g++ libprotobuf-dev libprotoc-dev \
    dpkg-dev libsasl2-dev libzstd-dev liblz4-dev zlib1g-dev >/dev/null
sh "$(dirname "$0")/build-librdkafka.sh" >/dev/null
