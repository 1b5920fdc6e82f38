#!/bin/sh
# Debian 12 packages needed to build schemad.
set -eu
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
    build-essential autoconf automake libtool pkg-config \
    librdkafka-dev libh2o-evloop-dev libmsgpack-dev libavro-dev \
    libjansson-dev libssl-dev libsystemd-dev >/dev/null
