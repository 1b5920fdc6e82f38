#!/bin/sh
# Configure and build schemad in the source tree (./schemad).
set -eu
cd "$(dirname "$0")/.."
# The static librdkafka configure looks for (quick when already built).
case " $* " in
*" --with-system-librdkafka"*) ;;
*) sh scripts/build-librdkafka.sh >/dev/null ;;
esac
[ -x configure ] || autoreconf -fi
[ -f Makefile ] || ./configure "$@"
make -j"$(nproc)"
