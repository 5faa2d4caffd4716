#!/usr/bin/env python3
"""Generates mocc's bundled example: a tiny CNN, its input and ONNX Runtime's reference output.

Run with the project venv's python:

    .venv/bin/python test/e2e/models/make_example.py build/example
    build/bin/mocc build/example/model.onnx -o build/example/model.so
    build/bin/mocc-run build/example/model.so --inputs build/example/test_data_set_0 \\
        --compare build/example/test_data_set_0 --rtol 1e-3 --atol 1e-4

The model, built with onnx.helper (opset 17, IR version 8), is
    input [1,3,32,32] -> Conv 3x3 (8 filters, pad 1, bias) -> Relu -> MaxPool 2x2 stride 2
      -> Flatten -> Gemm (2048 -> 10, transB) -> Softmax -> output [1,10]
with fixed random weights (numpy seed 0). OUTDIR gets model.onnx and test_data_set_0/ with
input_0.pb (seed 1) and output_0.pb (onnxruntime, CPU, default optimizations). Nothing of it is
kept in git.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def build_model():
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    c_in, c_out, hw, classes = 3, 8, 32, 10
    w = (rng.standard_normal((c_out, c_in, 3, 3)) * np.sqrt(2.0 / (c_in * 9))).astype(np.float32)
    b = (rng.standard_normal(c_out) * 0.1).astype(np.float32)
    flat = c_out * (hw // 2) * (hw // 2)
    fc_w = (rng.standard_normal((classes, flat)) * np.sqrt(1.0 / flat)).astype(np.float32)
    fc_b = (rng.standard_normal(classes) * 0.1).astype(np.float32)

    nodes = [
        helper.make_node("Conv", ["input", "conv.w", "conv.b"], ["conv"], name="conv",
                         kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1]),
        helper.make_node("Relu", ["conv"], ["relu"], name="relu"),
        helper.make_node("MaxPool", ["relu"], ["pool"], name="pool", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Flatten", ["pool"], ["flat"], name="flatten", axis=1),
        helper.make_node("Gemm", ["flat", "fc.w", "fc.b"], ["logits"], name="fc", transB=1),
        helper.make_node("Softmax", ["logits"], ["output"], name="softmax", axis=-1),
    ]
    graph = helper.make_graph(
        nodes, "mocc_example_cnn",
        inputs=[helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, c_in, hw, hw])],
        outputs=[helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, classes])],
        initializer=[numpy_helper.from_array(w, "conv.w"), numpy_helper.from_array(b, "conv.b"),
                     numpy_helper.from_array(fc_w, "fc.w"), numpy_helper.from_array(fc_b, "fc.b")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name="mocc-example", ir_version=8)
    onnx.checker.check_model(model, full_check=True)
    x = np.random.default_rng(1).standard_normal((1, c_in, hw, hw)).astype(np.float32)
    return model, x


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("outdir", type=Path)
    args = p.parse_args()
    try:
        import onnx
        from onnx import numpy_helper
        import onnxruntime  # noqa: F401
    except ImportError as e:
        print(f"SKIP: {e} (run with the project venv, see scripts/install-deps.sh)")
        return 77
    from make_reference import make_references

    model, x = build_model()
    ds = args.outdir / "test_data_set_0"
    ds.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(args.outdir / "model.onnx"))
    (ds / "input_0.pb").write_bytes(numpy_helper.from_array(x, "input").SerializeToString())
    make_references(args.outdir, force=True, quiet=True)
    print(f"wrote {args.outdir / 'model.onnx'}, {ds / 'input_0.pb'}, {ds / 'output_0.pb'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
