#!/usr/bin/env bash
# The main job on the bundled example: installs what mocc needs, builds it,
# generates a small CNN (ONNX, with ONNX Runtime's output as reference),
# compiles it to a native library and runs it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${MOCC_BUILD_DIR:-$ROOT/build}"
bash "$ROOT/scripts/install-deps.sh"
# The fuzzers' instrumented build is for the tests only.
MOCC_BUILD_FUZZER=0 bash "$ROOT/scripts/build.sh"

EXAMPLE="$BUILD/example"
"$ROOT/.venv/bin/python" "$ROOT/test/e2e/models/make_example.py" "$EXAMPLE"
set -x
"$BUILD/bin/mocc" "$EXAMPLE/model.onnx" -target=host -o "$EXAMPLE/model.so"
"$BUILD/bin/mocc-run" "$EXAMPLE/model.so" --inputs "$EXAMPLE/test_data_set_0" --print
"$BUILD/bin/mocc-run" "$EXAMPLE/model.so" --inputs "$EXAMPLE/test_data_set_0" \
  --compare "$EXAMPLE/test_data_set_0" --rtol 1e-3 --atol 1e-4
"$BUILD/bin/mocc" "$EXAMPLE/model.onnx" -target=aarch64 -o "$EXAMPLE/model-aarch64.so"
qemu-aarch64 -L /usr/aarch64-linux-gnu "$BUILD/bin/aarch64/mocc-run" \
  "$EXAMPLE/model-aarch64.so" --inputs "$EXAMPLE/test_data_set_0" \
  --compare "$EXAMPLE/test_data_set_0" --rtol 1e-3 --atol 1e-4
