#!/usr/bin/env python3
"""Measures what each optimization pass does on real models: kernels, memory and run time.

    .venv/bin/python bench/pass_effects.py --models-dir build/test/e2e/models \\
        --mocc build/bin/mocc --mocc-run build/bin/mocc-run --runs 5 [--json passes.json]

For each MODELS_DIR/<name>/model.onnx it compiles the model with `mocc -O2 --stats` (all
passes), with `--disable-pass=P` for each optional pass P, and at -O0 (none), and runs each
library with `mocc-run --bench N` on test_data_set_0 (its median over N runs after a warm-up).
Prints one markdown table per model: kernels, arena bytes, the arena's lower bound, the naive
sum of buffer sizes, compile seconds and the median run time, with the run time relative to
all passes on (above 1: the model runs slower without the pass).
Run it on an otherwise idle machine. Timing is reported, never asserted.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run_bench import bench_mocc, model_arguments  # noqa: E402

PASSES = ("moc-fold-constants", "moc-recognize-ops", "moc-convert-layout", "mocc-fold-transposes",
          "mocc-select-kernels", "mocc-fuse-elementwise",
          "mocc-fuse-kernels", "mocc-concat-in-place", "mocc-plan-arena",
          "mocc-vectorizable-loops", "mocc-fuse-epilogues")
CONFIGS = [("all passes (-O2)", ["-O2"])] + \
          [(f"without {p}", ["-O2", f"--disable-pass={p}"]) for p in PASSES] + \
          [("none (-O0)", ["-O0"])]


def compile_stats(mocc: Path, model: Path, out: Path, flags: list[str], timeout: float) -> dict:
    cmd = [str(mocc), str(model), "-o", str(out), "--stats", *flags]
    proc = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=timeout)
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["no output"])[0]}
    return json.loads(proc.stdout)


def main() -> int:
    p = model_arguments(__doc__)
    p.add_argument("--runs", type=int, default=5, help="timed runs per configuration (default: %(default)s)")
    p.add_argument("--timeout", type=float, default=1800)
    p.add_argument("--json", type=Path, help="write every measurement here")
    args = p.parse_args()

    names = args.models.split(",") if args.models else sorted(
        d.name for d in args.models_dir.iterdir() if (d / "model.onnx").exists())
    results: dict[str, list[dict]] = {}
    with tempfile.TemporaryDirectory(prefix="mocc-passes-") as tmp:
        for name in names:
            model = args.models_dir / name / "model.onnx"
            dataset = args.models_dir / name / "test_data_set_0"
            rows = []
            for label, flags in CONFIGS:
                library = Path(tmp) / f"{name}.so"
                stats = compile_stats(args.mocc, model, library, flags, args.timeout)
                run = bench_mocc(args.mocc_run, library, dataset, args.runs, None, args.timeout) \
                    if "error" not in stats else {"error": stats["error"]}
                rows.append({"config": label, "flags": flags, "stats": stats, "run": run})
                print(f"{name}: {label}: {run}", file=sys.stderr)
            results[name] = rows
            base = rows[0]["run"].get("median_ms")
            print(f"\n### {name}\n")
            print("| passes | kernels | arena bytes | lower bound | naive bytes | compile s | median ms | vs all |")
            print("|---|---:|---:|---:|---:|---:|---:|---:|")
            for row in rows:
                s, r = row["stats"], row["run"]
                if "error" in s:
                    print(f"| {row['config']} | error: {s['error']} |||||||")
                    continue
                ms = r.get("median_ms")
                rel = f"{ms / base:.2f}" if ms and base else "n/a"
                print(f"| {row['config']} | {s['kernels']} | {s['arena_bytes']} | "
                      f"{s['arena_lower_bound_bytes']} | {s['naive_bytes']} | "
                      f"{s['compile_seconds']:.2f} | {ms if ms else 'n/a'} | {rel} |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
