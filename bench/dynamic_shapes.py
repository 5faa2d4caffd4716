#!/usr/bin/env python3
"""Times a model compiled once for any input shape against its twin compiled for one shape.

    .venv/bin/python bench/dynamic_shapes.py [--model encoder_dynamic_sequence]
        [--shapes 1x128,8x128] [--runs 50] [--rounds 3]

For each shape: compiles MODELS_DIR/<model>/model.onnx as it is (dynamic dimensions) once,
and with `--input-shape <input>=<shape>`, both at -O3 for the host; writes one input of that
shape (token ids i % 7 for an integer input, i % 7 / 4 for a float one) and times
`mocc-run --bench N --threads T` on both, alternating them for --rounds rounds so that
both see the same machine state, and ONNX Runtime on the same input. Prints the medians
(the median over rounds of each round's median) and dynamic / specialized. Run it on an
otherwise idle machine.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run_bench import bench_mocc, bench_ort, fmt_ms, host_target, model_arguments  # noqa: E402


def write_input(model: Path, shape: list[int], ds: Path) -> str:
    """DS/input_0.pb of `shape` for the model's one input; returns the input's name."""
    import numpy as np
    import onnx
    from onnx import numpy_helper

    graph_input = onnx.load(str(model), load_external_data=False).graph.input[0]
    dtype = onnx.helper.tensor_dtype_to_np_dtype(graph_input.type.tensor_type.elem_type)
    values = np.arange(int(np.prod(shape))) % 7
    array = (values if np.issubdtype(dtype, np.integer) else values / 4).astype(dtype).reshape(shape)
    ds.mkdir(parents=True, exist_ok=True)
    (ds / "input_0.pb").write_bytes(numpy_helper.from_array(array, graph_input.name).SerializeToString())
    return graph_input.name


def compile_model(mocc: Path, model: Path, out: Path, extra: list[str]) -> None:
    cmd = [str(mocc), str(model), f"-target={host_target()}", "-O3", "-o", str(out), *extra]
    proc = subprocess.run(cmd, capture_output=True, text=True, errors="replace")
    if proc.returncode != 0:
        raise SystemExit(f"error: {' '.join(cmd)}: {proc.stderr.strip()}")


def main() -> int:
    p = model_arguments(__doc__)
    p.add_argument("--model", default="encoder_dynamic_sequence")
    p.add_argument("--shapes", default="1x128", help="comma-separated, dims joined by x")
    p.add_argument("--runs", type=int, default=50)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--threads", type=int, default=1, help="0: each engine's default")
    args = p.parse_args()
    model = args.models_dir / args.model / "model.onnx"
    if not model.is_file():
        print(f"error: {model} not found (run export_models.py)", file=sys.stderr)
        return 2

    rows = []
    with tempfile.TemporaryDirectory(prefix="mocc-dynamic.") as work:
        dynamic = Path(work) / "dynamic.so"
        compile_model(args.mocc, model, dynamic, [])
        for text in args.shapes.split(","):
            shape = [int(d) for d in text.split("x")]
            ds = Path(work) / text
            name = write_input(model, shape, ds)
            specialized = Path(work) / f"{text}.so"
            compile_model(args.mocc, model, specialized, [f"--input-shape={name}={text}"])
            medians = {"dynamic": [], "specialized": []}
            for _ in range(args.rounds):
                for key, so in (("dynamic", dynamic), ("specialized", specialized)):
                    result = bench_mocc(args.mocc_run, so, ds, args.runs, args.threads or None, 600)
                    if "median_ms" not in result:
                        print(f"error: {result}", file=sys.stderr)
                        return 1
                    medians[key].append(result["median_ms"])
            ort = bench_ort(model, ds, args.runs, 5, args.threads)
            dyn, spec = (statistics.median(medians[k]) for k in ("dynamic", "specialized"))
            spread = {k: f"{min(v):.4g}-{max(v):.4g}" for k, v in medians.items()}
            rows.append((text, dyn, spec, ort, spread))

    threads = args.threads or "default"
    print(f"\n{args.model}, {threads} thread(s), median ms of {args.runs} runs, median of {args.rounds} rounds\n")
    print("| shape | dynamic | specialized | dynamic / specialized | ORT | dynamic / ORT | rounds (dynamic; specialized) |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for text, dyn, spec, ort, spread in rows:
        print(f"| {text} | {dyn:.4g} | {spec:.4g} | {dyn / spec:.3f} | {fmt_ms(ort)} | "
              f"{dyn / ort['median_ms']:.3f} | {spread['dynamic']}; {spread['specialized']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
