#!/usr/bin/env python3
"""Writes ONNX Runtime's reference outputs for mocc's model tests.

Run with the project venv's python (onnxruntime==1.31.1, onnx==1.23.2):

    .venv/bin/python test/e2e/models/make_reference.py build/test/e2e/models

For every MODELDIR/<name>/model.onnx (from export_models.py or make_example.py) and each of its
test_data_set_*/ directories, runs the model on input_*.pb with onnxruntime's
CPUExecutionProvider at its default graph optimization level (ORT_ENABLE_ALL: the same
configuration users run; its fusions are exact up to float rounding, well inside the
tests' rtol 1e-3 / atol 1e-4) and writes output_<i>.pb next to the inputs. A reference newer
than the model and its inputs is kept unless --force.

Exit status 77 (skip) when onnx/onnxruntime are not importable or no model is found.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def load_tensor(path: Path):
    import onnx
    from onnx import numpy_helper

    t = onnx.TensorProto()
    t.ParseFromString(path.read_bytes())
    return numpy_helper.to_array(t)


def make_references(model_dir: Path, force: bool = False, quiet: bool = False) -> int:
    """Writes output_<i>.pb for each data set of one model dir; returns the number written."""
    import numpy as np
    import onnxruntime as ort
    from onnx import numpy_helper

    model = model_dir / "model.onnx"
    data_sets = sorted(p for p in model_dir.glob("test_data_set_*") if p.is_dir())
    sess = None
    written = 0
    for ds in data_sets:
        inputs = sorted(ds.glob("input_*.pb"), key=lambda p: int(p.stem.split("_")[1]))
        newest_src = max([model.stat().st_mtime] + [p.stat().st_mtime for p in inputs])
        existing = sorted(ds.glob("output_*.pb"))
        if not force and existing and min(p.stat().st_mtime for p in existing) >= newest_src:
            if not quiet:
                print(f"{model_dir.name}/{ds.name}: reference up to date")
            continue
        if sess is None:
            opts = ort.SessionOptions()
            opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            sess = ort.InferenceSession(str(model), opts, providers=["CPUExecutionProvider"])
        feeds = {}
        graph_inputs = sess.get_inputs()
        if len(inputs) != len(graph_inputs):
            raise SystemExit(f"error: {ds}: {len(inputs)} input files for {len(graph_inputs)} model inputs")
        for vi, path in zip(graph_inputs, inputs):
            feeds[vi.name] = load_tensor(path)
        outputs = sess.run(None, feeds)
        for p in existing:
            p.unlink()
        for i, (vi, value) in enumerate(zip(sess.get_outputs(), outputs)):
            value = np.asarray(value)
            (ds / f"output_{i}.pb").write_bytes(numpy_helper.from_array(value, vi.name).SerializeToString())
            if not quiet:
                print(f"{model_dir.name}/{ds.name}: output_{i}.pb {vi.name} {value.dtype}{list(value.shape)} "
                      f"mean|x|={np.abs(value).mean():.4g} max|x|={np.abs(value).max():.4g}")
        written += 1
    return written


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("modeldir", type=Path, help="directory of <name>/model.onnx, or one model dir")
    p.add_argument("--force", action="store_true", help="rewrite references that are up to date")
    args = p.parse_args()
    try:
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401
    except ImportError as e:
        print(f"SKIP: {e} (run with the project venv, see scripts/install-deps.sh)")
        return 77
    dirs = [args.modeldir] if (args.modeldir / "model.onnx").is_file() else sorted(
        d for d in args.modeldir.iterdir() if (d / "model.onnx").is_file()) if args.modeldir.is_dir() else []
    if not dirs:
        print(f"SKIP: no <name>/model.onnx under {args.modeldir} (run export_models.py first)")
        return 77
    for d in dirs:
        make_references(d, args.force)
    return 0


if __name__ == "__main__":
    sys.exit(main())
