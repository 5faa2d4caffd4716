#!/bin/sh
# Usage: run_tsan.sh MOCC CLANG HARNESS WORKDIR MODEL...
# Compiles each model (.onnx or .onnxtext; a missing one is skipped with a
# note, as the e2e models are where torch is absent) to LLVM IR with MOCC,
# marks every function for ThreadSanitizer, builds it into a library with
# CLANG -fsanitize=thread (the generated code, the runtime and the kernels
# all instrumented) and runs HARNESS (ConcurrentRuns.c) on the libraries.
# Fails on any ThreadSanitizer report or wrong result.
set -u
mocc="$1" clang="$2" harness="$3" work="$4"
shift 4
rm -rf "$work"
mkdir -p "$work"
libraries=""
for model in "$@"; do
  if [ ! -f "$model" ]; then
    echo "note: $model not found, not run (exported by the e2e tests)"
    continue
  fi
  name=$(basename "$(dirname "$model")")_$(basename "$model" | sed 's/\..*//')
  "$mocc" "$model" -emit=llvm -o "$work/$name.ll" || exit 1
  # clang instruments only the functions that carry sanitize_thread.
  sed -E 's/^attributes #([0-9]+) = \{ /attributes #\1 = { sanitize_thread /' \
    "$work/$name.ll" > "$work/$name.tsan.ll"
  "$clang" -Wno-override-module -fsanitize=thread -O1 -shared -fPIC \
    "$work/$name.tsan.ll" -o "$work/$name.so" || exit 1
  libraries="$libraries $work/$name.so"
done
[ -n "$libraries" ] || { echo "no model to run"; exit 1; }
TSAN_OPTIONS="halt_on_error=1 exitcode=66${TSAN_OPTIONS:+ $TSAN_OPTIONS}" \
  "$harness" $libraries
