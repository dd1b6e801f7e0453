#!/bin/sh
# build.sh - installs what mpifractal needs from Debian (when run as root), then configures and builds it.
# Usage: ./build.sh            (again after a change: it only rebuilds)
set -eu
cd "$(dirname "$0")"

packages="autoconf automake make gcc pkg-config libopenmpi-dev openmpi-bin libhdf5-openmpi-dev
hdf5-tools libpng-dev zlib1g-dev python3-numpy python3-h5py python3-pil python3-matplotlib pngcheck valgrind"
missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "build.sh: installing:$missing"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        # shellcheck disable=SC2086 # one word per package
        apt-get install -y -qq $missing >/dev/null
    else
        echo "build.sh: these Debian packages are missing; install them as root:" >&2
        echo "  apt-get install$missing" >&2
    fi
fi
[ -x configure ] || ./bootstrap
[ -f Makefile ] || ./configure
make -j"$(nproc)"
