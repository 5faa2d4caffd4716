"""Writes a model of sequence and optional values, with inputs and the
outputs of ONNX's reference evaluator, into the directory argv[1]:
model.onnx, inputs/input_K.pb, expected/output_K.pb.

  seq: sequence(float[N,3]), t: float[1,3], maybe: optional(float[2])
  joined  = Concat(Insert(seq, t, 0) without element 2)   (axis 0)
  length  = its length
  pieces  = SplitToSequence(t, 1, axis 1)
  doubled = SequenceMap(x -> x + x) over seq
  has     = OptionalHasElement(maybe)
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from onnx.reference import ReferenceEvaluator

out = sys.argv[1]
float_rows = helper.make_tensor_type_proto(TensorProto.FLOAT, ["N", 3])
double_body = helper.make_graph(
    [helper.make_node("Add", ["x", "x"], ["y"])], "double",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 3])])
nodes = [
    helper.make_node("Constant", [], ["zero"], value=numpy_helper.from_array(np.array(0, np.int64))),
    helper.make_node("Constant", [], ["two"], value=numpy_helper.from_array(np.array(2, np.int64))),
    helper.make_node("Constant", [], ["one"], value=numpy_helper.from_array(np.array(1, np.int64))),
    helper.make_node("SequenceInsert", ["seq", "t", "zero"], ["front"]),
    helper.make_node("SequenceErase", ["front", "two"], ["trimmed"]),
    helper.make_node("ConcatFromSequence", ["trimmed"], ["joined"], axis=0),
    helper.make_node("SequenceLength", ["trimmed"], ["length"]),
    helper.make_node("SplitToSequence", ["t", "one"], ["pieces"], axis=1),
    helper.make_node("SequenceMap", ["seq"], ["doubled"], body=double_body),
    helper.make_node("OptionalHasElement", ["maybe"], ["has"]),
]
graph = helper.make_graph(
    nodes, "sequences",
    [helper.make_value_info("seq", helper.make_sequence_type_proto(float_rows)),
     helper.make_tensor_value_info("t", TensorProto.FLOAT, [1, 3]),
     helper.make_value_info("maybe", helper.make_optional_type_proto(
         helper.make_tensor_type_proto(TensorProto.FLOAT, [2])))],
    [helper.make_tensor_value_info("joined", TensorProto.FLOAT, ["M", 3]),
     helper.make_tensor_value_info("length", TensorProto.INT64, []),
     helper.make_value_info("pieces", helper.make_sequence_type_proto(
         helper.make_tensor_type_proto(TensorProto.FLOAT, [1, 1]))),
     helper.make_value_info("doubled", helper.make_sequence_type_proto(float_rows)),
     helper.make_tensor_value_info("has", TensorProto.BOOL, [])])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
onnx.checker.check_model(model)
os.makedirs(out, exist_ok=True)
onnx.save(model, os.path.join(out, "model.onnx"))

rng = np.random.default_rng(3)
inputs = {
    "seq": [rng.standard_normal((2, 3)).astype(np.float32),
            rng.standard_normal((4, 3)).astype(np.float32),
            rng.standard_normal((1, 3)).astype(np.float32)],
    "t": rng.standard_normal((1, 3)).astype(np.float32),
    "maybe": None,
}
outputs = ReferenceEvaluator(model).run(None, inputs)
for name, values in (("inputs", list(inputs.items())),
                     ("expected", [(o.name, v) for o, v in zip(graph.output, outputs)])):
    os.makedirs(os.path.join(out, name), exist_ok=True)
    for k, (value_name, value) in enumerate(values):
        if isinstance(value, list):
            proto = numpy_helper.from_list(value, value_name)
        elif value is None:
            proto = numpy_helper.from_optional(None, value_name, onnx.OptionalProto.TENSOR)
        else:
            proto = numpy_helper.from_array(np.asarray(value), value_name)
        kind = "input" if name == "inputs" else "output"
        with open(os.path.join(out, name, f"{kind}_{k}.pb"), "wb") as f:
            f.write(proto.SerializeToString())
