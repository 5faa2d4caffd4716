#!/bin/sh
# The verdicts of the onnx suite's Cast tests do not depend on the ml_dtypes
# release that computed their reference data: ml_dtypes 0.5.4 and 0.7.0 differ
# only on casts the ONNX spec leaves undefined (undefined_elements.py). Runs
# them with each release put in front of the venv's own, against the
# expectation file, and requires the same summary line from both.
#   check_oracle_independence.sh PYTHON MOCC MOCC_RUN EXPECTATIONS WORK_DIR
# Exits 77 (skipped) when PyPI cannot be reached.
set -eu
python=$1 mocc=$2 mocc_run=$3 expectations=$4 work=$5
runner="$(dirname "$0")/run_node_tests.py"
[ -x "$python" ] || { echo "SKIP: $python not found (run scripts/install-deps.sh)"; exit 77; }
rm -rf "$work" && mkdir -p "$work"
for version in 0.5.4 0.7.0; do
  if ! "$python" -m pip install -q --disable-pip-version-check --no-deps \
      --target "$work/ml_dtypes-$version" "ml_dtypes==$version" >"$work/pip.log" 2>&1; then
    cat "$work/pip.log"; echo "SKIP: cannot install ml_dtypes $version"; exit 77
  fi
  PYTHONPATH="$work/ml_dtypes-$version" "$python" "$runner" --suite onnx --filter '^test_cast' \
    --mocc "$mocc" --mocc-run "$mocc_run" --expectations "$expectations" \
    --onnx-cache "$work/cache-$version" >"$work/$version.log" 2>&1 || {
      cat "$work/$version.log"; echo "FAIL: verdicts changed with ml_dtypes $version"; exit 1; }
  grep -q "^ml_dtypes==$version\$" "$work/cache-$version/stamp.txt" || {
    echo "FAIL: the data was not computed with ml_dtypes $version"; exit 1; }
  tail -n 1 "$work/$version.log" | tee "$work/$version.summary"
done
cmp -s "$work/0.5.4.summary" "$work/0.7.0.summary" || { echo "FAIL: the summaries differ"; exit 1; }
echo "same verdicts with ml_dtypes 0.5.4 and 0.7.0"
