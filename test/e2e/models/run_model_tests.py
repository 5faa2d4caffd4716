#!/usr/bin/env python3
"""Compiles real models with mocc for one target and compares mocc-run's outputs with ONNX Runtime's.

Run with the project venv's python, after export_models.py and make_reference.py:

    .venv/bin/python test/e2e/models/run_model_tests.py --models-dir build/test/e2e/models \\
        --target x86_64 --mocc build/bin/mocc --mocc-run build/bin/mocc-run
    .venv/bin/python test/e2e/models/run_model_tests.py --models-dir build/test/e2e/models \\
        --target aarch64 --mocc build/bin/mocc --mocc-run build/bin/aarch64/mocc-run

For each MODELS_DIR/<name>/ (model.onnx, test_data_set_*/input_*.pb, output_*.pb): times
`mocc model.onnx -target=T -o model.so`, then runs `mocc-run model.so --inputs DS --compare DS
--rtol 1e-3 --atol 1e-4` for each data set (under `qemu-aarch64 -L /usr/aarch64-linux-gnu` for
aarch64 on a non-AArch64 host). Prints `models <target>: N passed, M failed`; exit 1 on any
failure, 77 (skip) when a prerequisite (models, references, qemu) is missing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SKIP = 77
REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "test" / "e2e"))
from gpu_probe import vulkan_unavailable  # noqa: E402
DEFAULT_MODELS = ("resnet50", "mobilenet_v2", "squeezenet1_1", "bert_encoder", "resnet18_bn",
                  "resnet18_opset9", "mobilenet_v2_opset11", "squeezenet1_1_dynamic_batch",
                  "resnet18_dynamic_hw", "encoder_dynamic_sequence", "gpt_block_dynamic_sequence")


def host_is_aarch64() -> bool:
    return platform.machine().lower() in ("aarch64", "arm64")


def run_tool(cmd: list[str], timeout: float):
    """Returns (rc or None on timeout, combined output, seconds)."""
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            text=True, errors="replace", start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
        rc = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        rc = None
    return rc, out, time.monotonic() - t0


def tail(text: str, n: int = 6) -> str:
    lines = [l for l in text.splitlines() if l.strip()]
    return "\n".join("    " + l for l in lines[-n:])


def head(text: str, n: int = 12) -> str:
    lines = [l for l in text.splitlines() if l.strip()]
    return "\n".join("    " + l for l in lines[:n])


def exit_text(tool: str, rc: int | None, timeout: float) -> str:
    if rc is None:
        return f"{tool} timed out after {timeout:g} s"
    if rc < 0:
        try:
            return f"{tool} crashed ({signal.Signals(-rc).name})"
        except ValueError:
            return f"{tool} crashed (signal {-rc})"
    return f"{tool} exit {rc}"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--models-dir", type=Path, default=REPO / "build" / "test" / "e2e" / "models")
    p.add_argument("--models", default=",".join(DEFAULT_MODELS), help="comma-separated (default: %(default)s)")
    p.add_argument("--target", choices=("x86_64", "aarch64", "vulkan"),
                   default="aarch64" if host_is_aarch64() else "x86_64")
    p.add_argument("--mocc", type=Path, default=REPO / "build" / "bin" / "mocc")
    p.add_argument("--mocc-run", type=Path, help="default: build/bin/mocc-run (build/bin/aarch64/mocc-run for aarch64)")
    p.add_argument("--mocc-flag", action="append", default=[], help="extra mocc option, repeatable")
    p.add_argument("--qemu", default="qemu-aarch64")
    p.add_argument("--qemu-ld-prefix", default="/usr/aarch64-linux-gnu")
    p.add_argument("--rtol", type=float, default=1e-3)
    p.add_argument("--atol", type=float, default=1e-4)
    p.add_argument("--timeout", type=float, default=1200, help="seconds per mocc / mocc-run step (default: %(default)s)")
    p.add_argument("--max-compile-seconds", type=float,
                   help="fail a model whose compile takes longer (e.g. 60, the issue's ResNet-50 budget)")
    p.add_argument("--report", type=Path, help="write a JSON report here")
    p.add_argument("--keep-work", action="store_true")
    args = p.parse_args()

    mocc_run = args.mocc_run or REPO / "build" / "bin" / ("aarch64/mocc-run" if args.target == "aarch64" else "mocc-run")
    names = [m for m in args.models.split(",") if m]
    for name in names:
        d = args.models_dir / name
        if not (d / "model.onnx").is_file() or not list(d.glob("test_data_set_*/output_0.pb")):
            print(f"SKIP: {d} has no model.onnx or reference outputs "
                  "(run export_models.py, then make_reference.py)")
            return SKIP
    for tool in (args.mocc, mocc_run):
        if not (tool.is_file() and os.access(tool, os.X_OK)):
            print(f"error: {tool} not found or not executable", file=sys.stderr)
            return 2
    prefix: list[str] = []
    if args.target == "aarch64" and not host_is_aarch64():
        qemu = shutil.which(args.qemu)
        if not qemu or not Path(args.qemu_ld_prefix).is_dir():
            print(f"SKIP: {args.qemu} or {args.qemu_ld_prefix} missing (Debian qemu-user, libc6-dev-arm64-cross)")
            return SKIP
        prefix = [qemu, "-L", args.qemu_ld_prefix]
    elif args.target == "x86_64" and host_is_aarch64():
        print("SKIP: x86_64 libraries cannot run on this AArch64 host")
        return SKIP
    elif args.target == "vulkan":
        missing = vulkan_unavailable(args.mocc, [str(mocc_run)])
        if missing:
            print(f"SKIP: {missing}")
            return SKIP

    work = Path(tempfile.mkdtemp(prefix=f"mocc-models-{args.target}."))
    results = []
    try:
        for name in names:
            d = args.models_dir / name
            so = work / f"{name}.so"
            r = {"name": name, "status": "pass", "reason": "", "compile_s": None, "run_s": 0.0}
            results.append(r)
            cmd = [str(args.mocc), str(d / "model.onnx"), f"-target={args.target}", "-o", str(so), *args.mocc_flag]
            print(f"{name}: {' '.join(cmd)}", flush=True)
            rc, out, secs = run_tool(cmd, args.timeout)
            r["compile_s"] = round(secs, 2)
            if rc != 0 or not so.is_file():
                r["status"] = "compile-fail" if rc is not None else "timeout"
                r["reason"] = exit_text("mocc", rc, args.timeout) if rc != 0 else "mocc wrote no library"
                print(f"{name}: FAIL ({r['reason']}) after {secs:.1f} s\n{head(out)}", flush=True)
                continue
            print(f"{name}: compiled in {secs:.1f} s ({so.stat().st_size / 2**20:.1f} MiB)", flush=True)
            if args.max_compile_seconds and secs > args.max_compile_seconds:
                r["status"], r["reason"] = "slow-compile", f"compile {secs:.1f} s > {args.max_compile_seconds:g} s"
                print(f"{name}: FAIL ({r['reason']})", flush=True)
            for ds in sorted(x for x in d.glob("test_data_set_*") if x.is_dir()):
                cmd = [*prefix, str(mocc_run), str(so), "--inputs", str(ds), "--compare", str(ds),
                       "--rtol", f"{args.rtol:g}", "--atol", f"{args.atol:g}"]
                rc, out, secs = run_tool(cmd, args.timeout)
                r["run_s"] = round(r["run_s"] + secs, 2)
                if rc == 0:
                    print(f"{name}/{ds.name}: match (rtol {args.rtol:g}, atol {args.atol:g}) in {secs:.1f} s\n{tail(out, 3)}",
                          flush=True)
                    continue
                r["status"] = {None: "timeout", 1: "mismatch"}.get(rc, "run-fail")
                r["reason"] = exit_text("mocc-run", rc, args.timeout)
                print(f"{name}/{ds.name}: FAIL ({r['status']}, {r['reason']}) after {secs:.1f} s\n"
                      f"    {' '.join(cmd)}\n{head(out)}", flush=True)
                break
    finally:
        if not args.keep_work:
            shutil.rmtree(work, ignore_errors=True)

    passed = sum(r["status"] == "pass" for r in results)
    failed = len(results) - passed
    print("\n| model | compile s | run s | result |\n|---|---:|---:|---|")
    for r in results:
        cs = f"{r['compile_s']:.1f}" if r["compile_s"] is not None else "-"
        print(f"| {r['name']} | {cs} | {r['run_s']:.1f} | {r['status']} |")
    print(f"models {args.target}: {passed} passed, {failed} failed", flush=True)
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(json.dumps({"target": args.target, "rtol": args.rtol, "atol": args.atol,
                                           "models": results}, indent=1) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
