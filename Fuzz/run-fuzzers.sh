#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) and runs each one for a
# while on a copy of Fuzz/corpus/<target>/: the seeds and the kept regression inputs.
#
#   Fuzz/run-fuzzers.sh [seconds-per-target] [build-dir]
#
# seconds-per-target: default 60 (the CI run); see Fuzz/README.md for the long run.
# build-dir: default <repo build dir>/build-fuzz, the repo build dir being
#   $DICOM_MAIL_BUILD_DIR or <repo>/build (as Resources/build.sh).
# Only target names in $DICOM_MAIL_FUZZ_TARGETS (space separated) are run
# when it is set. Exits non-zero if a target found a crash, a leak, a
# timeout or an out-of-memory; the inputs are kept in <build-dir>/artifacts/
# and their paths printed.
set -uo pipefail

seconds=${1:-60}
top=$(cd "$(dirname "$0")/.." && pwd)
build=${2:-${DICOM_MAIL_BUILD_DIR:-$top/build}/build-fuzz}
targets=${DICOM_MAIL_FUZZ_TARGETS:-FuzzMimeParser FuzzPartialReassembler FuzzManifest FuzzMdnParser}

if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -eq 0 ]; then
  echo "Usage: $0 [seconds-per-target] [build-dir]" >&2
  exit 2
fi

# clang and its libFuzzer runtime (Debian 12: clang 14).
has_libfuzzer() {
  command -v clang++ > /dev/null &&
    ls "$(clang++ -print-resource-dir)"/lib/linux/libclang_rt.fuzzer-*.a > /dev/null 2>&1
}
if ! has_libfuzzer; then
  echo "=== Installing clang (libFuzzer) ==="
  if [ "$(id -u)" -ne 0 ]; then
    echo "clang with libFuzzer is missing and this is not root: apt-get install clang libclang-rt-dev" >&2
    exit 2
  fi
  runtime=libclang-rt-dev
  version=$(apt-cache policy clang 2> /dev/null | sed -n 's/^ *Candidate: 1:\([0-9]*\).*/\1/p')
  if [ -n "$version" ] && apt-cache show "libclang-rt-$version-dev" > /dev/null 2>&1; then
    runtime=libclang-rt-$version-dev
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-upgrade clang "$runtime" || exit 2
  has_libfuzzer || { echo "libFuzzer runtime still missing after installing clang" >&2; exit 2; }
fi

echo "=== Building the fuzz targets in $build ==="
mkdir -p "$build"
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
      -DBUILD_FUZZERS=ON -DBUILD_UNIT_TESTS=OFF > "$build/cmake.log" 2>&1 || {
  cat "$build/cmake.log"; exit 2; }
cmake --build "$build" --target Fuzzers -j "$(nproc)" > "$build/build.log" 2>&1 || {
  tail -n 50 "$build/build.log"; exit 2; }

artifacts=$build/artifacts/$(date +%Y%m%d-%H%M%S)
mkdir -p "$artifacts"
work=$(mktemp -d /tmp/dicom-mail-fuzz-XXXXXX)
trap 'rm -rf "$work"' EXIT

status=0
summary=""
for target in $targets; do
  echo "=== $target: $seconds s ==="
  corpus=$work/$target
  mkdir -p "$corpus"
  # Seeds and every input a past run found: the run starts where they left off.
  if [ -d "$top/Fuzz/corpus/$target" ]; then
    cp -r "$top/Fuzz/corpus/$target"/. "$corpus"/
  fi
  dict=()
  if [ -f "$top/Fuzz/$target.dict" ]; then
    dict=(-dict="$top/Fuzz/$target.dict")
  fi

  log=$artifacts/$target.log
  # The outer timeout only guards against a fuzzer that stops reporting.
  (cd "$artifacts" && timeout --signal=KILL $((seconds + 300)) "$build/Fuzz/$target" \
     -max_total_time="$seconds" -rss_limit_mb=1024 -timeout=10 -print_final_stats=1 \
     "${dict[@]}" -artifact_prefix="$artifacts/$target-" "$corpus") > "$log" 2>&1
  rc=$?

  last=$(grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE).*cov:' "$log" | tail -n 1)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<< "$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<< "$last")
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  line="$target: rc=$rc cov=${cov:-?} ft=${ft:-?} runs=${runs:-?} exec/s=${speed:-?}"
  echo "$line"
  summary+="$line"$'\n'

  found=$(ls "$artifacts/$target"-* 2> /dev/null)
  if [ "$rc" -ne 0 ] || [ -n "$found" ]; then
    status=1
    echo "$target FOUND A PROBLEM (exit code $rc); log: $log"
    grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$log" | head -n 5
    for file in $found; do
      echo "  input kept: $file"
    done
  fi
done

echo "=== Summary (logs in $artifacts) ==="
printf '%s' "$summary"
if [ "$status" -ne 0 ]; then
  echo "Fuzzing found problems: fix them and keep each input under Fuzz/corpus/<target>/"
fi
exit $status
