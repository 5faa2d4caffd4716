#!/usr/bin/env python3
"""Benchmarks mocc-compiled models against ONNX Runtime on the host CPU, in the same run.

    /usr/bin/python3 test/e2e/models/export_models.py build/test/e2e/models
    .venv/bin/python test/e2e/models/make_reference.py build/test/e2e/models
    .venv/bin/python bench/run_bench.py --models-dir build/test/e2e/models \\
        --mocc build/bin/mocc --mocc-run build/bin/mocc-run --runs 50 [--json bench.json]

(ctest builds the model dir as a fixture: `ctest --test-dir build -R e2e.models.reference`.)

For each MODELS_DIR/<name>/model.onnx with test_data_set_0/input_*.pb: compiles it with
`mocc -O3 -target=<host>` (timed), runs `mocc-run model.so --inputs DS --bench N --threads T`
(parsing its last line `median_ms=X min_ms=Y`), and times onnxruntime 1.31 (CPUExecutionProvider,
default graph optimizations, same input, warm-up runs, then N timed runs of session.run) with
intra_op_num_threads=1 and with ORT's default thread count; mocc-run gets `--threads 1` and
no --threads (its default). Prints a markdown table of medians (ms) and mocc/ORT ratios
(below 1: mocc is faster); each run's median and min are also in --json.
Run it on an otherwise idle machine: both engines share it. ORT is timed around Python's
session.run (about 10 us of binding overhead per run), mocc inside mocc-run: for tiny models
the ratio reflects that overhead, for real models (milliseconds) it does not matter.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LAST_LINE = re.compile(r"median_ms=([0-9.eE+-]+)\s+min_ms=([0-9.eE+-]+)")


def host_target() -> str:
    return "aarch64" if platform.machine().lower() in ("aarch64", "arm64") else "x86_64"


def load_inputs(ds: Path, sess):
    import onnx
    from onnx import numpy_helper

    files = sorted(ds.glob("input_*.pb"), key=lambda p: int(p.stem.split("_")[1]))
    feeds = {}
    for vi, path in zip(sess.get_inputs(), files):
        t = onnx.TensorProto()
        t.ParseFromString(path.read_bytes())
        feeds[vi.name] = numpy_helper.to_array(t)
    return feeds


def bench_ort(model: Path, ds: Path, runs: int, warmup: int, threads: int) -> dict:
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads  # 0: ORT's default (one per physical core)
    opts.inter_op_num_threads = 1
    sess = ort.InferenceSession(str(model), opts, providers=["CPUExecutionProvider"])
    feeds = load_inputs(ds, sess)
    for _ in range(warmup):
        sess.run(None, feeds)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        sess.run(None, feeds)
        times.append((time.perf_counter() - t0) * 1e3)
    return {"median_ms": round(statistics.median(times), 6), "min_ms": round(min(times), 6)}


def bench_mocc(mocc_run: Path, so: Path, ds: Path, runs: int, threads: int | None, timeout: float) -> dict:
    cmd = [str(mocc_run), str(so), "--inputs", str(ds), "--bench", str(runs)]
    if threads is not None:
        cmd += ["--threads", str(threads)]
    proc = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=timeout)
    lines = [l for l in proc.stdout.splitlines() if l.strip()]
    m = LAST_LINE.search(lines[-1]) if lines else None
    if proc.returncode != 0 or not m:
        err = (proc.stderr.strip().splitlines() or ["no output"])[0]
        return {"error": f"exit {proc.returncode}: {err}", "command": " ".join(cmd)}
    return {"median_ms": float(m.group(1)), "min_ms": float(m.group(2))}


def fmt_ms(r: dict | None) -> str:
    return f"{r['median_ms']:.4g}" if r and "median_ms" in r else "n/a"


def ratio(a: dict | None, b: dict | None) -> str:
    if a and b and "median_ms" in a and "median_ms" in b and b["median_ms"] > 0:
        return f"{a['median_ms'] / b['median_ms']:.3g}"
    return "n/a"


def model_arguments(doc: str) -> argparse.ArgumentParser:
    """The options every benchmark script takes: where the models and the tools are."""
    p = argparse.ArgumentParser(description=doc.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--models-dir", type=Path, default=REPO / "build" / "test" / "e2e" / "models")
    p.add_argument("--models", help="comma-separated subset (default: every <name>/model.onnx)")
    p.add_argument("--mocc", type=Path, default=REPO / "build" / "bin" / "mocc")
    p.add_argument("--mocc-run", type=Path, default=REPO / "build" / "bin" / "mocc-run")
    return p


def main() -> int:
    p = model_arguments(__doc__)
    p.add_argument("--mocc-flag", action="append", default=None,
                   help="mocc options, repeatable (default: -O3)")
    p.add_argument("--runs", type=int, default=50, help="timed runs per configuration (default: %(default)s)")
    p.add_argument("--warmup", type=int, default=5, help="ORT warm-up runs (default: %(default)s)")
    p.add_argument("--timeout", type=float, default=1800)
    p.add_argument("--json", type=Path, help="write all measurements here")
    args = p.parse_args()
    mocc_flags = args.mocc_flag if args.mocc_flag is not None else ["-O3"]

    try:
        import onnxruntime as ort
    except ImportError as e:
        print(f"error: {e} (run with the project venv)", file=sys.stderr)
        return 2
    dirs = sorted(d for d in args.models_dir.iterdir() if (d / "model.onnx").is_file()) \
        if args.models_dir.is_dir() else []
    if args.models:
        wanted = args.models.split(",")
        dirs = [d for d in dirs if d.name in wanted]
    if not dirs:
        print(f"error: no <name>/model.onnx under {args.models_dir} (run export_models.py)", file=sys.stderr)
        return 2
    for tool in (args.mocc, args.mocc_run):
        if not tool.is_file():
            print(f"error: {tool} not found", file=sys.stderr)
            return 2

    target = host_target()
    rows = []
    with tempfile.TemporaryDirectory(prefix="mocc-bench.") as work:
        for d in dirs:
            ds = d / "test_data_set_0"
            so = Path(work) / f"{d.name}.so"
            row = {"model": d.name}
            rows.append(row)
            t0 = time.perf_counter()
            proc = subprocess.run([str(args.mocc), str(d / "model.onnx"), f"-target={target}", "-o", str(so),
                                   *mocc_flags], capture_output=True, text=True, errors="replace",
                                  timeout=args.timeout)
            row["compile_s"] = round(time.perf_counter() - t0, 2)
            if proc.returncode != 0:
                row["error"] = (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[0]
                print(f"{d.name}: compile failed: {row['error']}", file=sys.stderr, flush=True)
            else:
                row["mocc_1t"] = bench_mocc(args.mocc_run, so, ds, args.runs, 1, args.timeout)
                row["mocc_default"] = bench_mocc(args.mocc_run, so, ds, args.runs, None, args.timeout)
            row["ort_1t"] = bench_ort(d / "model.onnx", ds, args.runs, args.warmup, 1)
            row["ort_default"] = bench_ort(d / "model.onnx", ds, args.runs, args.warmup, 0)
            print(f"{d.name}: " + json.dumps({k: v for k, v in row.items() if k != "model"}), flush=True)

    print(f"\nHost: {platform.machine()}, {os.cpu_count()} CPUs; onnxruntime {ort.__version__}; "
          f"mocc {' '.join(mocc_flags)}; {args.runs} runs, median ms\n")
    print("| model | compile s | mocc 1T | ORT 1T | mocc/ORT 1T | mocc default | ORT default | mocc/ORT default |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['model']} | {r['compile_s']:.1f} | {fmt_ms(r.get('mocc_1t'))} | {fmt_ms(r['ort_1t'])} | "
              f"{ratio(r.get('mocc_1t'), r['ort_1t'])} | {fmt_ms(r.get('mocc_default'))} | "
              f"{fmt_ms(r['ort_default'])} | {ratio(r.get('mocc_default'), r['ort_default'])} |")
    for key, label in (("1t", "1 thread"), ("default", "default threads")):
        ratios = [r[f"mocc_{key}"]["median_ms"] / r[f"ort_{key}"]["median_ms"] for r in rows
                  if "median_ms" in r.get(f"mocc_{key}", {}) and "median_ms" in r[f"ort_{key}"]]
        if ratios:
            geomean = statistics.geometric_mean(ratios)
            print(f"\nmocc/ORT, {label}: geometric mean {geomean:.3g} over {len(ratios)} models, "
                  f"highest {max(ratios):.3g}")
    if args.json:
        args.json.write_text(json.dumps({"host": platform.machine(), "cpus": os.cpu_count(),
                                         "onnxruntime": ort.__version__, "mocc_flags": mocc_flags,
                                         "runs": args.runs, "results": rows}, indent=1) + "\n")
    # mocc-run builds without --threads leave the 1-thread column at n/a; that is not a failure.
    return 1 if any("error" in r or "error" in r.get("mocc_default", {}) for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
