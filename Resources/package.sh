#!/usr/bin/env bash
# Builds the Debian package into the build directory:
#   build/orthanc-dicom-mail_<version>-1_amd64.deb
# and prints its path on the last line. Needs dpkg-dev (dpkg-shlibdeps) for
# the Depends computed from the shared libraries.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${DICOM_MAIL_BUILD_DIR:-$top/build}
"$top/Resources/build.sh"
(cd "$build" && cpack -G DEB > "$build/cpack.log" 2>&1) || { cat "$build/cpack.log"; exit 1; }
deb=$(ls -t "$build"/orthanc-dicom-mail_*_amd64.deb | head -n 1)
echo "$deb"
