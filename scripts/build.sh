#!/usr/bin/env bash
# Configures and builds mocc (Release, ninja, ccache when present) into
# ${MOCC_BUILD_DIR:-build}, then the fuzzers (test/fuzz) into their own
# instrumented Clang build, ${MOCC_BUILD_DIR:-build}/fuzz (see
# docs/architecture.md). MOCC_BUILD_FUZZER=0 skips the fuzzers.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${MOCC_BUILD_DIR:-$ROOT/build}"
if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -G Ninja -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release \
    -DMLIR_DIR=/usr/lib/llvm-19/lib/cmake/mlir \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-19/build/utils/lit/lit.py
fi
cmake --build "$BUILD" -j "$(nproc)"

if [ "${MOCC_BUILD_FUZZER:-1}" != 0 ]; then
  FUZZ="$BUILD/fuzz"
  if [ ! -f "$FUZZ/build.ninja" ]; then
    cmake -G Ninja -S "$ROOT" -B "$FUZZ" -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 \
      -DMOCC_ENABLE_FUZZER=ON -DBUILD_TESTING=OFF \
      -DMLIR_DIR=/usr/lib/llvm-19/lib/cmake/mlir
  fi
  cmake --build "$FUZZ" -j "$(nproc)" --target mocc-fuzzers
fi
