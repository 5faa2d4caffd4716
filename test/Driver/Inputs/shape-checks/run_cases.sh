#!/usr/bin/env bash
# Compiles the models beside this script for TARGET and runs each with
# consistent and inconsistent input shapes through RUNNER (a mocc-run),
# printing each run's first line of output and its exit status.
# Usage: run_cases.sh TARGET DATA_DIR RUNNER...
set -u
target=$1 data=$2
shift 2
here=$(dirname "$0")
out=$data/$target
mkdir -p "$out"
for model in add broadcast concat gemm matmul reshape gather; do
  mocc "$here/$model.onnxtext" -target="$target" -o "$out/$model.so" || exit 1
done
run() {
  local model=$1
  shift
  local args=()
  for input in "$@"; do args+=(--input "${input%%=*}=$data/${input#*=}.npy"); done
  local output
  output=$("${RUNNER[@]}" "$out/$model.so" "${args[@]}" --print 2>&1)
  echo "$model $* -> exit $? | ${output%%$'\n'*}"
}
RUNNER=("$@")
run add x=v3000000 y=v4
run add x=v4 y=v1000000
run add x=v4 y=v4
run broadcast x=m2x3 b=v4
run broadcast x=m2x3 b=v3
run concat x=m2x3 y=m2x500
run concat x=m2x500 y=m2x3
run concat x=m2x3 y=m5x3
run matmul x=m2x3 y=m4x5
run matmul x=m2x3 y=m3x5
run gemm a=m2x3
run gemm a=m2x4
run reshape x=m3x4
run reshape x=m4x4
run gather data=m0x3 indices=i2
run gather data=m2x3 indices=i8
run gather data=m2x3 indices=i2
