#!/bin/sh
# Build the librdkafka schemad links: Debian 13's (trixie) source package,
# unchanged, built on Debian 12 as a static library into
# ${SCHEMAD_CACHE:-$HOME/.cache/schemad}/librdkafka-<version>, where
# configure finds it (rdkafka-static.pc).  Debian 12's librdkafka 2.0.2
# cannot log in with SCRAM to Kafka 4.x (it repeats the client nonce,
# fixed in 2.6.1 by confluentinc/librdkafka#4895).  Static, because 2.x
# keeps the soname librdkafka.so.1: a shared build would quietly run
# against the system's 2.0.2.
#
# The source comes from the Debian mirror this machine's apt already uses,
# through a private apt configuration (its own sources list, state and
# cache under a temporary directory): the machine's apt state is not
# touched.  The original tarball is pinned by its SHA-256.  Idempotent: a
# complete prefix (stamped with the version and checksum) is kept as is.
# Prints the prefix on stdout; needs the packages install-deps.sh installs.
set -eu

version=2.8.0
debian_version=2.8.0-1
suite=trixie
orig_sha256=5bd1c46f63265f31c6bfcedcde78703f77d28238eadf23821c2b43fc30be3e25

cache=${SCHEMAD_CACHE:-$HOME/.cache/schemad}
prefix=$cache/librdkafka-$version
stamp=$prefix/.complete
want="librdkafka $debian_version $orig_sha256"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "$prefix"
    exit 0
fi

fail() { echo "build-librdkafka.sh: $*" >&2; exit 1; }

# The Debian archive URI of the machine's apt sources (deb822 first, then
# the one-line format); the security archive does not carry other suites.
mirror() {
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk 'BEGIN { IGNORECASE = 1 }
             /^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' "$f"
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        sed -e 's/\[[^]]*\]//' "$f" |
            awk '$1 == "deb" && $2 !~ /security/ { print $2; exit }'
    done
}
uri=$(mirror | head -n 1)
[ -n "$uri" ] || fail "no Debian archive found in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -f "$keyring" ] || fail "$keyring missing (package debian-archive-keyring)"

mkdir -p "$cache"
work=$(mktemp -d "$cache/librdkafka.tmp.XXXXXX")
trap 'rm -rf "$work"' EXIT
# What apt, dpkg-source and the build say goes to a log, shown on failure.
log=$work/build.log
fail() {
    tail -n 40 "$log" >&2 2>/dev/null || true
    echo "build-librdkafka.sh: $*" >&2
    exit 1
}
apt=$work/apt
mkdir -p "$apt/sources.list.d" "$apt/preferences.d" "$apt/state/lists/partial" \
    "$apt/cache/archives/partial"
echo "deb-src [signed-by=$keyring] $uri $suite main" >"$apt/sources.list"
aptget() {
    apt-get -q \
        -o Dir::Etc::SourceList="$apt/sources.list" \
        -o Dir::Etc::SourceParts="$apt/sources.list.d" \
        -o Dir::Etc::Preferences="$apt/preferences" \
        -o Dir::Etc::PreferencesParts="$apt/preferences.d" \
        -o Dir::State="$apt/state" -o Dir::Cache="$apt/cache" \
        -o APT::Sandbox::User="$(id -un)" "$@"
}
echo "build-librdkafka.sh: fetching librdkafka $debian_version from $uri ($suite)" >&2
aptget update >>"$log" 2>&1 || fail "apt-get update of $uri $suite failed"
(cd "$work" && aptget source --download-only "librdkafka=$debian_version") >>"$log" 2>&1 ||
    fail "apt-get source librdkafka=$debian_version failed"

tarball=$work/librdkafka_$version.orig.tar.gz
got=$(sha256sum "$tarball" | cut -d' ' -f1)
[ "$got" = "$orig_sha256" ] ||
    fail "SHA-256 of librdkafka_$version.orig.tar.gz is $got, expected $orig_sha256: refusing to build"

# Debian's patches applied, upstream's build of the C library only.  No
# libcurl: it serves only OIDC token fetching, which schemad does not
# offer, and its static dependencies are many.
dpkg-source -x "$work/librdkafka_$debian_version.dsc" "$work/src" >>"$log" 2>&1 ||
    fail "dpkg-source -x librdkafka_$debian_version.dsc failed"
start=$(date +%s)
(cd "$work/src" &&
    ./configure --prefix="$prefix" --disable-curl --enable-zstd --enable-gssapi \
        --enable-lz4-ext &&
    make -C src -j"$(nproc)" &&
    make -C src install DESTDIR="$work/dest") >>"$log" 2>&1 || fail "librdkafka build failed"
echo "build-librdkafka.sh: built in $(($(date +%s) - start)) s" >&2

# Only the static library: with no librdkafka.so in the prefix nothing can
# resolve -lrdkafka to it.
rm -f "$work/dest$prefix"/lib/librdkafka*.so*
echo "$want" >"$work/dest$prefix/.complete"
rm -rf "$prefix"
mv "$work/dest$prefix" "$prefix"
echo "$prefix"
