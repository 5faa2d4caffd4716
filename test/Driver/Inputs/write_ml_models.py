"""Writes small ai.onnx.ml models (opset 1) with inputs and ONNX Runtime's
outputs into DIR/<name>/ (model.onnx, inputs/input_K.pb, expected/output_K.pb):

  scaler, normalizer_max, normalizer_l1, normalizer_l2, imputer_float (NaN
  replaced per column), imputer_int, linear_regressor (2 targets),
  feature_vectorizer (an input cut to 2 features, another padded
  to 4).
"""
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
rng = np.random.default_rng(5)
N = 5


def write(name, node, inputs, output_type, output_shape):
    graph = helper.make_graph(
        [node], name,
        [helper.make_tensor_value_info(k, helper.np_dtype_to_tensor_dtype(v.dtype), v.shape)
         for k, v in inputs.items()],
        [helper.make_tensor_value_info(node.output[0], output_type, output_shape)])
    model = helper.make_model(graph, opset_imports=[
        helper.make_opsetid("", 17), helper.make_opsetid("ai.onnx.ml", 1)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    results = ort.InferenceSession(model.SerializeToString(),
                                   providers=["CPUExecutionProvider"]).run(None, inputs)
    d = os.path.join(out, name)
    os.makedirs(os.path.join(d, "inputs"), exist_ok=True)
    os.makedirs(os.path.join(d, "expected"), exist_ok=True)
    onnx.save(model, os.path.join(d, "model.onnx"))
    for k, (n, v) in enumerate(inputs.items()):
        with open(os.path.join(d, "inputs", f"input_{k}.pb"), "wb") as f:
            f.write(numpy_helper.from_array(v, n).SerializeToString())
    for k, (n, v) in enumerate(zip(node.output, results)):
        with open(os.path.join(d, "expected", f"output_{k}.pb"), "wb") as f:
            f.write(numpy_helper.from_array(v, n).SerializeToString())


ml = dict(domain="ai.onnx.ml")
x = rng.standard_normal((N, 3)).astype(np.float32)
F = TensorProto.FLOAT
write("scaler", helper.make_node("Scaler", ["X"], ["Y"], offset=[0.5, -1.0, 2.0],
                                 scale=[2.0, 0.5, -3.0], **ml), {"X": x}, F, [N, 3])
for norm in ("MAX", "L1", "L2"):
    write(f"normalizer_{norm.lower()}", helper.make_node("Normalizer", ["X"], ["Y"], norm=norm, **ml),
          {"X": x}, F, [N, 3])
holes = x.copy()
holes[rng.random(holes.shape) < 0.3] = np.nan
write("imputer_float", helper.make_node(
    "Imputer", ["X"], ["Y"], imputed_value_floats=[7.0, 8.0, 9.0],
    replaced_value_float=float("nan"), **ml), {"X": holes}, F, [N, 3])
ints = rng.integers(-2, 3, size=(N, 3)).astype(np.int64)
write("imputer_int", helper.make_node(
    "Imputer", ["X"], ["Y"], imputed_value_int64s=[42], replaced_value_int64=0, **ml),
    {"X": ints}, TensorProto.INT64, [N, 3])
write("linear_regressor", helper.make_node(
    "LinearRegressor", ["X"], ["Y"], coefficients=[0.5, -1.0, 2.0, 1.5, 0.25, -0.75],
    intercepts=[0.1, -0.2], targets=2, **ml), {"X": x}, F, [N, 2])
write("feature_vectorizer", helper.make_node(
    "FeatureVectorizer", ["A", "B"], ["Y"], inputdimensions=[2, 4], **ml),
    {"A": x, "B": x[:, :2].copy() * 3}, F, [N, 6])
