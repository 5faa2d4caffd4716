#!/bin/sh
# Usage: run_model_fuzzer.sh MOCC FUZZER MODELS WORKDIR SECONDS
# Compiles every model in MODELS (*.onnxtext) with MOCC into WORKDIR, then
# runs the model fuzzer on those libraries for SECONDS (run_fuzzer.sh, over
# the seeds in MODELS/seeds). Exits 77 when FUZZER was not built.
set -u
mocc="$1" fuzzer="$2" models="$3" work="$4" seconds="$5"
if [ ! -x "$fuzzer" ]; then
  echo "SKIP: $fuzzer not found (scripts/build.sh builds it in build/fuzz; see docs/architecture.md)"
  exit 77
fi
libraries="$work/libraries"
rm -rf "$libraries"
mkdir -p "$libraries"
list=""
for model in "$models"/*.onnxtext; do
  library="$libraries/$(basename "$model" .onnxtext).so"
  "$mocc" "$model" -o "$library" || exit 1
  list="$list${list:+:}$library"
done
MOCC_FUZZ_MODELS="$list" exec sh "$(dirname "$0")/run_fuzzer.sh" "$fuzzer" \
  "$models/seeds" "$work/fuzz" "$seconds"
