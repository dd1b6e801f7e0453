#!/bin/sh
# build.sh - installs what mpifractal needs from Debian (when run as root), then configures and builds it.
# Usage: ./build.sh                    (Open MPI; again after a change: it only rebuilds)
#        ./build.sh --with-mpi=mpich   (MPICH instead; later runs without an argument keep it)
#        ./build.sh --with-mpi=openmpi (back to Open MPI: reconfigures and rebuilds everything)
set -eu
cd "$(dirname "$0")"

# The MPI this tree is configured for (config.status records configure's arguments).
configured=none
if [ -f Makefile ] && [ -x config.status ]; then
    configured=$(./config.status --config | sed -n 's/.*--with-mpi=\([a-z]*\).*/\1/p')
    configured=${configured:-openmpi}
fi
mpi=$configured
[ "$mpi" != none ] || mpi=openmpi
for arg in "$@"; do
    case $arg in
        --with-mpi=openmpi|--with-mpi=mpich) mpi=${arg#--with-mpi=} ;;
        *) echo "build.sh: unknown argument '$arg' (usage: ./build.sh [--with-mpi=openmpi|mpich])" >&2; exit 2 ;;
    esac
done
case $mpi in
    openmpi) mpi_packages="libopenmpi-dev openmpi-bin libhdf5-openmpi-dev" ;;
    mpich) mpi_packages="libmpich-dev mpich libhdf5-mpich-dev" ;;
esac

packages="autoconf automake make gcc pkg-config $mpi_packages
hdf5-tools libpng-dev zlib1g-dev libmpfr-dev python3-numpy python3-h5py python3-pil pngcheck valgrind
python3-xarray python3-netcdf4 python3-h5netcdf python3-matplotlib netcdf-bin nco cdo gdal-bin"
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
if [ "$configured" != "$mpi" ]; then
    # Objects built with the other MPI's compiler wrapper must not be reused.
    [ "$configured" = none ] || make clean >/dev/null
    if [ "$mpi" = openmpi ]; then ./configure; else ./configure --with-mpi="$mpi"; fi
fi
make -j"$(nproc)"
