"""Writes the seed corpus of the importer fuzzer (test/fuzz/corpus, committed).

Small valid models that together reach the loader's and the importer's paths:
initializers as raw_data and in the typed fields, weights large enough to be
resource blobs, Constant nodes, ops with attributes, a subgraph (If), several
opset imports and versions (below and above what libonnx's checker knows), an
unsupported op, dynamic dimensions, external data (an error in memory) and a
negative dimension. The reproducers of fixed crashes (regress_*.onnx) sit beside
them.

    .venv/bin/python test/fuzz/make_corpus.py test/fuzz/corpus
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

F = TensorProto.FLOAT
rng = np.random.default_rng(0)


def weights(shape, dtype=np.float32):
    return (rng.standard_normal(shape) * 0.1).astype(dtype)


def model(nodes, inputs, outputs, initializers=(), opset=17, extra_opsets=()):
    graph = helper.make_graph(nodes, "g", inputs, outputs, list(initializers))
    opsets = [helper.make_opsetid("", opset)] + [helper.make_opsetid(d, v) for d, v in extra_opsets]
    m = helper.make_model(graph, opset_imports=opsets, producer_name="mocc-fuzz-seed")
    m.ir_version = 8 if opset <= 17 else 10
    return m


def vi(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


seeds = {}

# Conv (raw_data weights, bias), Relu, MaxPool with pads and strides.
seeds["conv_relu_pool"] = model(
    [helper.make_node("Conv", ["x", "w", "b"], ["c"], kernel_shape=[3, 3], pads=[1, 1, 1, 1],
                      strides=[1, 1], dilations=[1, 1], group=1),
     helper.make_node("Relu", ["c"], ["r"]),
     helper.make_node("MaxPool", ["r"], ["y"], kernel_shape=[2, 2], strides=[2, 2])],
    [vi("x", F, [1, 3, 8, 8])], [vi("y", F, [1, 4, 4, 4])],
    [numpy_helper.from_array(weights((4, 3, 3, 3)), "w"),
     numpy_helper.from_array(weights((4,)), "b")])

# Gemm whose weights are in the typed field float_data, not raw_data.
seeds["gemm_typed_fields"] = model(
    [helper.make_node("Gemm", ["x", "w", "b"], ["y"], alpha=0.5, beta=2.0, transB=1)],
    [vi("x", F, [2, 8])], [vi("y", F, [2, 4])],
    [helper.make_tensor("w", F, [4, 8], weights((4, 8)).flatten().tolist()),
     helper.make_tensor("b", F, [4], [1.0, 2.0, 3.0, 4.0])], opset=13)

# Constant nodes (a tensor value, a value_ints, a value_float) feeding Reshape and Mul.
seeds["constant_nodes"] = model(
    [helper.make_node("Constant", [], ["shape"], value_ints=[3, 4]),
     helper.make_node("Constant", [], ["k"], value_float=3.0),
     helper.make_node("Constant", [], ["bias"],
                      value=helper.make_tensor("bias", F, [4], [0.5, -0.5, 1.5, -1.5])),
     helper.make_node("Reshape", ["x", "shape"], ["r"]),
     helper.make_node("Mul", ["r", "k"], ["m"]),
     helper.make_node("Add", ["m", "bias"], ["y"])],
    [vi("x", F, [2, 6])], [vi("y", F, [3, 4])], opset=13)

# Shape arithmetic that import folds: Shape -> Gather -> Unsqueeze -> Concat -> Reshape.
seeds["shape_arith"] = model(
    [helper.make_node("Shape", ["x"], ["s"]),
     helper.make_node("Gather", ["s", "zero"], ["n"], axis=0),
     helper.make_node("Unsqueeze", ["n", "axes"], ["n1"]),
     helper.make_node("Concat", ["n1", "minus1"], ["shape"], axis=0),
     helper.make_node("Reshape", ["x", "shape"], ["y"])],
    [vi("x", F, [2, 3, 4])], [vi("y", F, [2, 12])],
    [helper.make_tensor("zero", TensorProto.INT64, [], [0]),
     helper.make_tensor("axes", TensorProto.INT64, [1], [0]),
     helper.make_tensor("minus1", TensorProto.INT64, [1], [-1])], opset=13)

# Dynamic dimensions (dim_param and a dimension with neither value nor name).
dynamic_x = vi("x", F, ["N", 3, 4])
dynamic_x.type.tensor_type.shape.dim[1].Clear()
seeds["dynamic_dims"] = model(
    [helper.make_node("Mul", ["x", "w"], ["m"]),
     helper.make_node("Softmax", ["m"], ["s"], axis=-1),
     helper.make_node("ReduceMean", ["s"], ["y"], axes=[2], keepdims=1)],
    [dynamic_x], [vi("y", F, ["N", 3, 1])],
    [numpy_helper.from_array(weights((4,)), "w")], opset=13)

# A subgraph attribute: If (not supported by mocc) with two branches.
then_graph = helper.make_graph(
    [helper.make_node("Relu", ["x"], ["t"])], "then", [], [vi("t", F, [2])])
else_graph = helper.make_graph(
    [helper.make_node("Neg", ["x"], ["e"])], "else", [], [vi("e", F, [2])])
seeds["if_subgraph"] = model(
    [helper.make_node("If", ["c"], ["y"], then_branch=then_graph, else_branch=else_graph)],
    [vi("c", TensorProto.BOOL, []), vi("x", F, [2])], [vi("y", F, [2])], opset=16)

# Unsupported ops, one in another domain, and several opset imports.
seeds["unsupported_ops"] = model(
    [helper.make_node("Relu", ["x"], ["r"]),
     helper.make_node("NonZero", ["r"], ["nz"]),
     helper.make_node("FusedThing", ["r"], ["y"], domain="com.example", alpha=1.0)],
    [vi("x", F, [2, 2])], [vi("y", F, [2, 2]), vi("nz", TensorProto.INT64, [2, "K"])],
    opset=15, extra_opsets=[("com.example", 1), ("ai.onnx.ml", 3)])

# An old opset: Softmax before 13 (coerced to 2-D), Flatten, Dropout, Upsample.
seeds["old_opset"] = model(
    [helper.make_node("Upsample", ["x", "scales"], ["u"], mode="nearest"),
     helper.make_node("Flatten", ["u"], ["f"], axis=1),
     helper.make_node("Dropout", ["f"], ["d"], ratio=0.25),
     helper.make_node("Softmax", ["d"], ["y"], axis=1)],
    [vi("x", F, [1, 2, 2, 2])], [vi("y", F, [1, 32])],
    [helper.make_tensor("scales", F, [4], [1.0, 1.0, 2.0, 2.0])], opset=9)

# A new opset, past what libonnx's checker knows: RMSNormalization, Gelu, Cast.
seeds["new_opset"] = model(
    [helper.make_node("RMSNormalization", ["x", "scale"], ["n"], axis=-1, epsilon=1e-5),
     helper.make_node("Gelu", ["n"], ["g"], approximate="tanh"),
     helper.make_node("Cast", ["g"], ["y"], to=TensorProto.FLOAT16)],
    [vi("x", F, [2, 3, 8])], [vi("y", TensorProto.FLOAT16, [2, 3, 8])],
    [numpy_helper.from_array(np.ones(8, np.float32), "scale")], opset=23)

# Reductions with axes as an attribute (opset 13 ReduceMean) and as an input (ReduceSum), ArgMax.
seeds["reductions"] = model(
    [helper.make_node("ReduceMean", ["x"], ["m"], axes=[1], keepdims=1),
     helper.make_node("ReduceSum", ["x", "axes"], ["s"], keepdims=0),
     helper.make_node("ArgMax", ["x"], ["a"], axis=-1, keepdims=0, select_last_index=1),
     helper.make_node("ReduceMax", ["m"], ["y"], axes=[0, 2], keepdims=0)],
    [vi("x", F, [2, 3, 4])],
    [vi("y", F, [1]), vi("s", F, [2, 4]), vi("a", TensorProto.INT64, [2, 3])],
    [helper.make_tensor("axes", TensorProto.INT64, [1], [1])], opset=13)

# Narrow element types: int8 in raw_data, uint8/bool/float16 in int32_data; Cast, Equal, Where.
seeds["element_types"] = model(
    [helper.make_node("Cast", ["i8"], ["f"], to=F),
     helper.make_node("Cast", ["u8"], ["g"], to=F),
     helper.make_node("Equal", ["f", "g"], ["eq"]),
     helper.make_node("And", ["eq", "mask"], ["both"]),
     helper.make_node("Cast", ["h"], ["hf"], to=F),
     helper.make_node("Where", ["both", "hf", "x"], ["y"])],
    [vi("x", F, [4])], [vi("y", F, [4])],
    [numpy_helper.from_array(np.array([1, -2, 3, -4], np.int8), "i8"),
     helper.make_tensor("u8", TensorProto.UINT8, [4], [1, 2, 3, 250]),
     helper.make_tensor("mask", TensorProto.BOOL, [4], [True, False, True, True]),
     helper.make_tensor("h", TensorProto.FLOAT16, [4],
                        np.array([1, 2, 3, 4], np.float16).view(np.uint16).tolist(), raw=False)],
    opset=17)

# Resize with scales (linear, half_pixel) and with sizes (nearest).
seeds["resize"] = model(
    [helper.make_node("Resize", ["x", "", "scales"], ["a"], mode="linear",
                      coordinate_transformation_mode="half_pixel"),
     helper.make_node("Resize", ["a", "", "", "sizes"], ["y"], mode="nearest",
                      nearest_mode="floor", coordinate_transformation_mode="asymmetric")],
    [vi("x", F, [1, 1, 2, 3])], [vi("y", F, [1, 1, 3, 5])],
    [helper.make_tensor("scales", F, [4], [1.0, 1.0, 2.0, 2.0]),
     helper.make_tensor("sizes", TensorProto.INT64, [4], [1, 1, 3, 5])], opset=13)

# Indexing: Gather on an axis, Slice with every optional input, Pad, ScatterElements.
seeds["indexing"] = model(
    [helper.make_node("Gather", ["x", "idx"], ["g"], axis=1),
     helper.make_node("Slice", ["g", "starts", "ends", "axes", "steps"], ["s"]),
     helper.make_node("Pad", ["s", "pads", "padv"], ["p"], mode="constant"),
     helper.make_node("ScatterElements", ["p", "sidx", "upd"], ["y"], axis=0, reduction="add")],
    [vi("x", F, [3, 5])], [vi("y", F, [5, 4])],
    [helper.make_tensor("idx", TensorProto.INT64, [3], [4, 0, -1]),
     helper.make_tensor("starts", TensorProto.INT64, [2], [0, -1]),
     helper.make_tensor("ends", TensorProto.INT64, [2], [100, -100]),
     helper.make_tensor("axes", TensorProto.INT64, [2], [0, 1]),
     helper.make_tensor("steps", TensorProto.INT64, [2], [1, -1]),
     helper.make_tensor("pads", TensorProto.INT64, [4], [1, 0, 1, 1]),
     helper.make_tensor("padv", F, [], [0.5]),
     helper.make_tensor("sidx", TensorProto.INT64, [1, 2], [0, 4]),
     helper.make_tensor("upd", F, [1, 2], [1.0, 2.0])], opset=16)

# Data movement: Split (sizes as an input), Transpose, Concat on a negative axis, Squeeze,
# Expand, Tile.
seeds["data_movement"] = model(
    [helper.make_node("Split", ["x", "split"], ["a", "b"], axis=1),
     helper.make_node("Transpose", ["a"], ["at"], perm=[0, 2, 1]),
     helper.make_node("Transpose", ["b"], ["bt"], perm=[0, 2, 1]),
     helper.make_node("Concat", ["at", "bt"], ["c"], axis=-1),
     helper.make_node("Squeeze", ["c", "sq"], ["s"]),
     helper.make_node("Expand", ["s", "eshape"], ["e"]),
     helper.make_node("Tile", ["e", "reps"], ["y"])],
    [vi("x", F, [1, 4, 2])], [vi("y", F, [4, 8])],
    [helper.make_tensor("split", TensorProto.INT64, [2], [1, 3]),
     helper.make_tensor("sq", TensorProto.INT64, [1], [0]),
     helper.make_tensor("eshape", TensorProto.INT64, [2], [2, 4]),
     helper.make_tensor("reps", TensorProto.INT64, [2], [2, 2])], opset=13)

# Weights of 1 KiB and more become resource blobs: a MatMul with a 2 KiB weight, then
# BatchNormalization-free normalization (LayerNormalization) and a Softmax.
seeds["large_weight"] = model(
    [helper.make_node("MatMul", ["x", "w"], ["m"]),
     helper.make_node("LayerNormalization", ["m", "gamma", "beta"], ["n"], axis=-1, epsilon=1e-5),
     helper.make_node("Softmax", ["n"], ["y"], axis=-1)],
    [vi("x", F, [2, 32])], [vi("y", F, [2, 16])],
    [numpy_helper.from_array(weights((32, 16)), "w"),
     numpy_helper.from_array(np.ones(16, np.float32), "gamma"),
     numpy_helper.from_array(np.zeros(16, np.float32), "beta")], opset=17)

# An initializer stored as external data: a model loaded from memory cannot read it. (Opset
# 18, so that libonnx's checker, which looks for the file, does not stop the import first.)
external = numpy_helper.from_array(weights((4,)), "w")
external.ClearField("raw_data")
external.data_location = TensorProto.EXTERNAL
for key, value in (("location", "weights.bin"), ("offset", "0"), ("length", "16")):
    entry = external.external_data.add()
    entry.key, entry.value = key, value
seeds["external_data"] = model(
    [helper.make_node("Add", ["x", "w"], ["y"])],
    [vi("x", F, [4])], [vi("y", F, [4])], [external], opset=18)

# ConvTranspose, BatchNormalization, GlobalAveragePool, Clip with min/max inputs.
seeds["conv_transpose_bn"] = model(
    [helper.make_node("ConvTranspose", ["x", "w"], ["c"], kernel_shape=[2, 2], strides=[2, 2],
                      output_padding=[1, 1]),
     helper.make_node("BatchNormalization", ["c", "scale", "bias", "mean", "var"], ["b"],
                      epsilon=1e-3),
     helper.make_node("Clip", ["b", "lo", "hi"], ["k"]),
     helper.make_node("GlobalAveragePool", ["k"], ["y"])],
    [vi("x", F, [1, 2, 3, 3])], [vi("y", F, [1, 3, 1, 1])],
    [numpy_helper.from_array(weights((2, 3, 2, 2)), "w"),
     numpy_helper.from_array(np.ones(3, np.float32), "scale"),
     numpy_helper.from_array(np.zeros(3, np.float32), "bias"),
     numpy_helper.from_array(np.zeros(3, np.float32), "mean"),
     numpy_helper.from_array(np.ones(3, np.float32), "var"),
     helper.make_tensor("lo", F, [], [0.0]),
     helper.make_tensor("hi", F, [], [6.0])], opset=15)

# Malformed: a negative input dimension is an error, not a tensor type with a negative size.
negative_x = vi("x", F, [2, 3])
negative_x.type.tensor_type.shape.dim[1].dim_value = -3
seeds["negative_input_dim"] = model(
    [helper.make_node("Relu", ["x"], ["y"])], [negative_x], [vi("y", F, [2, 3])], opset=18)

# Sequences and optionals inside the graph: built, rearranged, mapped,
# carried through a Loop and selected by a run-time If.
def int_constant(name, value):
    return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(np.array(value, np.int64)))


relu_body = helper.make_graph(
    [helper.make_node("Relu", ["p"], ["q"])], "relu", [vi("p", F, [2, 2])], [vi("q", F, [2, 2])])
seq_type = helper.make_sequence_type_proto(helper.make_tensor_type_proto(F, [2, 2]))
grow_body = helper.make_graph(
    [helper.make_node("Identity", ["cond_in"], ["cond_out"]),
     helper.make_node("SequenceInsert", ["carried", "x0"], ["grown"])],
    "grow",
    [vi("i", TensorProto.INT64, []), vi("cond_in", TensorProto.BOOL, []),
     helper.make_value_info("carried", seq_type)],
    [vi("cond_out", TensorProto.BOOL, []), helper.make_value_info("grown", seq_type)])
pick = lambda name, source: helper.make_graph(
    [helper.make_node("Identity", [source], [name])], name, [], [helper.make_value_info(name, seq_type)])
seeds["sequences"] = model(
    [int_constant("two", 2), int_constant("one", 1),
     helper.make_node("SplitToSequence", ["x", "two"], ["s"], axis=1),
     helper.make_node("SequenceAt", ["s", "one"], ["x0"]),
     helper.make_node("SequenceMap", ["s"], ["m"], body=relu_body),
     helper.make_node("SequenceErase", ["m", "one"], ["e"]),
     helper.make_node("SequenceEmpty", [], ["empty"], dtype=F),
     helper.make_node("Loop", ["two", "", "empty"], ["looped"], body=grow_body),
     helper.make_node("If", ["c"], ["chosen"], then_branch=pick("t", "looped"), else_branch=pick("f", "e")),
     helper.make_node("SequenceLength", ["chosen"], ["n"]),
     helper.make_node("ConcatFromSequence", ["chosen"], ["y"], axis=0, new_axis=1),
     helper.make_node("Optional", ["x0"], ["o"]),
     helper.make_node("OptionalHasElement", ["o"], ["has"]),
     helper.make_node("OptionalGetElement", ["o"], ["got"])],
    [vi("x", F, [2, 6]), vi("c", TensorProto.BOOL, [])],
    [vi("y", F, [2, 2, 2]), vi("n", TensorProto.INT64, []), vi("has", TensorProto.BOOL, []),
     vi("got", F, [2, 2]), helper.make_value_info("e", seq_type)], opset=18)

# Tree ensembles: index-heavy attribute tables (both layouts).
seeds["tree_ensembles"] = model(
    [helper.make_node(
        "TreeEnsemble", ["x"], ["t"], domain="ai.onnx.ml", n_targets=2, aggregate_function=1,
        nodes_featureids=[0, 1, 0], nodes_modes=numpy_helper.from_array(np.array([0, 6, 5], np.uint8)),
        nodes_splits=numpy_helper.from_array(np.array([1.5, 0.0, 2.0], np.float32)),
        membership_values=numpy_helper.from_array(np.array([1.0, 3.0, np.nan], np.float32)),
        nodes_truenodeids=[1, 0, 1], nodes_trueleafs=[0, 1, 1], nodes_falsenodeids=[2, 1, 2],
        nodes_falseleafs=[0, 1, 1], leaf_targetids=[0, 1, 0],
        leaf_weights=numpy_helper.from_array(np.array([1.0, 2.0, 3.0], np.float32)), tree_roots=[0]),
     helper.make_node(
        "TreeEnsembleRegressor", ["x"], ["r"], domain="ai.onnx.ml", n_targets=1,
        nodes_treeids=[0, 0, 0], nodes_nodeids=[0, 1, 2], nodes_featureids=[1, 0, 0],
        nodes_modes=["BRANCH_LT", "LEAF", "LEAF"], nodes_values=[0.5, 0.0, 0.0],
        nodes_truenodeids=[1, 0, 0], nodes_falsenodeids=[2, 0, 0],
        target_treeids=[0, 0], target_nodeids=[1, 2], target_ids=[0, 0], target_weights=[-1.0, 1.0],
        post_transform="LOGISTIC"),
     helper.make_node(
        "TreeEnsembleClassifier", ["x"], ["label", "scores"], domain="ai.onnx.ml",
        classlabels_int64s=[5, 6, 7], nodes_treeids=[0, 0, 0], nodes_nodeids=[0, 1, 2],
        nodes_featureids=[0, 0, 0], nodes_modes=["BRANCH_GTE", "LEAF", "LEAF"],
        nodes_values=[0.0, 0.0, 0.0], nodes_truenodeids=[1, 0, 0], nodes_falsenodeids=[2, 0, 0],
        class_treeids=[0, 0, 0], class_nodeids=[1, 2, 2], class_ids=[0, 1, 2],
        class_weights=[1.0, 0.5, 0.7], base_values=[0.0, 0.1, 0.0])],
    [vi("x", F, [4, 2])],
    [vi("t", F, [4, 2]), vi("r", F, [4, 1]), vi("label", TensorProto.INT64, [4]), vi("scores", F, [4, 3])],
    opset=18, extra_opsets=[("ai.onnx.ml", 5)])

# The arithmetic ops of ai.onnx.ml, chained.
seeds["ml_ops"] = model(
    [helper.make_node("Imputer", ["x"], ["i"], domain="ai.onnx.ml", imputed_value_floats=[1.0],
                      replaced_value_float=0.0),
     helper.make_node("Scaler", ["i"], ["s"], domain="ai.onnx.ml", offset=[0.5, 1.0, 0.0], scale=[2.0]),
     helper.make_node("Normalizer", ["s"], ["n"], domain="ai.onnx.ml", norm="L2"),
     helper.make_node("FeatureVectorizer", ["n", "x"], ["f"], domain="ai.onnx.ml", inputdimensions=[2, 4]),
     helper.make_node("LinearRegressor", ["f"], ["y"], domain="ai.onnx.ml", targets=1,
                      coefficients=[1.0, -1.0, 0.5, 0.25, 2.0, 0.0], intercepts=[0.5])],
    [vi("x", F, [2, 3])], [vi("y", F, [2, 1])], extra_opsets=[("ai.onnx.ml", 1)])


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus")
    os.makedirs(out, exist_ok=True)
    for name, m in seeds.items():
        with open(os.path.join(out, name + ".onnx"), "wb") as f:
            f.write(m.SerializeToString())


if __name__ == "__main__":
    main()
