"""Writes small convolutions with zero padding, the weights constant (so that
they run in the convolution and depthwise kernels, which pad the windows
themselves), with inputs and ONNX Runtime's outputs into DIR/<name>/
(model.onnx, inputs/input_0.pb, expected/output_0.pb):

  dw3x3_same       depthwise 3x3, pads 1, then Relu (the kernel's epilogue)
  dw5x5_stride2    depthwise 5x5, pads 2, stride 2, on a 7x7 map (mostly
                   windows that reach into the padding)
  dw_dilated_asym  depthwise 3x3, dilation 2, pads top 1 left 3 bottom 2
                   right 0, two images
  dw_no_inner      depthwise 3x3, pads 2 on a 2x2 map: no window inside
  conv3x3_asym     3x3, stride 2, pads top 0 left 1 bottom 2 right 1
  conv7x7_stem     7x7, stride 2, pads 3, three channels
  conv_dilated     3x3, dilation 2, pads 2, two images
  conv3x3_direct   3x3, pads top 1 left 2 bottom 0 right 1, 16 channels, rows
                   of 40: interior pixels in the direct kernel, two images
  conv5x5_direct   5x5, stride 2, dilation 1x2, asymmetric pads, 24 channels,
                   rows of 33
  conv_rgb_direct  3x3, stride 2, pads 1, three channels, rows of 35 (an RGB
                   stem on the direct kernel)
"""
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
rng = np.random.default_rng(7)


def output_shape(x_shape, w_shape, pads, strides=(1, 1), dilations=(1, 1)):
    spatial = [(x_shape[2 + i] + pads[i] + pads[2 + i] - dilations[i] * (w_shape[2 + i] - 1) - 1)
               // strides[i] + 1 for i in range(2)]
    return [x_shape[0], w_shape[0]] + spatial


def write(name, x_shape, w_shape, group, relu=False, **attributes):
    x = rng.standard_normal(x_shape).astype(np.float32)
    w = rng.standard_normal(w_shape).astype(np.float32)
    b = rng.standard_normal(w_shape[0]).astype(np.float32)
    nodes = [helper.make_node("Conv", ["x", "w", "b"], ["c" if relu else "y"],
                              group=group, **attributes)]
    if relu:
        nodes.append(helper.make_node("Relu", ["c"], ["y"]))
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, x_shape)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT,
                                       output_shape(x_shape, w_shape, **attributes))],
        [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    (y,) = ort.InferenceSession(model.SerializeToString(),
                                providers=["CPUExecutionProvider"]).run(None, {"x": x})
    d = os.path.join(out, name)
    os.makedirs(os.path.join(d, "inputs"), exist_ok=True)
    os.makedirs(os.path.join(d, "expected"), exist_ok=True)
    onnx.save(model, os.path.join(d, "model.onnx"))
    with open(os.path.join(d, "inputs", "input_0.pb"), "wb") as f:
        f.write(numpy_helper.from_array(x, "x").SerializeToString())
    with open(os.path.join(d, "expected", "output_0.pb"), "wb") as f:
        f.write(numpy_helper.from_array(y, "y").SerializeToString())


write("dw3x3_same", [1, 32, 10, 12], [32, 1, 3, 3], 32, relu=True,
      pads=[1, 1, 1, 1])
write("dw5x5_stride2", [1, 24, 7, 7], [24, 1, 5, 5], 24, pads=[2, 2, 2, 2],
      strides=[2, 2])
write("dw_dilated_asym", [2, 16, 9, 11], [16, 1, 3, 3], 16,
      pads=[1, 3, 2, 0], dilations=[2, 2])
write("dw_no_inner", [1, 8, 2, 2], [8, 1, 3, 3], 8, pads=[2, 2, 2, 2])
write("conv3x3_asym", [1, 8, 9, 10], [16, 8, 3, 3], 1, pads=[0, 1, 2, 1],
      strides=[2, 2])
write("conv7x7_stem", [1, 3, 20, 18], [16, 3, 7, 7], 1, relu=True,
      pads=[3, 3, 3, 3], strides=[2, 2])
write("conv_dilated", [2, 4, 8, 8], [8, 4, 3, 3], 1, pads=[2, 2, 2, 2],
      dilations=[2, 2])
write("conv3x3_direct", [2, 16, 9, 40], [40, 16, 3, 3], 1, relu=True,
      pads=[1, 2, 0, 1])
write("conv5x5_direct", [1, 24, 12, 70], [36, 24, 5, 5], 1,
      pads=[2, 3, 1, 2], strides=[2, 2], dilations=[1, 2])
write("conv_rgb_direct", [1, 3, 10, 70], [32, 3, 3, 3], 1, relu=True,
      pads=[1, 1, 1, 1], strides=[2, 2])
