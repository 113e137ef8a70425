#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine, as root: installs, builds,
# starts the local mail stack and two Orthanc servers, and sends a study
# from "hospital" to "referrer" by DICOM-Mail. "demo.sh stop" stops it all.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
if [ "${1:-start}" = "stop" ]; then
  exec /usr/bin/python3 "$top/Resources/demo.py" stop
fi
"$top/Resources/install-dependencies.sh"
"$top/Resources/build.sh"
exec /usr/bin/python3 "$top/Resources/demo.py" start
