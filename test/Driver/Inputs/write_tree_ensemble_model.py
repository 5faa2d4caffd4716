"""Writes a random TreeEnsembleRegressor or TreeEnsembleClassifier
(ai.onnx.ml opset 3) with inputs and ONNX Runtime's outputs into the
directory argv[1]: model.onnx, inputs/input_0.pb, expected/output_K.pb.

    write_tree_ensemble_model.py DIR AGGREGATE POST_TRANSFORM
    write_tree_ensemble_model.py DIR classifier POST_TRANSFORM
    write_tree_ensemble_model.py DIR binary-single POST_TRANSFORM
    write_tree_ensemble_model.py DIR binary-two POST_TRANSFORM

Eight trees of depth up to 5 over 6 features, every branch mode, NaN inputs
for the missing-value branches, leaves voting for one or two of 3 targets
(4 classes, labelled 10, 20, 30, 40), and base values. The binary
classifiers have classes 3 and 8: binary-single votes for the first class
only, with one base value (as exported gradient boosting does), binary-two
for both, with two.
"""
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

out, aggregate, post_transform = sys.argv[1], sys.argv[2], sys.argv[3]
classifier = aggregate in ("classifier", "binary-single", "binary-two")
binary = aggregate.startswith("binary")
votes = "class" if classifier else "target"
rng = np.random.default_rng(7)
FEATURES, TARGETS, ROWS = 6, 2 if binary else 4 if classifier else 3, 16
MODES = ["BRANCH_LEQ", "BRANCH_LT", "BRANCH_GTE", "BRANCH_GT", "BRANCH_EQ", "BRANCH_NEQ"]
attrs = {k: [] for k in (
    "nodes_treeids", "nodes_nodeids", "nodes_featureids", "nodes_modes", "nodes_values",
    "nodes_truenodeids", "nodes_falsenodeids", "nodes_missing_value_tracks_true",
    f"{votes}_treeids", f"{votes}_nodeids", f"{votes}_ids", f"{votes}_weights")}


def add_node(tree, depth, next_id):
    node = next_id[0]
    next_id[0] += 1
    leaf = depth == 0 or (depth < 4 and rng.random() < 0.25)
    attrs["nodes_treeids"].append(tree)
    attrs["nodes_nodeids"].append(node)
    attrs["nodes_featureids"].append(int(rng.integers(FEATURES)) if not leaf else 0)
    attrs["nodes_modes"].append("LEAF" if leaf else MODES[int(rng.integers(len(MODES)))])
    attrs["nodes_values"].append(float(rng.integers(-4, 5)) / 2 if not leaf else 0.0)
    attrs["nodes_missing_value_tracks_true"].append(int(rng.integers(2)) if not leaf else 0)
    slot = len(attrs["nodes_truenodeids"])
    attrs["nodes_truenodeids"].append(0)
    attrs["nodes_falsenodeids"].append(0)
    if leaf:
        choices = [0] if aggregate == "binary-single" else rng.choice(
            TARGETS, size=int(rng.integers(1, 3)), replace=False)
        for target in choices:
            attrs[f"{votes}_treeids"].append(tree)
            attrs[f"{votes}_nodeids"].append(node)
            attrs[f"{votes}_ids"].append(int(target))
            attrs[f"{votes}_weights"].append(float(rng.normal()))
    else:
        attrs["nodes_truenodeids"][slot] = add_node(tree, depth - 1, next_id)
        attrs["nodes_falsenodeids"][slot] = add_node(tree, depth - 1, next_id)
    return node


for tree in range(8):
    add_node(tree, 5, [0])
if classifier:
    labels = [3, 8] if binary else [10, 20, 30, 40]
    extra = {"base_values": [0.3] if aggregate == "binary-single" else [0.3, -0.2]} if binary else {}
    node = helper.make_node(
        "TreeEnsembleClassifier", ["X"], ["Y", "Z"], domain="ai.onnx.ml",
        classlabels_int64s=labels, post_transform=post_transform, **attrs, **extra)
    outputs = [helper.make_tensor_value_info("Y", TensorProto.INT64, [ROWS]),
               helper.make_tensor_value_info("Z", TensorProto.FLOAT, [ROWS, TARGETS])]
else:
    node = helper.make_node(
        "TreeEnsembleRegressor", ["X"], ["Y"], domain="ai.onnx.ml", n_targets=TARGETS,
        aggregate_function=aggregate, post_transform=post_transform,
        base_values=[0.5, -0.25, 1.0], **attrs)
    outputs = [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [ROWS, TARGETS])]
graph = helper.make_graph(
    [node], "forest", [helper.make_tensor_value_info("X", TensorProto.FLOAT, [ROWS, FEATURES])],
    outputs)
model = helper.make_model(graph, opset_imports=[
    helper.make_opsetid("", 17), helper.make_opsetid("ai.onnx.ml", 3)])
model.ir_version = 8
onnx.checker.check_model(model)

# Half-steps so that rows hit the thresholds exactly (EQ, LEQ, ...), and NaNs.
x = (rng.integers(-4, 5, size=(ROWS, FEATURES)) / 2).astype(np.float32)
x[rng.random(x.shape) < 0.1] = np.nan
results = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"]).run(None, {"X": x})
os.makedirs(os.path.join(out, "inputs"), exist_ok=True)
os.makedirs(os.path.join(out, "expected"), exist_ok=True)
onnx.save(model, os.path.join(out, "model.onnx"))
with open(os.path.join(out, "inputs", "input_0.pb"), "wb") as f:
    f.write(numpy_helper.from_array(x, "X").SerializeToString())
for k, (info, value) in enumerate(zip(outputs, results)):
    with open(os.path.join(out, "expected", f"output_{k}.pb"), "wb") as f:
        f.write(numpy_helper.from_array(value, info.name).SerializeToString())
