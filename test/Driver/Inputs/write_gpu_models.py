"""Writes models for the GPU targets' tests, with inputs and ONNX Runtime's
outputs, into DIR/<name>/ (model.onnx, inputs/input_<i>.pb,
expected/output_<i>.pb):

  mixed  boxes scaled and scores squashed on the GPU (Mul, Sigmoid, Relu),
         non-max suppression between them on the CPU (a runtime call), its
         selection gathered again
"""
import os
import sys

import numpy as np
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
rng = np.random.default_rng(11)


def write(name, graph, inputs):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    d = os.path.join(out, name)
    os.makedirs(os.path.join(d, "inputs"))
    os.makedirs(os.path.join(d, "expected"))
    with open(os.path.join(d, "model.onnx"), "wb") as f:
        f.write(model.SerializeToString())
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    feeds = {i.name: v for i, v in zip(graph.input, inputs)}
    for i, value in enumerate(inputs):
        with open(os.path.join(d, "inputs", f"input_{i}.pb"), "wb") as f:
            f.write(numpy_helper.from_array(value).SerializeToString())
    for i, value in enumerate(session.run(None, feeds)):
        with open(os.path.join(d, "expected", f"output_{i}.pb"), "wb") as f:
            f.write(numpy_helper.from_array(value).SerializeToString())


corners = rng.uniform(0, 10, (1, 8, 2)).astype(np.float32)
boxes = np.concatenate([corners, corners + rng.uniform(1, 4, (1, 8, 2)).astype(np.float32)], axis=2)
logits = rng.normal(size=(1, 1, 8)).astype(np.float32)
write("mixed", helper.make_graph(
    [
        helper.make_node("Mul", ["boxes", "two"], ["scaled"], name="scale"),
        helper.make_node("Sigmoid", ["logits"], ["scores"], name="squash"),
        helper.make_node("NonMaxSuppression", ["scaled", "scores", "max_out", "iou", "min_score"],
                         ["selected"], name="nms"),
        helper.make_node("Relu", ["scaled"], ["relu"], name="relu"),
    ],
    "mixed",
    [helper.make_tensor_value_info("boxes", TensorProto.FLOAT, [1, 8, 4]),
     helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 1, 8])],
    [helper.make_tensor_value_info("selected", TensorProto.INT64, ["n", 3]),
     helper.make_tensor_value_info("relu", TensorProto.FLOAT, [1, 8, 4]),
     helper.make_tensor_value_info("scores", TensorProto.FLOAT, [1, 1, 8])],
    [numpy_helper.from_array(np.array(2.0, np.float32), "two"),
     numpy_helper.from_array(np.array([4], np.int64), "max_out"),
     numpy_helper.from_array(np.array([0.3], np.float32), "iou"),
     numpy_helper.from_array(np.array([0.2], np.float32), "min_score")]),
    [boxes, logits])
