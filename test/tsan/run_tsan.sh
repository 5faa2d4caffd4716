#!/bin/sh
# Usage: run_tsan.sh MOCC CLANG HARNESS WORKDIR RUNTIME_DIR RUNTIME_SOURCES MODEL...
# Compiles each model (.onnx or .onnxtext; a missing one is skipped with a
# note, as the e2e models are where torch is absent) to LLVM IR with MOCC,
# marks every function for ThreadSanitizer, builds it into a library with
# CLANG -fsanitize=thread (the generated code, the runtime's helpers and the
# kernels all instrumented) and RUNTIME_SOURCES (the part of the runtime
# mocc links as an object: space-separated, relative to RUNTIME_DIR; compiled
# here instrumented), and
# runs HARNESS (ConcurrentRuns.c) on the libraries. Fails on any
# ThreadSanitizer report or wrong result.
set -u
mocc="$1" clang="$2" harness="$3" work="$4" runtime="$5" runtime_sources="$6"
shift 6
rm -rf "$work"
mkdir -p "$work/runtime"
runtime_objects=""
for source in $runtime_sources; do
  object="$work/runtime/$(basename "$source" .c).o"
  "$clang" -std=c11 -O1 -fsanitize=thread -fPIC -fvisibility=hidden \
    -DMOCC_BUILDING_RUNTIME -I"$runtime/src" -I"$runtime/include" \
    -c "$runtime/$source" -o "$object" || exit 1
  runtime_objects="$runtime_objects $object"
done
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
    "$work/$name.tsan.ll" $runtime_objects -o "$work/$name.so" || exit 1
  libraries="$libraries $work/$name.so"
done
[ -n "$libraries" ] || { echo "no model to run"; exit 1; }
TSAN_OPTIONS="halt_on_error=1 exitcode=66${TSAN_OPTIONS:+ $TSAN_OPTIONS}" \
  "$harness" $libraries
