"""Writes the data of the driver error tests into the directory argv[1]:
model.onnx (y = Relu(x), x: float32[2x3]), truncated.onnx (its first half),
and inputs of the right and of wrong shapes and dtypes."""
import os
import sys

import numpy as np
import onnx
import onnx.numpy_helper
from onnx import TensorProto, helper

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
graph = helper.make_graph(
    [helper.make_node("Relu", ["x"], ["y"])], "relu",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
data = model.SerializeToString()
with open(os.path.join(out, "model.onnx"), "wb") as f:
    f.write(data)
with open(os.path.join(out, "truncated.onnx"), "wb") as f:
    f.write(data[: len(data) // 2])
np.save(os.path.join(out, "x.npy"), np.array([[-1, 2, -3], [4, -5, 6]], np.float32))
np.save(os.path.join(out, "x_wrong_shape.npy"), np.zeros((3, 2), np.float32))
np.save(os.path.join(out, "x_wrong_dtype.npy"), np.zeros((2, 3), np.float64))

# y = x + w with w (1024 floats, 4 KiB) in an external data file, and x of a
# symbolic batch size that --input-shape fixes.
weight = np.arange(1024, dtype=np.float32) / 7.0
external = helper.make_model(
    helper.make_graph(
        [helper.make_node("Add", ["x", "w"], ["y"])], "external",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 1024])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 1024])],
        [onnx.numpy_helper.from_array(weight, "w")]),
    opset_imports=[helper.make_opsetid("", 17)])
onnx.save_model(external, os.path.join(out, "external.onnx"),
                save_as_external_data=True, all_tensors_to_one_file=True,
                location="external.weights", size_threshold=0)
x = np.ones((2, 1024), np.float32)
np.save(os.path.join(out, "x2.npy"), x)
np.save(os.path.join(out, "expected2.npy"), x + weight)
