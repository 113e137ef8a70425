#!/usr/bin/env bash
# Runs every test: unit tests (ctest, which starts the local mail stack for
# the transport tests) and the integration tests (pytest, real Orthanc
# servers + Postfix + Dovecot + GnuPG). Exits non-zero on any failure.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${DICOM_MAIL_BUILD_DIR:-$top/build}
export DICOM_MAIL_BUILD_DIR=$build

"$top/Resources/install-dependencies.sh" || exit 1
"$top/Resources/build.sh" || exit 1

status=0
echo "=== Unit tests (ctest) ==="
(cd "$build" && ctest --output-on-failure --timeout 900) || status=1

echo "=== Fuzzing (libFuzzer, ${DICOM_MAIL_FUZZ_SECONDS:-45} s per target) ==="
# A short run on every submission; Fuzz/README.md describes the long run.
"$top/Fuzz/run-fuzzers.sh" "${DICOM_MAIL_FUZZ_SECONDS:-45}" || status=1

echo "=== Integration tests (pytest) ==="
# Debian's python3 carries pytest, pydicom and numpy; a python3 earlier on
# PATH (pyenv, venv) may not.
# Most of their time is spent waiting (poll intervals, retries, servers starting), so test files run in
# ${DICOM_MAIL_TEST_WORKERS:-2} worker processes (pytest-xdist), each with its own Orthancs and mail stack.
/usr/bin/python3 -m pytest -p no:cacheprovider -v --durations=15 \
  -n "${DICOM_MAIL_TEST_WORKERS:-2}" --dist loadfile "$top/IntegrationTests" "$@" || status=1
exit $status
