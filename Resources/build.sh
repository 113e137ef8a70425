#!/usr/bin/env bash
# Configures and builds the plugin and the unit tests into ./build.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${DICOM_MAIL_BUILD_DIR:-$top/build}
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo > "$build.cmake.log" 2>&1 || {
  cat "$build.cmake.log"; exit 1; }
cmake --build "$build" -j "$(nproc)"
echo "Built $build/libOrthancDicomMail.so"
