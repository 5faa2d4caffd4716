"""Writes the seed corpus of the value-file fuzzer (test/fuzz/value-corpus, committed).

Each seed is one byte that picks the reader (0 .npy, 1 TensorProto, 2 SequenceProto,
3 OptionalProto; ValueFileFuzzer.c) followed by a file as numpy and onnx write it:
.npy files of several dtypes, ranks and format versions, TensorProtos in raw_data
and in each typed field (packed and not), sequences (empty, of tensors of several
shapes) and optionals (absent, a tensor, a sequence).

    .venv/bin/python test/fuzz/make_value_corpus.py test/fuzz/value-corpus
"""
import io
import os
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

NPY, TENSOR, SEQUENCE, OPTIONAL = b"\0", b"\1", b"\2", b"\3"
rng = np.random.default_rng(0)


def npy(array, version=None):
    out = io.BytesIO()
    if version is None:
        np.save(out, array)
    else:
        np.lib.format.write_array(out, array, version=version)
    return out.getvalue()


seeds = {
    "npy_f32_2x3": NPY + npy(rng.standard_normal((2, 3)).astype(np.float32)),
    "npy_i64_scalar": NPY + npy(np.array(7, dtype=np.int64)),
    "npy_bool_4": NPY + npy(np.array([True, False, True, True])),
    "npy_f16_v2": NPY + npy(rng.standard_normal((3, 1, 2)).astype(np.float16), version=(2, 0)),
    "npy_u8_empty": NPY + npy(np.zeros((0, 5), dtype=np.uint8)),
    "npy_f64_v3": NPY + npy(np.arange(6, dtype=np.float64), version=(3, 0)),
    "tensor_raw_f32": TENSOR + numpy_helper.from_array(
        rng.standard_normal((2, 2)).astype(np.float32), "x").SerializeToString(),
    "tensor_raw_i8": TENSOR + numpy_helper.from_array(np.arange(-3, 3, dtype=np.int8)).SerializeToString(),
    "tensor_float_data": TENSOR + helper.make_tensor("x", TensorProto.FLOAT, [3], [1.5, -2, 0]).SerializeToString(),
    "tensor_int64_data": TENSOR + helper.make_tensor("x", TensorProto.INT64, [2, 1], [5, -9]).SerializeToString(),
    "tensor_int32_f16": TENSOR + helper.make_tensor(
        "x", TensorProto.FLOAT16, [2], np.array([1, -2], np.float16).view(np.uint16).tolist()).SerializeToString(),
    "tensor_double_data": TENSOR + helper.make_tensor("x", TensorProto.DOUBLE, [2], [0.25, 1e300]).SerializeToString(),
    "tensor_uint64_data": TENSOR + helper.make_tensor("x", TensorProto.UINT64, [1], [2**63]).SerializeToString(),
    "tensor_bool_int32": TENSOR + helper.make_tensor("x", TensorProto.BOOL, [3], [1, 0, 1]).SerializeToString(),
    "tensor_bf16_raw": TENSOR + helper.make_tensor(
        "x", TensorProto.BFLOAT16, [2], b"\x80\x3f\x00\xc0", raw=True).SerializeToString(),
    "tensor_int4_raw": TENSOR + helper.make_tensor("x", TensorProto.INT4, [3], b"\x21\x03", raw=True).SerializeToString(),
    "sequence_empty": SEQUENCE + numpy_helper.from_list([], "s").SerializeToString(),
    "sequence_two": SEQUENCE + numpy_helper.from_list(
        [np.ones((2, 3), np.float32), np.zeros((1,), np.float32)], "s").SerializeToString(),
    "optional_absent": OPTIONAL + numpy_helper.from_optional(None, "o").SerializeToString(),
    "optional_tensor": OPTIONAL + numpy_helper.from_optional(np.arange(4, dtype=np.int32), "o").SerializeToString(),
    "optional_sequence": OPTIONAL + numpy_helper.from_optional(
        [np.array([1.0], np.float32)], "o").SerializeToString(),
}

out_dir = sys.argv[1]
os.makedirs(out_dir, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(out_dir, name), "wb") as f:
        f.write(data)
print(f"wrote {len(seeds)} seeds to {out_dir}")
