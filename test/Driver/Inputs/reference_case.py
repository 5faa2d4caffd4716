"""Writes one test case of a model, with ONNX's reference evaluator as the
oracle (ONNX Runtime with --ort, for what the reference does not compute):
reference_case.py [--ort] MODEL.onnxtext DIR NAME=VALUE ...
Each graph input is given as NAME=2x3 (0, 1, 2, ... mod 7 in that shape, as
float32; NAME=DTYPE[2x3] as another numpy dtype) or NAME=DTYPE:V,V,... (a
1-D array; DTYPE[2x3]:V,... in that shape; DTYPE:=V for a 0-d one). DIR gets input_<i>.pb in the graph's input order and the
reference's output_<i>.pb (a SequenceProto for a sequence), for mocc-run --inputs DIR
--compare DIR, and model.onnx, the model as this onnx parses it (Debian's parser
lacks the newer types)."""
import os
import sys

import numpy as np
import onnx.parser
from onnx import numpy_helper
from onnx.reference import ReferenceEvaluator


def parse_value(text):
    if ":" not in text:
        dtype, shape = text[:-1].split("[") if "[" in text else ("float32", text)
        dims = [int(d) for d in shape.split("x")]
        return (np.arange(int(np.prod(dims))) % 7).astype(dtype).reshape(dims)
    dtype, values = text.split(":")
    shape = None
    if "[" in dtype:
        dtype, dims = dtype[:-1].split("[")
        shape = [int(d) for d in dims.split("x")]
    number = int if np.dtype(dtype).kind in "iub" else float
    if values.startswith("="):
        return np.array(number(values[1:]), dtype=dtype)
    array = np.array([number(v) for v in values.split(",") if v], dtype=dtype)
    return array if shape is None else array.reshape(shape)


args = sys.argv[1:]
use_ort = args[0] == "--ort"
model_path, out, *specs = args[1:] if use_ort else args
with open(model_path) as f:
    model = onnx.parser.parse_model(f.read())
given = dict(spec.split("=", 1) for spec in specs)
inputs = {i.name: parse_value(given[i.name]) for i in model.graph.input}
if use_ort:
    import onnxruntime
    session = onnxruntime.InferenceSession(model.SerializeToString(),
                                           providers=["CPUExecutionProvider"])
    outputs = session.run(None, inputs)
else:
    outputs = ReferenceEvaluator(model).run(None, inputs)
os.makedirs(out, exist_ok=True)
onnx.save(model, os.path.join(out, "model.onnx"))
for kind, values in (("input", [(i.name, inputs[i.name]) for i in model.graph.input]),
                     ("output", [(o.name, v) for o, v in zip(model.graph.output, outputs)])):
    for k, (name, value) in enumerate(values):
        proto = (numpy_helper.from_list([np.asarray(v) for v in value], name)
                 if isinstance(value, list) else numpy_helper.from_array(np.asarray(value), name))
        with open(os.path.join(out, f"{kind}_{k}.pb"), "wb") as f:
            f.write(proto.SerializeToString())
