"""Writes models for the GPU targets' tests, with inputs and ONNX Runtime's
outputs, into DIR/<name>/ (model.onnx, inputs/input_<i>.pb,
expected/output_<i>.pb):

  mixed  boxes scaled and scores squashed on the GPU (Mul, Sigmoid, Relu),
         non-max suppression between them on the CPU (a runtime call), its
         selection gathered again
  reductions  few points, long reductions (a workgroup per point on the GPU):
         sums, a maximum and a minimum of rows and of the whole tensor, an
         integer sum, softmax, layer normalization and a product of 30
         outputs over 1500
  long_reductions  fewer points, longer reductions (each split into chunks
         over many workgroups, then the chunks' partial values reduced):
         sums and softmax of rows of 65536, maxima of rows of 32768, an
         integer sum of 100000
  products  many points that share the values they combine (a workgroup per
         tile on the GPU): products with edge tiles and reductions not a
         multiple of the staged chunk, a batched product, a product with the
         right operand transposed, an integer product, one large enough for
         several points per thread, and convolutions (padded; strided, with
         a bias and ReLU; grouped)
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


x = rng.normal(size=(6, 1500)).astype(np.float32)
counts = rng.integers(-1000, 1000, (3, 700)).astype(np.int32)
write("reductions", helper.make_graph(
    [
        helper.make_node("ReduceSum", ["x", "rows"], ["sum"], name="sum"),
        helper.make_node("ReduceMax", ["x"], ["max"], axes=[1], name="max"),
        helper.make_node("ReduceMin", ["x"], ["min"], keepdims=0, name="min"),
        helper.make_node("ReduceSum", ["counts", "rows"], ["count"], name="count"),
        helper.make_node("Softmax", ["x"], ["softmax"], axis=1, name="softmax"),
        helper.make_node("LayerNormalization", ["x", "scale", "bias"], ["norm"], name="norm"),
        helper.make_node("MatMul", ["x", "w"], ["product"], name="product"),
    ],
    "reductions",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [6, 1500]),
     helper.make_tensor_value_info("counts", TensorProto.INT32, [3, 700])],
    [helper.make_tensor_value_info("sum", TensorProto.FLOAT, [6, 1]),
     helper.make_tensor_value_info("max", TensorProto.FLOAT, [6, 1]),
     helper.make_tensor_value_info("min", TensorProto.FLOAT, []),
     helper.make_tensor_value_info("count", TensorProto.INT32, [3, 1]),
     helper.make_tensor_value_info("softmax", TensorProto.FLOAT, [6, 1500]),
     helper.make_tensor_value_info("norm", TensorProto.FLOAT, [6, 1500]),
     helper.make_tensor_value_info("product", TensorProto.FLOAT, [6, 5])],
    [numpy_helper.from_array(np.array([1], np.int64), "rows"),
     numpy_helper.from_array(rng.uniform(0.5, 1.5, 1500).astype(np.float32), "scale"),
     numpy_helper.from_array(rng.normal(size=1500).astype(np.float32), "bias"),
     numpy_helper.from_array(rng.normal(size=(1500, 5)).astype(np.float32), "w")]),
    [x, counts])


long_rows = rng.normal(size=(2, 65536)).astype(np.float32)
mid_rows = rng.normal(size=(3, 32768)).astype(np.float32)
long_counts = rng.integers(-1000, 1000, (1, 100000)).astype(np.int32)
write("long_reductions", helper.make_graph(
    [
        helper.make_node("ReduceSum", ["long_rows", "rows"], ["sum"], name="sum"),
        helper.make_node("Softmax", ["long_rows"], ["softmax"], axis=1, name="softmax"),
        helper.make_node("ReduceMax", ["mid_rows"], ["max"], axes=[1], name="max"),
        helper.make_node("ReduceSum", ["long_counts", "rows"], ["count"], name="count"),
    ],
    "long_reductions",
    [helper.make_tensor_value_info("long_rows", TensorProto.FLOAT, [2, 65536]),
     helper.make_tensor_value_info("mid_rows", TensorProto.FLOAT, [3, 32768]),
     helper.make_tensor_value_info("long_counts", TensorProto.INT32, [1, 100000])],
    [helper.make_tensor_value_info("sum", TensorProto.FLOAT, [2, 1]),
     helper.make_tensor_value_info("softmax", TensorProto.FLOAT, [2, 65536]),
     helper.make_tensor_value_info("max", TensorProto.FLOAT, [3, 1]),
     helper.make_tensor_value_info("count", TensorProto.INT32, [1, 1])],
    [numpy_helper.from_array(np.array([1], np.int64), "rows")]),
    [long_rows, mid_rows, long_counts])


def conv(name, x, w, **attributes):
    return helper.make_node("Conv", [x, w], [name], name=name, **attributes)


product_inputs = {
    "a": rng.normal(size=(100, 300)).astype(np.float32),
    "batch_a": rng.normal(size=(3, 50, 40)).astype(np.float32),
    "g": rng.normal(size=(64, 256)).astype(np.float32),
    "ints_a": rng.integers(-100, 100, (40, 64)).astype(np.int32),
    "big_a": rng.normal(size=(256, 128)).astype(np.float32),
    "image": rng.normal(size=(1, 16, 20, 20)).astype(np.float32),
    "wide": rng.normal(size=(2, 8, 33, 33)).astype(np.float32),
}
write("products", helper.make_graph(
    [
        helper.make_node("MatMul", ["a", "b"], ["product"], name="product"),
        helper.make_node("MatMul", ["batch_a", "batch_b"], ["batched"], name="batched"),
        helper.make_node("Gemm", ["g", "g_w", "g_bias"], ["gemm"], transB=1, name="gemm"),
        helper.make_node("MatMul", ["ints_a", "ints_b"], ["ints"], name="ints"),
        helper.make_node("MatMul", ["big_a", "big_b"], ["big"], name="big"),
        conv("padded", "image", "filter", pads=[1, 1, 1, 1]),
        helper.make_node("Conv", ["wide", "wide_filter", "wide_bias"], ["strided_raw"],
                         strides=[2, 2], name="strided"),
        helper.make_node("Relu", ["strided_raw"], ["strided"], name="relu"),
        conv("grouped", "image", "group_filter", group=2, pads=[1, 1, 1, 1]),
    ],
    "products",
    [helper.make_tensor_value_info(name, helper.np_dtype_to_tensor_dtype(value.dtype), value.shape)
     for name, value in product_inputs.items()],
    [helper.make_tensor_value_info("product", TensorProto.FLOAT, [100, 70]),
     helper.make_tensor_value_info("batched", TensorProto.FLOAT, [3, 50, 60]),
     helper.make_tensor_value_info("gemm", TensorProto.FLOAT, [64, 128]),
     helper.make_tensor_value_info("ints", TensorProto.INT32, [40, 50]),
     helper.make_tensor_value_info("big", TensorProto.FLOAT, [256, 512]),
     helper.make_tensor_value_info("padded", TensorProto.FLOAT, [1, 32, 20, 20]),
     helper.make_tensor_value_info("strided", TensorProto.FLOAT, [2, 24, 15, 15]),
     helper.make_tensor_value_info("grouped", TensorProto.FLOAT, [1, 32, 20, 20])],
    [numpy_helper.from_array(rng.normal(size=(300, 70)).astype(np.float32), "b"),
     numpy_helper.from_array(rng.normal(size=(3, 40, 60)).astype(np.float32), "batch_b"),
     numpy_helper.from_array(rng.normal(size=(128, 256)).astype(np.float32), "g_w"),
     numpy_helper.from_array(rng.normal(size=128).astype(np.float32), "g_bias"),
     numpy_helper.from_array(rng.integers(-100, 100, (64, 50)).astype(np.int32), "ints_b"),
     numpy_helper.from_array(rng.normal(size=(128, 512)).astype(np.float32), "big_b"),
     numpy_helper.from_array(rng.normal(size=(32, 16, 3, 3)).astype(np.float32), "filter"),
     numpy_helper.from_array(rng.normal(size=(24, 8, 5, 5)).astype(np.float32), "wide_filter"),
     numpy_helper.from_array(rng.normal(size=24).astype(np.float32), "wide_bias"),
     numpy_helper.from_array(rng.normal(size=(32, 8, 3, 3)).astype(np.float32), "group_filter")]),
    list(product_inputs.values()))
