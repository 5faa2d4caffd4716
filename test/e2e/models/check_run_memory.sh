#!/bin/sh
# check_run_memory.sh MOCC COUNTER MODELS_DIR WORK_DIR
#
# The transformers exported with a dynamic batch and sequence, compiled once
# each, run at shapes new and repeated under mocc-count-allocations (a
# counting allocator): a repeated shape must make no heap allocation and
# compute what its first run did, and each shape's block of dynamic buffers
# must stay within 1.05x its lower bound. Exits 77 (skip) when the models
# have not been exported.
set -eu
mocc=$1 counter=$2 models=$3 work=$4
mkdir -p "$work"
for name in encoder_dynamic_sequence gpt_block_dynamic_sequence; do
  if [ ! -f "$models/$name/model.onnx" ]; then
    echo "skip: $models/$name/model.onnx not exported"
    exit 77
  fi
  "$mocc" "$models/$name/model.onnx" -o "$work/$name.so"
  echo "$name:"
  "$counter" "$work/$name.so" 1x64 1x64 3x7 2x200 1x64 3x7 1x1 1x1 2x200
done
