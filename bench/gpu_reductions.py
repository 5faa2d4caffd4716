"""Times reductions of few points on a GPU target (lavapipe where there is
no GPU): a row sum, a layer normalization and a softmax of 4 rows of 2^20
values, and a product of 1x4096 by 4096x64, each compiled by the given mocc
binaries for -target=vulkan and run with mocc-run --bench. Prints one line
per model and binary: the median and minimum of the runs, in ms.

  .venv/bin/python bench/gpu_reductions.py DIR MOCC [MOCC...] [--mocc-run R]
"""
import argparse
import os
import re
import subprocess

import numpy as np
from onnx import TensorProto, helper, numpy_helper

ROWS, LENGTH = 4, 1 << 20


def model(name, nodes, inputs, outputs, initializers=()):
    graph = helper.make_graph(nodes, name, inputs, outputs, list(initializers))
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    m.ir_version = 8
    return m


def models(rng):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [ROWS, LENGTH])
    rows = numpy_helper.from_array(np.array([1], np.int64), "axes")
    yield model("row_sum", [helper.make_node("ReduceSum", ["x", "axes"], ["y"])], [x],
                [helper.make_tensor_value_info("y", TensorProto.FLOAT, [ROWS, 1])], [rows])
    yield model("layer_norm", [helper.make_node("LayerNormalization", ["x", "s", "b"], ["y"])], [x],
                [helper.make_tensor_value_info("y", TensorProto.FLOAT, [ROWS, LENGTH])],
                [numpy_helper.from_array(np.ones(LENGTH, np.float32), "s"),
                 numpy_helper.from_array(np.zeros(LENGTH, np.float32), "b")])
    yield model("softmax", [helper.make_node("Softmax", ["x"], ["y"], axis=1)], [x],
                [helper.make_tensor_value_info("y", TensorProto.FLOAT, [ROWS, LENGTH])])
    yield model("narrow_product", [helper.make_node("MatMul", ["v", "w"], ["y"])],
                [helper.make_tensor_value_info("v", TensorProto.FLOAT, [1, 4096])],
                [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 64])],
                [numpy_helper.from_array(rng.normal(size=(4096, 64)).astype(np.float32), "w")])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("dir")
    p.add_argument("mocc", nargs="+")
    p.add_argument("--mocc-run", default="build/bin/mocc-run")
    p.add_argument("--runs", type=int, default=10)
    args = p.parse_args()
    rng = np.random.default_rng(5)
    os.makedirs(args.dir, exist_ok=True)
    for m in models(rng):
        name = m.graph.name
        path = os.path.join(args.dir, name + ".onnx")
        with open(path, "wb") as f:
            f.write(m.SerializeToString())
        inputs = []
        for i, vi in enumerate(m.graph.input):
            shape = [d.dim_value for d in vi.type.tensor_type.shape.dim]
            pb = os.path.join(args.dir, f"{name}_input_{i}.pb")
            with open(pb, "wb") as f:
                f.write(numpy_helper.from_array(rng.normal(size=shape).astype(np.float32)).SerializeToString())
            inputs += ["--input", f"{vi.name}={pb}"]
        for k, mocc in enumerate(args.mocc):
            so = os.path.join(args.dir, f"{name}.{k}.so")
            subprocess.run([mocc, path, "-target=vulkan", "-o", so], check=True)
            out = subprocess.run([args.mocc_run, so, *inputs, "--bench", str(args.runs)],
                                 check=True, capture_output=True, text=True).stdout
            median = re.search(r"median_ms=(\S+) min_ms=(\S+)", out)
            print(f"{name} {mocc} median_ms={median.group(1)} min_ms={median.group(2)}", flush=True)


if __name__ == "__main__":
    main()
