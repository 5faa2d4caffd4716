#!/usr/bin/env python3
"""Benchmarks mocc-compiled models against ONNX Runtime on the host CPU, in the same run.

    /usr/bin/python3 test/e2e/models/export_models.py build/test/e2e/models
    .venv/bin/python test/e2e/models/make_reference.py build/test/e2e/models
    .venv/bin/python bench/run_bench.py --models-dir build/test/e2e/models \\
        --mocc build/bin/mocc --mocc-run build/bin/mocc-run --runs 50 --rounds 3 [--json bench.json]

(ctest builds the model dir as a fixture: `ctest --test-dir build -R e2e.models.reference`.)

For each MODELS_DIR/<name>/model.onnx with test_data_set_0/input_*.pb: compiles it with
`mocc -O3 -target=<host>` (timed), runs `mocc-run model.so --inputs DS --bench N --threads T`
(parsing its last line `median_ms=X min_ms=Y`), and times onnxruntime 1.31 (CPUExecutionProvider,
default graph optimizations, same input, warm-up runs, then N timed runs of session.run) with
intra_op_num_threads=1 and with ORT's default thread count; mocc-run gets `--threads 1` and
no --threads (its default). The configurations of a model are timed in turn, --rounds times
(interleaved, so that a machine whose speed drifts slows them alike); each figure is the median
of its rounds' medians. Prints a markdown table of those (ms) and mocc/ORT ratios (below 1:
mocc is faster), then each configuration's lowest and highest round; all are in --json.
Run it on an otherwise idle machine: both engines share it. ORT is timed around Python's
session.run (about 10 us of binding overhead per run), mocc inside mocc-run: for tiny models
the ratio reflects that overhead, for real models (milliseconds) it does not matter.

Optional peers (--peers, default: whichever of openvino,iree import; `pip install -r
bench/requirements-peers.txt`) add columns `<peer> 1T`, `mocc/<peer> 1T` and the same for
default threads after the ORT ones, timed like ORT (same inputs, warm-up, N runs from Python):
  OV    OpenVINO on "CPU", compile_model(model.onnx) with INFERENCE_NUM_THREADS=1, or 0
        (OpenVINO's default: one per physical core), PERFORMANCE_HINT=LATENCY (one stream,
        so one inference uses all those threads, as ORT's session.run does) and
        INFERENCE_PRECISION_HINT=f32 (its default is bf16 where the CPU has it).
  IREE  iree-import-onnx, then iree-compile for llvm-cpu with --iree-llvmcpu-target-cpu=host
        (once per model), run with iree.runtime on the local-task driver with
        --task_topology_max_group_count=1, or no flag (IREE's default: one worker per physical
        core), in a fresh process per setting (the driver reads the flags once per process).
A peer that fails to compile or run a model shows n/a there (the reason goes to stderr); it
never fails the script.
"""

from __future__ import annotations

import argparse
import importlib
import json
import multiprocessing
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import partial
from importlib.metadata import version
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[1]
LAST_LINE = re.compile(r"median_ms=([0-9.eE+-]+)\s+min_ms=([0-9.eE+-]+)")
THREADS = (("1t", 1), ("default", 0))  # row key suffix, thread count (0: the engine's default)


def host_target() -> str:
    return "aarch64" if platform.machine().lower() in ("aarch64", "arm64") else "x86_64"


def load_inputs(ds: Path) -> list:
    """DS/input_<i>.pb as arrays, in the order of the model's graph inputs (initializers excluded)."""
    import onnx
    from onnx import numpy_helper

    files = sorted(ds.glob("input_*.pb"), key=lambda p: int(p.stem.split("_")[1]))
    arrays = []
    for path in files:
        t = onnx.TensorProto()
        t.ParseFromString(path.read_bytes())
        arrays.append(numpy_helper.to_array(t))
    return arrays


def time_runs(run: Callable[[], object], runs: int, warmup: int) -> dict:
    """Median and min of `runs` timed calls of run() (ms), after `warmup` untimed ones."""
    for _ in range(warmup):
        run()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        run()
        times.append((time.perf_counter() - t0) * 1e3)
    return {"median_ms": round(statistics.median(times), 6), "min_ms": round(min(times), 6)}


def bench_ort(model: Path, ds: Path, runs: int, warmup: int, threads: int) -> dict:
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads  # 0: ORT's default (one per physical core)
    opts.inter_op_num_threads = 1
    sess = ort.InferenceSession(str(model), opts, providers=["CPUExecutionProvider"])
    feeds = dict(zip((i.name for i in sess.get_inputs()), load_inputs(ds)))
    return time_runs(lambda: sess.run(None, feeds), runs, warmup)


def bench_openvino(model: Path, ds: Path, runs: int, warmup: int, threads: int) -> dict:
    import openvino as ov
    import openvino.properties as props
    import openvino.properties.hint as hint

    # INFERENCE_NUM_THREADS 0: OpenVINO's default (one per physical core). LATENCY: one stream,
    # so one inference uses all the threads, like ORT's intra-op pool with inter_op_num_threads=1.
    # f32: on CPUs with AVX-512 BF16 or AMX, OpenVINO would otherwise compute in bf16.
    compiled = ov.Core().compile_model(str(model), "CPU", {
        props.inference_num_threads(): threads, hint.performance_mode(): hint.PerformanceMode.LATENCY,
        hint.inference_precision(): ov.Type.f32})
    request = compiled.create_infer_request()
    inputs = load_inputs(ds)
    # Inputs by position (OpenVINO's ports follow the ONNX graph inputs); outputs copied, like ORT's.
    return time_runs(lambda: request.infer(inputs, share_inputs=True), runs, warmup)


def compile_iree(model: Path, work: Path, timeout: float) -> Path:
    """model.onnx -> WORK/<model dir>.vmfb for llvm-cpu, tuned for this CPU."""
    from iree.compiler.tools import compile_file

    mlir = work / f"{model.parent.name}.mlir"
    vmfb = mlir.with_suffix(".vmfb")
    # iree-import-onnx (ONNX -> torch-dialect MLIR), as a module: the venv's bin/ need not be on PATH.
    proc = subprocess.run([sys.executable, "-m", "iree.compiler.tools.import_onnx", str(model), "-o", str(mlir)],
                          capture_output=True, text=True, errors="replace", timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"iree-import-onnx: {one_line(proc.stderr)}")
    try:
        compile_file(str(mlir), input_type="onnx", target_backends=["llvm-cpu"],
                     extra_args=["--iree-llvmcpu-target-cpu=host"], output_file=str(vmfb))
    finally:
        mlir.unlink()
    return vmfb


def bench_iree(vmfb: Path, ds: Path, runs: int, warmup: int, threads: int) -> dict:
    # The local-task driver reads --task_topology_* once, when a process first creates it (the
    # Python bindings cache it): each thread setting gets a fresh process.
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(time_iree, (vmfb, ds, runs, warmup, threads))


def time_iree(vmfb: Path, ds: Path, runs: int, warmup: int, threads: int) -> dict:
    import iree.runtime as rt

    if threads:  # else IREE's default: physical_cores mode, one worker per physical core
        rt.flags.parse_flags(f"--task_topology_max_group_count={threads}")
    config = rt.Config("local-task")
    ctx = rt.SystemContext(config=config)
    module = rt.VmModule.mmap(config.vm_instance, str(vmfb))
    ctx.add_vm_module(module)
    # The synchronous entry point, named after the ONNX graph (also exported: <name>$async, __init).
    entry = next(f for f in module.function_names if not f.startswith("__") and "$" not in f)
    fn = ctx.modules[module.name][entry]
    inputs = load_inputs(ds)

    def run() -> None:
        out = fn(*inputs)
        for o in out if isinstance(out, tuple) else (out,):
            o.to_host()  # outputs as host arrays, like ORT's

    return time_runs(run, runs, warmup)


@dataclass(frozen=True)
class Peer:
    label: str  # column heading
    modules: tuple[str, ...]  # all must import for the peer to be enabled
    dist: str  # the PyPI distribution whose version is reported
    prepare: Callable[[Path, Path, float], Path]  # (model.onnx, work dir, timeout) -> what bench takes
    bench: Callable[[Path, Path, int, int, int], dict]  # (prepared, dataset, runs, warmup, threads)


PEERS = {
    "openvino": Peer("OV", ("openvino",), "openvino", lambda model, work, timeout: model, bench_openvino),
    "iree": Peer("IREE", ("iree.compiler", "iree.runtime"), "iree-base-runtime", compile_iree, bench_iree),
}


def enabled_peers(names: list[str]) -> dict[str, Peer]:
    peers = {}
    for name in names:
        try:
            for module in PEERS[name].modules:
                importlib.import_module(module)
            peers[name] = PEERS[name]
        except Exception as e:  # ImportError, or a native library that fails to load
            print(f"{name}: skipped ({one_line(str(e))})", file=sys.stderr)
    return peers


def one_line(text: str) -> str:
    """A compiler's first `error:` line, else the last line (a traceback's or OpenVINO's message)."""
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    return next((l for l in lines if "error:" in l), lines[-1] if lines else "no output")[:300]


def guarded(what: str, fn: Callable, *fn_args):
    """fn(*fn_args), or {"error": ...} and one line on stderr: a failing peer only blanks its columns."""
    try:
        return fn(*fn_args)
    except Exception as e:
        err = one_line(str(e)) if str(e).strip() else type(e).__name__
        print(f"{what}: {err}", file=sys.stderr, flush=True)
        return {"error": err}


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


def combine_rounds(results: list[dict]) -> dict:
    """One configuration's rounds: the median of their medians, the least min, and each round's
    median (their spread shows how much the machine drifted); the first error if any failed."""
    if errors := [r for r in results if "median_ms" not in r]:
        return errors[0]
    medians = [r["median_ms"] for r in results]
    return {"median_ms": statistics.median(medians), "min_ms": min(r["min_ms"] for r in results),
            "round_medians_ms": medians}


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
    p.add_argument("--warmup", type=int, default=5, help="ORT and peer warm-up runs (default: %(default)s)")
    p.add_argument("--rounds", type=int, default=3,
                   help="rounds, each timing every configuration of a model in turn (default: %(default)s)")
    p.add_argument("--timeout", type=float, default=1800)
    p.add_argument("--json", type=Path, help="write all measurements here")
    p.add_argument("--peers", default=",".join(PEERS),
                   help="comma-separated peers to time besides ORT, or 'none' (default: those of "
                        "%(default)s that import)")
    args = p.parse_args()
    mocc_flags = args.mocc_flag if args.mocc_flag is not None else ["-O3"]
    peer_names = [] if args.peers == "none" else [n for n in args.peers.split(",") if n]
    if unknown := [n for n in peer_names if n not in PEERS]:
        p.error(f"unknown peer {', '.join(unknown)} (known: {', '.join(PEERS)}, none)")

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

    peers = enabled_peers(peer_names)
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
            configs = {}  # row key -> a function timing one round
            if "error" not in row:
                configs["mocc_1t"] = lambda: bench_mocc(args.mocc_run, so, ds, args.runs, 1, args.timeout)
                configs["mocc_default"] = lambda: bench_mocc(args.mocc_run, so, ds, args.runs, None, args.timeout)
            configs["ort_1t"] = lambda: bench_ort(d / "model.onnx", ds, args.runs, args.warmup, 1)
            configs["ort_default"] = lambda: bench_ort(d / "model.onnx", ds, args.runs, args.warmup, 0)
            for name, peer in peers.items():
                prepared = guarded(f"{d.name}: {name}", peer.prepare, d / "model.onnx", Path(work), args.timeout)
                for key, threads in THREADS:  # a failed prepare ({"error": ...}) blanks both settings
                    configs[f"{name}_{key}"] = (lambda error=prepared: error) if isinstance(prepared, dict) \
                        else partial(guarded, f"{d.name}: {name} {key}", peer.bench, prepared, ds, args.runs,
                                     args.warmup, threads)
            rounds = {key: [] for key in configs}
            for _ in range(args.rounds):  # interleaved: each round times every configuration once
                for key, bench in configs.items():
                    rounds[key].append(bench())
            row.update({key: combine_rounds(results) for key, results in rounds.items()})
            print(f"{d.name}: " + json.dumps({k: v for k, v in row.items() if k != "model"}), flush=True)

    peer_versions = {name: version(peer.dist) for name, peer in peers.items()}
    print(f"\nHost: {platform.machine()}, {os.cpu_count()} CPUs; onnxruntime {ort.__version__}; "
          + "".join(f"{name} {v}; " for name, v in peer_versions.items())
          + f"mocc {' '.join(mocc_flags)}; {args.rounds} interleaved rounds of {args.runs} runs, "
          + "median of the rounds' median ms\n")
    # The peers' columns, after ORT's: 1 thread for each peer, then default threads for each.
    extra = [(f"{name}_{key}", f"mocc_{key}", f"{peer.label} {head}")
             for key, head in (("1t", "1T"), ("default", "default")) for name, peer in peers.items()]
    print("| model | compile s | mocc 1T | ORT 1T | mocc/ORT 1T | mocc default | ORT default | mocc/ORT default |"
          + "".join(f" {head} | mocc/{head} |" for _, _, head in extra))
    print("|---|---:|---:|---:|---:|---:|---:|---:|" + "---:|---:|" * len(extra))
    for r in rows:
        print(f"| {r['model']} | {r['compile_s']:.1f} | {fmt_ms(r.get('mocc_1t'))} | {fmt_ms(r['ort_1t'])} | "
              f"{ratio(r.get('mocc_1t'), r['ort_1t'])} | {fmt_ms(r.get('mocc_default'))} | "
              f"{fmt_ms(r['ort_default'])} | {ratio(r.get('mocc_default'), r['ort_default'])} |"
              + "".join(f" {fmt_ms(r.get(k))} | {ratio(r.get(mocc), r.get(k))} |" for k, mocc, _ in extra))
    for base, base_label in (("ort", "ORT"), *((name, peer.label) for name, peer in peers.items())):
        for key, label in (("1t", "1 thread"), ("default", "default threads")):
            ratios = [r[f"mocc_{key}"]["median_ms"] / r[f"{base}_{key}"]["median_ms"] for r in rows
                      if "median_ms" in r.get(f"mocc_{key}", {}) and "median_ms" in r.get(f"{base}_{key}", {})]
            if ratios:
                geomean = statistics.geometric_mean(ratios)
                print(f"\nmocc/{base_label}, {label}: geometric mean {geomean:.3g} over {len(ratios)} models, "
                      f"highest {max(ratios):.3g}")
    print("\nRounds' medians, lowest-highest (ms):")
    for r in rows:
        spreads = [f"{key} {min(v['round_medians_ms']):.4g}-{max(v['round_medians_ms']):.4g}"
                   for key, v in r.items() if isinstance(v, dict) and "round_medians_ms" in v]
        print(f"  {r['model']}: " + ", ".join(spreads))
    if args.json:
        args.json.write_text(json.dumps({"host": platform.machine(), "cpus": os.cpu_count(),
                                         "onnxruntime": ort.__version__, "peers": peer_versions,
                                         "mocc_flags": mocc_flags, "runs": args.runs, "results": rows},
                                        indent=1) + "\n")
    # mocc-run builds without --threads leave the 1-thread column at n/a; that is not a failure.
    return 1 if any("error" in r or "error" in r.get("mocc_default", {}) for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
