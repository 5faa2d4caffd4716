#!/usr/bin/env bash
# Every test: installs what mocc needs, builds it, runs lit, the unit tests
# and the end-to-end suites (ONNX node tests and real models on x86-64 and,
# under qemu, AArch64). Extra arguments go to ctest (e.g. -R lit).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${MOCC_BUILD_DIR:-$ROOT/build}"
bash "$ROOT/scripts/install-deps.sh"
bash "$ROOT/scripts/build.sh"
ctest --test-dir "$BUILD" --output-on-failure -j "$(nproc)" "$@"
