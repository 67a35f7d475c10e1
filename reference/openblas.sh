#!/usr/bin/env bash
# Prints the folder of Debian's OpenBLAS (libblas.so.3 inside) unpacked under DIR, fetching the package first when
# it is not there (apt-get download + dpkg -x: nothing is installed). Exits 1 when the package cannot be had.
# Debian's python3-torch calls whatever libblas.so.3 comes first on LD_LIBRARY_PATH; without OpenBLAS installed that
# is the netlib reference BLAS, several times slower.
#   reference/openblas.sh DIR
set -euo pipefail
dir="$1"
lib="$dir/usr/lib/x86_64-linux-gnu/openblas-pthread"
if [ ! -f "$lib/libblas.so.3" ]; then
  mkdir -p "$dir"
  (cd "$dir" && apt-get download libopenblas0-pthread >/dev/null 2>&1 && dpkg -x libopenblas0-pthread_*.deb .) || exit 1
fi
[ -f "$lib/libblas.so.3" ] || exit 1
(cd "$lib" && pwd)
