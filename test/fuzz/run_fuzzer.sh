#!/bin/sh
# Usage: run_fuzzer.sh FUZZER SEEDS WORKDIR SECONDS
# Fuzzes a copy of the seed corpus SEEDS in WORKDIR (in the build dir, never in
# the source tree) for SECONDS. Exits 77 (ctest SKIP_RETURN_CODE) when FUZZER
# was not built, 1 on any crash, sanitizer report, timeout, leak or
# out-of-memory, with the input that caused it left in WORKDIR/artifacts.
set -u
fuzzer="$1" seeds="$2" work="$3" seconds="$4"
if [ ! -x "$fuzzer" ]; then
  echo "SKIP: $fuzzer not found (scripts/build.sh builds it in build/fuzz; see docs/architecture.md)"
  exit 77
fi
fuzzer="$(cd "$(dirname "$fuzzer")" && pwd)/$(basename "$fuzzer")"
rm -rf "$work"
mkdir -p "$work/corpus" "$work/artifacts"
work="$(cd "$work" && pwd)"
cp "$seeds"/* "$work/corpus/"
cd "$work" || exit 1
export UBSAN_OPTIONS="print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
# A fixed seed: a given tree fuzzes the same inputs every time (a prefix of
# them on a slower machine), so the test does not flake; MOCC_FUZZ_SEED=0
# picks a random one. libFuzzer exits 77 on a crash by default, which ctest
# would take for a skip.
"$fuzzer" -seed="${MOCC_FUZZ_SEED:-1}" -max_total_time="$seconds" \
  -timeout=10 -rss_limit_mb=4096 \
  -error_exitcode=1 -timeout_exitcode=1 -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/" "$work/corpus"
rc=$?
if [ "$rc" -ne 0 ]; then
  echo "FAILED: the fuzzer exited with $rc; reproduce with: $fuzzer $work/artifacts/<file>"
  ls -l "$work/artifacts"
  exit 1
fi
