"""Reductions of few points on a GPU target, which mocc maps a workgroup per
point: a row sum, a layer normalization and a softmax of 4 rows of --length
values, and a product of 1x4096 by 4096x64.

Times them (lavapipe where there is no GPU): each model compiled by each
given mocc for -target=vulkan and run with mocc-run --bench; one line per
model and mocc, the median and minimum in ms:

  .venv/bin/python bench/gpu_reductions.py --time DIR MOCC [MOCC...]

Or writes them as test models (NAME/model.onnx, NAME/test_data_set_0 with
ONNX Runtime's outputs), for bench/device-cuda.sh prepare, which looks in
build/gpu-reductions too:

  .venv/bin/python bench/gpu_reductions.py --write build/gpu-reductions --length 65536
"""
import argparse
import os
import re
import subprocess

import numpy as np
from onnx import TensorProto, helper, numpy_helper

ROWS = 4


def model(name, nodes, inputs, outputs, initializers=()):
    graph = helper.make_graph(nodes, name, inputs, outputs, list(initializers))
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    m.ir_version = 8
    return m


def models(rng, length):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [ROWS, length])
    rows = numpy_helper.from_array(np.array([1], np.int64), "axes")
    yield model("row_sum", [helper.make_node("ReduceSum", ["x", "axes"], ["y"])], [x],
                [helper.make_tensor_value_info("y", TensorProto.FLOAT, [ROWS, 1])], [rows])
    yield model("layer_norm", [helper.make_node("LayerNormalization", ["x", "s", "b"], ["y"])], [x],
                [helper.make_tensor_value_info("y", TensorProto.FLOAT, [ROWS, length])],
                [numpy_helper.from_array(np.ones(length, np.float32), "s"),
                 numpy_helper.from_array(np.zeros(length, np.float32), "b")])
    yield model("softmax", [helper.make_node("Softmax", ["x"], ["y"], axis=1)], [x],
                [helper.make_tensor_value_info("y", TensorProto.FLOAT, [ROWS, length])])
    yield model("narrow_product", [helper.make_node("MatMul", ["v", "w"], ["y"])],
                [helper.make_tensor_value_info("v", TensorProto.FLOAT, [1, 4096])],
                [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 64])],
                [numpy_helper.from_array(rng.normal(size=(4096, 64)).astype(np.float32), "w")])


def random_inputs(m, rng):
    return [rng.normal(size=[d.dim_value for d in vi.type.tensor_type.shape.dim]).astype(np.float32)
            for vi in m.graph.input]


def save(path, array):
    with open(path, "wb") as f:
        f.write(numpy_helper.from_array(array).SerializeToString())


def write(directory, rng, length):
    import onnxruntime as ort
    for m in models(rng, length):
        d = os.path.join(directory, m.graph.name)
        data = os.path.join(d, "test_data_set_0")
        os.makedirs(data, exist_ok=True)
        with open(os.path.join(d, "model.onnx"), "wb") as f:
            f.write(m.SerializeToString())
        inputs = random_inputs(m, rng)
        session = ort.InferenceSession(m.SerializeToString(), providers=["CPUExecutionProvider"])
        outputs = session.run(None, {vi.name: v for vi, v in zip(m.graph.input, inputs)})
        for i, value in enumerate(inputs):
            save(os.path.join(data, f"input_{i}.pb"), value)
        for i, value in enumerate(outputs):
            save(os.path.join(data, f"output_{i}.pb"), value)
        print(f"wrote {d}")


def time_models(directory, moccs, mocc_run, runs, rng, length):
    os.makedirs(directory, exist_ok=True)
    for m in models(rng, length):
        name = m.graph.name
        path = os.path.join(directory, name + ".onnx")
        with open(path, "wb") as f:
            f.write(m.SerializeToString())
        flags = []
        for i, (vi, value) in enumerate(zip(m.graph.input, random_inputs(m, rng))):
            pb = os.path.join(directory, f"{name}_input_{i}.pb")
            save(pb, value)
            flags += ["--input", f"{vi.name}={pb}"]
        for k, mocc in enumerate(moccs):
            so = os.path.join(directory, f"{name}.{k}.so")
            subprocess.run([mocc, path, "-target=vulkan", "-o", so], check=True)
            out = subprocess.run([mocc_run, so, *flags, "--bench", str(runs)],
                                 check=True, capture_output=True, text=True).stdout
            median = re.search(r"median_ms=(\S+) min_ms=(\S+)", out)
            print(f"{name} {mocc} median_ms={median.group(1)} min_ms={median.group(2)}", flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--time", metavar="DIR", help="time the models, written into DIR")
    mode.add_argument("--write", metavar="DIR", help="write them as test models into DIR")
    p.add_argument("mocc", nargs="*", help="--time: the mocc binaries to compare")
    p.add_argument("--mocc-run", default="build/bin/mocc-run")
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--length", type=int, default=1 << 20, help="values per row (default: %(default)s)")
    args = p.parse_args()
    rng = np.random.default_rng(5)
    if args.write:
        write(args.write, rng, args.length)
    elif not args.mocc:
        p.error("--time needs at least one mocc")
    else:
        time_models(args.time, args.mocc, args.mocc_run, args.runs, rng, args.length)


if __name__ == "__main__":
    main()
