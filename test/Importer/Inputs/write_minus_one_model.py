"""Writes DIR/model.onnx, whose input x declares its first dimension as
dim_value -1 (as older Paddle2ONNX exports do), an input DIR/x.npy of shape
5x3, and ONNX Runtime's output for it as DIR/expected/output_0.pb."""
import os
import sys

import numpy as np
import onnx
import onnxruntime
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
os.makedirs(os.path.join(out, "expected"), exist_ok=True)
weight = numpy_helper.from_array(
    np.array([[0.5, -1.0], [2.0, 0.25], [-0.5, 1.5]], np.float32), "w")
graph = helper.make_graph(
    [helper.make_node("MatMul", ["x", "w"], ["m"]),
     helper.make_node("Relu", ["m"], ["y"])],
    "minus_one",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [-1, 3])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [-1, 2])],
    [weight])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
assert model.graph.input[0].type.tensor_type.shape.dim[0].dim_value == -1
path = os.path.join(out, "model.onnx")
onnx.save(model, path)

x = (np.arange(15, dtype=np.float32).reshape(5, 3) - 7) / 4
np.save(os.path.join(out, "x.npy"), x)
session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
(y,) = session.run(None, {"x": x})
with open(os.path.join(out, "expected", "output_0.pb"), "wb") as f:
    f.write(numpy_helper.from_array(y, "y").SerializeToString())
