#!/usr/bin/env python3
"""Checks mocc's CUDA target on a lent GPU machine: compiled here, run there.

    prepare OUT   (here, with the project venv: .venv/bin/python, onnx + numpy)
        Compiles with `mocc -target=cuda -mcpu=sm_90` every ONNX node test of the suites that
        test/e2e/conformance/run_node_tests.py runs (its own functions: the suite loader, the
        sequence/optional input shapes, the binding of compile-time-constant inputs and a library
        per data set whose bound values differ), and each listed model (the real ones of
        test/e2e/models, and bench/gpu_reductions.py's reductions of few points, which
        `gpu_reductions.py --write build/gpu-reductions` writes), each model also for the CPU
        (x86-64) to compare latencies. OUT gets build/bin/mocc-run, a
        manifest.json and one xz archive per suite and per model, kept under --max-mib (the device
        tool carries at most 64 MiB): what does not fit is skipped (the largest models first) and
        listed in the manifest.

    run OUT       (on the GPU machine: python3, standard library only)
        Unpacks OUT into a temporary directory and runs every case there with OUT/mocc-run, as
        the runners do: a node test with `--compare DS --rtol R --atol A` (ONNX's 1e-3 and 1e-7),
        a model with rtol 1e-3, atol 1e-4 on each data set, then `--bench N` on its CUDA library
        and on its CPU library (all cores). Writes a markdown summary (--summary, default
        OUT/summary.md) and the results as JSON beside it, and prints the summary.

The verdicts are run_node_tests.py's: pass, mismatch (mocc-run exit 1), run-fail (any other
failure, reason: the first error line), timeout; compile-fail is decided here by prepare. When
the runner retries a test whose library kept its bound inputs with all inputs (mocc-run exit
2), so does run. The tests whose output elements the ONNX spec leaves partly undefined
(undefined_elements.py: casts of out-of-range floats to 4- and 2-bit integers) are compared by
the runner on the defined elements only: prepare writes their reference values and the mask of
defined elements as JSON, run has mocc-run write the outputs and compares them in pure python
with numpy's isclose rule (|out - ref| <= atol + rtol * |ref|, NaN == NaN); the summary counts
them apart.

Node tests run in parallel (--jobs, default one per core) after the models, whose timings
are taken with the machine otherwise idle. Every mocc-run has a timeout (--case-timeout) and
the whole run a deadline (--deadline-s): cases not started by then are reported as not run.
While it runs, this process holds the GPU's primary context (through libcuda with ctypes), so
that the driver stays initialized between the short-lived mocc-run processes on a machine
without the persistence daemon; --no-hold turns that off.

`prepare --target x86_64` compiles everything for this machine's CPU instead, to check this
script (the run side, the verdicts, the undefined-element comparison) without a GPU.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import ctypes
import datetime
import json
import math
import os
import platform
import re
import shutil
import signal
import struct
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CONFORMANCE = REPO / "test" / "e2e" / "conformance"
MANIFEST_VERSION = 1
# run_model_tests.py's defaults (--rtol, --atol).
MODEL_RTOL = 1e-3
MODEL_ATOL = 1e-4
# The four real models, then bench/gpu_reductions.py's (reductions of few points: a workgroup each).
DEFAULT_MODELS = ("squeezenet1_1,mobilenet_v2,bert_encoder,resnet50,"
                  "row_sum,layer_norm,softmax,narrow_product")
# The GPU pass each model is also compiled without, to time both: the reductions that
# mocc-gpu-split-reductions splits, the products and convolutions that mocc-gpu-tile-products tiles.
WITHOUT_PASS = {**dict.fromkeys(("row_sum", "layer_norm", "softmax"), "mocc-gpu-split-reductions"),
                **dict.fromkeys(("squeezenet1_1", "mobilenet_v2", "bert_encoder", "resnet50"),
                                "mocc-gpu-tile-products")}
DRIVER_ERROR = "cannot load the CUDA driver"
# A library and its data compress to well under its raw size, weights to about 85% of theirs:
# a model whose model.onnx is larger than the budget left over this factor is not compiled.
WEIGHTS_XZ_RATIO = 0.85
# x86-64 micro-architecture levels and the /proc/cpuinfo flags each needs (beyond the level below).
CPU_LEVEL_FLAGS = {
    "x86-64": [],
    "x86-64-v2": ["sse4_2", "popcnt", "ssse3", "cx16"],
    "x86-64-v3": ["sse4_2", "popcnt", "avx", "avx2", "fma", "bmi1", "bmi2", "f16c", "movbe"],
    "x86-64-v4": ["sse4_2", "popcnt", "avx", "avx2", "fma", "bmi1", "bmi2", "f16c", "movbe",
                  "avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"],
}


# --------------------------------------------------------------------------- shared helpers

def run_tool(cmd, timeout, env=None):
    """run_node_tests.run_tool: cmd in its own process group, killed at the timeout."""
    return _runner().run_tool(cmd, max(0.1, timeout), env)


def _runner():
    """test/e2e/conformance/run_node_tests.py as a module (its verdict helpers are stdlib-only)."""
    if str(CONFORMANCE) not in sys.path:
        sys.path.insert(0, str(CONFORMANCE))
    import run_node_tests
    return run_node_tests


def _verdict_helpers():
    """(first_error_line, mismatch_line, shorten) of run_node_tests.py: the device runs from a copy
    of the working tree, so the runner is there (its verdict helpers need only the standard
    library)."""
    r = _runner()
    return r.first_error_line, r.mismatch_line, r.shorten


def mib(n):
    return n / 2**20


def dir_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


# --------------------------------------------------------------------------- TensorProto (pure python)

# TensorProto.DataType -> (struct code of one element in raw_data, field holding it otherwise).
_FIXED_CODES = {1: "f", 2: "B", 3: "b", 4: "H", 5: "h", 6: "i", 7: "q", 9: "?", 11: "d", 12: "I", 13: "Q"}
_SUB_BYTE = {21: (4, False), 22: (4, True), 25: (2, False), 26: (2, True)}  # UINT4, INT4, UINT2, INT2
FLOAT16, BFLOAT16 = 10, 16


def _varint(buf, i):
    shift = result = 0
    while True:
        b = buf[i]
        i += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, i
        shift += 7


def _fields(buf):
    """(field number, wire type, value) of a protobuf message: ints for varints, bytes otherwise."""
    i = 0
    while i < len(buf):
        key, i = _varint(buf, i)
        num, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(buf, i)
        elif wire == 1:
            value, i = buf[i:i + 8], i + 8
        elif wire == 2:
            n, i = _varint(buf, i)
            value, i = buf[i:i + n], i + n
        elif wire == 5:
            value, i = buf[i:i + 4], i + 4
        else:
            raise ValueError(f"protobuf wire type {wire} not supported")
        yield num, wire, value


def _signed64(v):
    return v - (1 << 64) if v >= 1 << 63 else v


def _packed_varints(fieldvals):
    out = []
    for wire, value in fieldvals:
        if wire == 0:
            out.append(value)
        else:
            i = 0
            while i < len(value):
                v, i = _varint(value, i)
                out.append(v)
    return out


def _half(bits):
    return struct.unpack("<e", struct.pack("<H", bits & 0xFFFF))[0]


def _bfloat(bits):
    return struct.unpack("<f", struct.pack("<I", (bits & 0xFFFF) << 16))[0]


def read_tensor(data: bytes):
    """Decodes a serialized onnx.TensorProto: (data type, dims, values as python floats/ints)."""
    dims, dtype, raw = [], 1, None
    fields: dict[int, list] = {}
    for num, wire, value in _fields(data):
        if num == 1:
            dims += _packed_varints([(wire, value)])
        elif num == 2:
            dtype = value
        elif num == 9:
            raw = bytes(value)
        elif num == 14 and value == 1:
            raise ValueError("external data not supported")
        else:
            fields.setdefault(num, []).append((wire, value))
    dims = [_signed64(d) for d in dims]
    count = math.prod(dims)
    if dtype in _SUB_BYTE:
        bits, signed = _SUB_BYTE[dtype]
        if raw is None:
            raise ValueError("a 4- or 2-bit tensor without raw_data is not supported")
        per, mask, values = 8 // bits, (1 << bits) - 1, []
        for k in range(count):
            v = (raw[k // per] >> (bits * (k % per))) & mask
            values.append(v - (1 << bits) if signed and v >> (bits - 1) else v)
        return dtype, dims, values
    if dtype in (FLOAT16, BFLOAT16):
        conv = _half if dtype == FLOAT16 else _bfloat
        if raw is not None:
            bits = struct.unpack(f"<{count}H", raw[:2 * count])
        else:
            bits = _packed_varints(fields.get(5, []))
        return dtype, dims, [conv(b) for b in bits]
    if dtype not in _FIXED_CODES:
        raise ValueError(f"tensor data type {dtype} not supported")
    code = _FIXED_CODES[dtype]
    if raw is not None:
        return dtype, dims, list(struct.unpack(f"<{count}{code}", raw[:struct.calcsize(code) * count]))
    if dtype == 1:  # float_data, packed fixed32
        blob = b"".join(bytes(v) for _, v in fields.get(4, []))
        return dtype, dims, list(struct.unpack(f"<{len(blob) // 4}f", blob))
    if dtype == 11:  # double_data
        blob = b"".join(bytes(v) for _, v in fields.get(10, []))
        return dtype, dims, list(struct.unpack(f"<{len(blob) // 8}d", blob))
    if dtype == 7:  # int64_data
        return dtype, dims, [_signed64(v) for v in _packed_varints(fields.get(7, []))]
    if dtype in (12, 13):  # uint64_data
        return dtype, dims, _packed_varints(fields.get(11, []))
    values = _packed_varints(fields.get(5, []))  # int32_data
    if dtype == 9:
        return dtype, dims, [bool(v) for v in values]
    if dtype in (3, 5, 6):
        return dtype, dims, [v - (1 << 64) if v >= 1 << 63 else v for v in values]
    return dtype, dims, values


def isclose(out, ref, rtol, atol):
    """numpy.isclose(out, ref, rtol, atol, equal_nan=True) for two python numbers."""
    out, ref = float(out), float(ref)
    if math.isnan(out) or math.isnan(ref):
        return math.isnan(out) and math.isnan(ref)
    if math.isinf(out) or math.isinf(ref):
        return out == ref
    return abs(out - ref) <= atol + rtol * abs(ref)


def compare_defined(reference: dict, written: Path, rtol: float, atol: float):
    """run_node_tests.compare_defined in pure python: (mismatch line or "", undefined, all)."""
    outputs = reference["outputs"]
    files = sorted(written.glob("output_*.pb"), key=lambda p: int(p.stem.split("_")[1]))
    if len(files) != len(outputs):
        return f"mocc-run wrote {len(files)} outputs, the reference has {len(outputs)}", 0, 0
    undefined = total = 0
    for i, (ref, path) in enumerate(zip(outputs, files)):
        _, dims, values = read_tensor(path.read_bytes())
        if list(dims) != list(ref["shape"]):
            return f"output {i}: shape {list(dims)}, expected {list(ref['shape'])}", undefined, total
        mask = ref["defined"] if ref["defined"] is not None else [True] * len(values)
        total += len(values)
        undefined += len(values) - sum(mask)
        bad = sum(1 for o, r, m in zip(values, ref["values"], mask) if m and not isclose(o, r, rtol, atol))
        if bad:
            return f"output {i}: {bad} of {sum(mask)} defined elements differ", undefined, total
    return "", undefined, total


# --------------------------------------------------------------------------- archives


def write_archive(path: Path, root: Path, members: list[str]) -> int:
    """Writes root/members (files and directories, in this order) to an xz tar; returns its size.
    The 64 MiB dictionary lets xz find the weights a model's CUDA and CPU libraries share."""
    import lzma

    filters = [{"id": lzma.FILTER_LZMA2, "preset": 6, "dict_size": 64 << 20}]
    tmp = path.with_name(path.name + ".tmp")
    with lzma.open(tmp, "wb", format=lzma.FORMAT_XZ, filters=filters) as z:
        with tarfile.open(fileobj=z, mode="w", format=tarfile.PAX_FORMAT) as tar:
            for m in members:
                tar.add(root / m, arcname=m, recursive=True)
    tmp.rename(path)
    return path.stat().st_size


def extract_archive(path: Path, dest: Path) -> None:
    try:
        import lzma  # noqa: F401
        tar = tarfile.open(path, "r:xz")
    except ImportError:  # a python without lzma: through xz(1)
        proc = subprocess.Popen(["xz", "-dc", str(path)], stdout=subprocess.PIPE)
        tar = tarfile.open(fileobj=proc.stdout, mode="r|")
    with tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(dest, filter="data")
        else:
            tar.extractall(dest)


# --------------------------------------------------------------------------- prepare


def git_describe() -> str:
    try:
        head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, timeout=30).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=60).stdout.strip()
        return head + ("+uncommitted changes" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _normalize(reason: str, paths) -> str:
    for path, name in paths:
        reason = reason.replace(str(path), name)
    return reason


def prepare_node_test(R, test, cfg, stage: Path, suite: str, rtol: float, atol: float) -> dict:
    """Compiles one node test as run_node_tests._run_test does up to running it, into
    stage/nodes/SUITE/TEST; returns its manifest entry."""
    rel = Path("nodes") / suite / test.name
    tdir = stage / rel
    tdir.mkdir(parents=True)
    case = {"suite": suite, "name": test.name, "rtol": rtol, "atol": atol, "status": "ready", "reason": "",
            "bound_inputs": [], "kernels": None, "no_graph_input": not test.inputs, "undefined_rule": None,
            "runs": [], "compile_s": 0.0}
    if not test.data_sets:
        case["status"], case["reason"] = "run-fail", "no test_data_set_* directory"
        return case
    bound = case["bound_inputs"]

    def binds_for(ds):
        return [(n, ds / f"input_{test.inputs.index(n)}.pb") for n in bound]

    def compile_failure(rc, out, err):
        if rc is None:
            case["status"], case["reason"] = "timeout", f"mocc timed out after {cfg.timeout:g} s"
        else:
            case["status"] = "compile-fail"
            case["reason"] = R.first_error_line(out, err, rc) if rc != 0 else "mocc exited 0 but wrote no library"
        case["reason"] = R.shorten(_normalize(case["reason"], ((tdir, "<tmp>"), (stage, "<work>"),
                                                                (test.dir, "<test>"))))
        return case

    first = test.data_sets[0]
    so = tdir / "model.so"
    rc, out, err, secs = R._compile(test, cfg, so, [], first)
    case["compile_s"] += secs
    while rc is not None and (rc != 0 or not so.is_file()):
        new = [n for n in R.constant_inputs(err + "\n" + out, test) if n not in bound] if rc else []
        if not new:
            break
        bound += new
        so = tdir / f"model.bound{len(bound)}.so"
        rc, out, err, secs = R._compile(test, cfg, so, binds_for(first), first)
        case["compile_s"] += secs
    if rc != 0 or not so.is_file():
        shutil.rmtree(tdir, ignore_errors=True)
        return compile_failure(rc, out, err)
    try:
        case["kernels"] = json.loads(out)["kernels"]
    except (ValueError, KeyError, TypeError):
        pass

    import hashlib

    def key(ds):
        b = b"".join(hashlib.sha256(R._bound_value(ds, test, n)).digest() for n in bound)
        return b + "\n".join(R.value_shapes(ds, test)).encode()

    libraries = {key(first): so}
    for ds in test.data_sets:
        k = key(ds)
        if k not in libraries:
            lib = tdir / f"model.{ds.name}.so"
            rc, out, err, secs = R._compile(test, cfg, lib, binds_for(ds), ds)
            case["compile_s"] += secs
            if rc != 0 or not lib.is_file():
                shutil.rmtree(tdir, ignore_errors=True)
                return compile_failure(rc, out, err)
            libraries[k] = lib
        shutil.copytree(ds, tdir / ds.name)
        inputs = [rel / ds.name]
        if bound:
            free = tdir / f"inputs.{ds.name}"
            free.mkdir()
            k_free = 0
            for j, name in enumerate(test.inputs):
                if name not in bound:
                    shutil.copyfile(ds / f"input_{j}.pb", free / f"input_{k_free}.pb")
                    k_free += 1
            inputs = [rel / free.name, rel / ds.name]
        run = {"lib": str(rel / libraries[k].name), "inputs": [str(p) for p in inputs],
               "expected": str(rel / ds.name), "reference": None}
        if test.undefined:
            run["reference"] = str(rel / f"{ds.name}.reference.json")
            (tdir / f"{ds.name}.reference.json").write_text(json.dumps(reference_json(R, test, ds)))
        case["runs"].append(run)
    if test.undefined:
        case["undefined_rule"] = test.undefined.name
    for d in tdir.glob("*.kernels"):  # --gpu-kernels-dir output of the cuda compiles
        shutil.rmtree(d, ignore_errors=True)
    case["compile_s"] = round(case["compile_s"], 2)
    return case


def reference_json(R, test, ds) -> dict:
    """The reference outputs of a data set and the mask of the elements the ONNX spec defines,
    as run_node_tests.compare_defined computes them; checks this script's TensorProto reader
    on the reference files against numpy."""
    import numpy as np

    expected = R._read_tensors(ds, "output")
    masks = test.undefined.defined(R._read_tensors(ds, "input"))
    outputs = []
    for i, (ref, mask) in enumerate(zip(expected, masks)):
        ref64 = ref.astype(np.float64)
        _, dims, values = read_tensor((ds / f"output_{i}.pb").read_bytes())
        if list(dims) != list(ref.shape) or not np.array_equal(np.asarray(values, dtype=np.float64).reshape(ref.shape),
                                                               ref64, equal_nan=True):
            raise RuntimeError(f"{ds}/output_{i}.pb: the pure-python reader disagrees with numpy")
        outputs.append({"shape": list(ref.shape), "values": ref64.ravel().tolist(),
                        "defined": None if mask is None else np.asarray(mask, dtype=bool).ravel().tolist()})
    return {"rule": test.undefined.name, "outputs": outputs}


def model_source(models_dirs: list[Path], name: str) -> Path:
    """The directory of model `name`: in the first of --models-dir that has it (the first if none)."""
    for d in models_dirs:
        if (d / name / "model.onnx").is_file():
            return d / name
    return models_dirs[0] / name


def prepare_model(name, models_dir: Path, stage: Path, args, target_flags) -> dict:
    """Compiles one model for the device target and each CPU level into stage/models/NAME."""
    src = models_dir / name
    rel = Path("models") / name
    mdir = stage / rel
    mdir.mkdir(parents=True)
    entry = {"name": name, "status": "ready", "reason": "", "rtol": MODEL_RTOL, "atol": MODEL_ATOL,
             "lib": str(rel / "model.gpu.so"), "cpu": {}, "data_sets": [], "compile_s": {},
             "onnx_mib": round(mib((src / "model.onnx").stat().st_size), 1)}
    cmd = [args.mocc, src / "model.onnx", *target_flags, "-o", mdir / "model.gpu.so"]
    rc, out, err, secs = run_tool(cmd, args.timeout)
    entry["compile_s"]["gpu"] = round(secs, 1)
    if rc != 0 or not (mdir / "model.gpu.so").is_file():
        entry["status"] = "compile-fail" if rc is not None else "timeout"
        entry["reason"] = _first_line(out, err, rc)
        return entry
    if name in WITHOUT_PASS:
        without = mdir / "model.gpu.without.so"
        rc, out, err, secs = run_tool([*cmd[:-2], f"--disable-pass={WITHOUT_PASS[name]}", "-o", without],
                                      args.timeout)
        if rc == 0 and without.is_file():
            entry["lib_without"] = str(rel / without.name)
            entry["without_pass"] = WITHOUT_PASS[name]
    for level in args.cpu_mcpu:
        lib = mdir / f"model.cpu.{level}.so"
        rc, out, err, secs = run_tool([args.mocc, src / "model.onnx", "-target=x86_64", f"-mcpu={level}",
                                       "-o", lib], args.timeout)
        entry["compile_s"][level] = round(secs, 1)
        if rc == 0 and lib.is_file():
            entry["cpu"][level] = str(rel / lib.name)
        else:
            entry.setdefault("cpu_failures", {})[level] = _first_line(out, err, rc)
    for ds in sorted((d for d in src.glob("test_data_set_*") if d.is_dir()),
                     key=lambda p: int(p.name.rsplit("_", 1)[1])):
        shutil.copytree(ds, mdir / ds.name)
        entry["data_sets"].append(str(rel / ds.name))
    if not entry["data_sets"]:
        entry["status"], entry["reason"] = "skipped", "no test_data_set_* with reference outputs"
    return entry


def _first_line(out, err, rc):
    first_error_line, _, shorten = _verdict_helpers()
    if rc is None:
        return "timed out"
    return shorten(first_error_line(out, err, rc), 200)


def prepare(args) -> int:
    try:
        import numpy  # noqa: F401
        import onnx
    except ImportError as e:
        print(f"error: {e}: run prepare with the project venv (.venv/bin/python)", file=sys.stderr)
        return 2
    R = _runner()
    t_start = time.time()
    out_dir = args.out.resolve()
    if out_dir.exists():
        if any(out_dir.iterdir()) and not (out_dir / "manifest.json").is_file():
            print(f"error: {out_dir} exists, is not empty and holds no manifest.json: not overwriting it",
                  file=sys.stderr)
            return 2
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    for tool in (args.mocc, args.mocc_run):
        if not (tool.is_file() and os.access(tool, os.X_OK)):
            print(f"error: {tool} not found or not executable", file=sys.stderr)
            return 2
    budget = int(args.max_mib * 2**20)
    if args.target == "cuda":
        mcpu = args.mcpu or "sm_90"
        target_flags = ["-target=cuda", f"-mcpu={mcpu}"]
    else:
        mcpu = args.mcpu
        target_flags = ["-target=x86_64"] + ([f"-mcpu={mcpu}"] if mcpu else [])
    stage = Path(tempfile.mkdtemp(prefix="mocc-device-cuda.", dir=args.work_dir))
    # Copies of the tools, so that a rebuild during the (long) prepare cannot mix two versions.
    (stage / "bin").mkdir()
    mocc_stamp = args.mocc.stat()
    shutil.copy2(args.mocc, stage / "bin" / "mocc")
    args.mocc = stage / "bin" / "mocc"
    manifest = {
        "version": MANIFEST_VERSION, "created": datetime.datetime.now().isoformat(timespec="seconds"),
        "git": git_describe(), "target": args.target, "mcpu": mcpu, "mocc_flags": target_flags[1:],
        "onnx_version": onnx.__version__, "mocc_run": "mocc-run",
        "mocc_built": datetime.datetime.fromtimestamp(mocc_stamp.st_mtime).isoformat(timespec="seconds"), "max_mib": args.max_mib,
        "filter": args.filter, "cpu_levels": args.cpu_mcpu, "archives": [], "suites": {}, "cases": [],
        "models": [], "skipped": [],
    }
    shutil.copy2(args.mocc_run, out_dir / "mocc-run")
    used = (out_dir / "mocc-run").stat().st_size + 256 * 1024  # and the manifest, generously
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs))
    try:
        # ---- node tests
        pattern = re.compile(args.filter) if args.filter else None
        suites = [s for s in args.suites.split(",") if s]
        for suite in suites:
            if suite == "debian":
                root = args.debian_data
                if not root.is_dir():
                    manifest["skipped"].append({"what": f"suite {suite}", "why": f"{root} not found"})
                    continue
            elif suite == "onnx":
                cache = args.onnx_cache or args.mocc_dir.parent / "test" / "e2e" / "onnx-node-tests"
                root = R.generate_onnx_suite(cache.resolve())
            else:
                print(f"error: unknown suite {suite}", file=sys.stderr)
                return 2
            tests, training = R.load_suite(root, pattern)
            expectations = {}
            exp_file = CONFORMANCE / f"expected_failures_{suite}_x86_64.txt"
            if exp_file.is_file():
                expectations = {n: why for n, why in R.read_expectations(exp_file).items()
                                if R.listed_pass_notes(why) is None}
            cfg = R.Config(target=args.target, mocc=[str(args.mocc)], mocc_run=[str(args.mocc_run)],
                           mocc_flags=target_flags[1:], rtol=args.rtol, atol=args.atol, timeout=args.timeout,
                           work=stage, keep=True)
            print(f"{suite}: compiling {len(tests)} node tests for {' '.join(target_flags)} "
                  f"({args.jobs} jobs)", flush=True)
            t0 = time.time()
            futures = {pool.submit(prepare_node_test, R, t, cfg, stage, suite, args.rtol, args.atol): t
                       for t in tests}
            cases = {}
            for n, fut in enumerate(concurrent.futures.as_completed(futures), 1):
                t = futures[fut]
                try:
                    case = fut.result()
                except Exception as e:  # noqa: BLE001 - count it, as the runner does
                    case = {"suite": suite, "name": t.name, "status": "run-fail", "runs": [],
                            "reason": f"prepare error: {type(e).__name__}: {e}"}
                if t.name in expectations:
                    case["x86_64_expected_failure"] = expectations[t.name]
                cases[t.name] = case
                if n % 200 == 0:
                    print(f"  [{n}/{len(tests)}] {time.time() - t0:.0f} s", flush=True)
            ordered = [cases[t.name] for t in tests]
            ready = [c for c in ordered if c["status"] == "ready"]
            archive = f"nodes-{suite}.tar.xz"
            size = write_archive(out_dir / archive, stage, [str(Path("nodes") / suite)])
            shutil.rmtree(stage / "nodes" / suite, ignore_errors=True)
            info = {"root": str(root), "applicable": len(tests), "training_excluded": training,
                    "compiled": len(ready), "not_compiled": len(tests) - len(ready), "archive": archive,
                    "archive_mib": round(mib(size), 2), "prepare_s": round(time.time() - t0, 1)}
            print(f"{suite}: {len(ready)} of {len(tests)} compiled in {info['prepare_s']:.0f} s, "
                  f"archive {mib(size):.1f} MiB", flush=True)
            if used + size > budget:
                (out_dir / archive).unlink()
                manifest["skipped"].append({"what": f"suite {suite}",
                                            "why": f"{mib(size):.1f} MiB archive does not fit the "
                                                   f"{mib(budget - used):.1f} MiB left"})
                info["archive"] = None
                manifest["suites"][suite] = info
                continue
            used += size + len(json.dumps(ordered))  # and its entries in the manifest
            manifest["archives"].append(archive)
            manifest["suites"][suite] = info
            manifest["cases"] += ordered
        pool.shutdown()

        # ---- models, the smallest first, while they fit
        names = [m for m in args.models.split(",") if m]
        present = []
        for name in names:
            d = model_source(args.models_dir, name)
            if not (d / "model.onnx").is_file() or not list(d.glob("test_data_set_*/output_0.pb")):
                manifest["skipped"].append({"what": f"model {name}",
                                            "why": f"{d} has no model.onnx or reference outputs"})
            else:
                present.append(name)
        present.sort(key=lambda n: (model_source(args.models_dir, n) / "model.onnx").stat().st_size)
        for name in present:
            onnx_size = (model_source(args.models_dir, name) / "model.onnx").stat().st_size
            if used + onnx_size * WEIGHTS_XZ_RATIO > budget:
                manifest["skipped"].append({"what": f"model {name}",
                                            "why": f"its weights (model.onnx {mib(onnx_size):.1f} MiB) do not fit "
                                                   f"the {mib(budget - used):.1f} MiB left"})
                print(f"{name}: skipped (model.onnx {mib(onnx_size):.1f} MiB, {mib(budget - used):.1f} MiB left)",
                      flush=True)
                continue
            t0 = time.time()
            entry = prepare_model(name, model_source(args.models_dir, name).parent, stage, args, target_flags)
            print(f"{name}: compiled ({entry['status']}) in {time.time() - t0:.0f} s: {entry['compile_s']}",
                  flush=True)
            if entry["status"] != "ready":
                manifest["models"].append(entry)
                shutil.rmtree(stage / "models" / name, ignore_errors=True)
                continue
            archive = f"model-{name}.tar.xz"
            rel = Path("models") / name
            # With every CPU level, then with the first only, then with none.
            choices = [list(entry["cpu"])]
            if len(entry["cpu"]) > 1:
                choices.append(list(entry["cpu"])[:1])
            if entry["cpu"]:
                choices.append([])
            fitted = None
            for levels in choices:
                members = ([entry["lib"]] + ([entry["lib_without"]] if "lib_without" in entry else [])
                           + [entry["cpu"][l] for l in levels] + entry["data_sets"])
                size = write_archive(out_dir / archive, stage, members)
                if used + size <= budget:
                    fitted = levels
                    break
            if fitted is None:
                (out_dir / archive).unlink()
                manifest["skipped"].append({"what": f"model {name}",
                                            "why": f"{mib(size):.1f} MiB archive (CUDA library only) does not "
                                                   f"fit the {mib(budget - used):.1f} MiB left"})
                print(f"{name}: skipped ({mib(size):.1f} MiB, {mib(budget - used):.1f} MiB left)", flush=True)
            else:
                dropped = [l for l in entry["cpu"] if l not in fitted]
                if dropped:
                    manifest["skipped"].append({"what": f"model {name}: CPU libraries {', '.join(dropped)}",
                                                "why": "not within --max-mib with them"})
                entry["cpu"] = {l: entry["cpu"][l] for l in fitted}
                entry["archive"] = archive
                entry["archive_mib"] = round(mib(size), 2)
                used += size
                manifest["archives"].append(archive)
                manifest["models"].append(entry)
                print(f"{name}: archive {mib(size):.1f} MiB (CPU levels: {', '.join(fitted) or 'none'})",
                      flush=True)
            shutil.rmtree(stage / rel, ignore_errors=True)
    except KeyboardInterrupt:
        pool.shutdown(wait=False, cancel_futures=True)
        R.kill_children()
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        if not args.keep_work:
            shutil.rmtree(stage, ignore_errors=True)
    manifest["prepare_s"] = round(time.time() - t_start, 1)
    (out_dir / "manifest.json").write_text(json.dumps(manifest) + "\n")
    total = dir_size(out_dir)
    not_compiled = [c for c in manifest["cases"] if c["status"] != "ready"]
    print(f"\nprepared {out_dir}: {sum(1 for c in manifest['cases'] if c['status'] == 'ready')} node tests "
          f"({len(not_compiled)} more not compiled), {len(manifest['models'])} models, "
          f"{mib(total):.1f} MiB of {args.max_mib:g} in {manifest['prepare_s']:.0f} s")
    for s in manifest["skipped"]:
        print(f"  skipped {s['what']}: {s['why']}")
    if total > budget:
        print(f"error: {out_dir} is {mib(total):.1f} MiB, over --max-mib {args.max_mib:g}", file=sys.stderr)
        return 1
    return 0


# --------------------------------------------------------------------------- run (standard library only)


class Clock:
    def __init__(self, deadline_s):
        self.end = time.monotonic() + deadline_s

    def left(self):
        return self.end - time.monotonic()


def cuda_probe(hold: bool):
    """Loads the CUDA driver as mocc's runtime does (MOCC_CUDA_DRIVER or libcuda.so.1) and reads the
    first device; with hold, retains its primary context until this process exits. Returns a dict."""
    path = os.environ.get("MOCC_CUDA_DRIVER") or "libcuda.so.1"
    info = {"driver_path": path}
    try:
        cu = ctypes.CDLL(path)
    except OSError as e:
        info["error"] = f"cannot load {path}: {e}"
        return info, None
    try:
        rc = cu.cuInit(0)
        if rc:
            info["error"] = f"cuInit failed ({rc})"
            return info, None
        version, count, dev = ctypes.c_int(), ctypes.c_int(), ctypes.c_int()
        cu.cuDriverGetVersion(ctypes.byref(version))
        info["driver_version"] = f"{version.value // 1000}.{version.value % 1000 // 10}"
        cu.cuDeviceGetCount(ctypes.byref(count))
        info["devices"] = count.value
        if count.value < 1 or cu.cuDeviceGet(ctypes.byref(dev), 0):
            info["error"] = "no CUDA device"
            return info, None
        name = ctypes.create_string_buffer(256)
        cu.cuDeviceGetName(name, 256, dev)
        info["name"] = name.value.decode(errors="replace")
        mem = ctypes.c_size_t()
        if hasattr(cu, "cuDeviceTotalMem_v2") and not cu.cuDeviceTotalMem_v2(ctypes.byref(mem), dev):
            info["memory_gib"] = round(mem.value / 2**30, 1)
        attr = ctypes.c_int()
        for key, num in (("cc_major", 75), ("cc_minor", 76), ("compute_mode", 20), ("sms", 16)):
            if not cu.cuDeviceGetAttribute(ctypes.byref(attr), num, dev):
                info[key] = attr.value
        if hold and info.get("compute_mode", 0) == 0:
            ctx = ctypes.c_void_p()
            if not cu.cuDevicePrimaryCtxRetain(ctypes.byref(ctx), dev):
                info["held"] = True
                return info, (cu, ctx)
    except (AttributeError, OSError) as e:
        info["error"] = f"{type(e).__name__}: {e}"
    return info, None


def nvidia_smi():
    if not shutil.which("nvidia-smi"):
        return None
    rc, out, _, _ = run_tool(["nvidia-smi", "--query-gpu=name,driver_version,memory.total,clocks.max.sm,"
                              "power.limit,persistence_mode", "--format=csv,noheader"], 30)
    return out.strip() if rc == 0 else None


def cpu_level(levels: list[str]) -> str | None:
    """The last of levels (mocc -mcpu names) this machine's CPU runs, by /proc/cpuinfo's flags."""
    try:
        text = Path("/proc/cpuinfo").read_text()
        flags = set(re.search(r"^flags\s*:(.*)$", text, re.M).group(1).split())
    except (OSError, AttributeError):
        flags = None
    best = None
    for level in levels:
        need = CPU_LEVEL_FLAGS.get(level)
        if need is None or flags is None or all(f in flags for f in need):
            best = level
    return best


def cpu_name() -> str:
    try:
        m = re.search(r"^model name\s*:\s*(.*)$", Path("/proc/cpuinfo").read_text(), re.M)
        return m.group(1).strip() if m else platform.processor()
    except OSError:
        return platform.processor() or "unknown"


BENCH_RE = re.compile(r"median_ms=([0-9.eE+-]+)\s+min_ms=([0-9.eE+-]+)")
DEVICE_RE = re.compile(r"^device=(.*)$", re.M)


def run_node_case(case, work: Path, mocc_run: Path, clock: Clock, case_timeout: float, helpers) -> dict:
    first_error_line, mismatch_line, shorten = helpers
    res = {"suite": case["suite"], "name": case["name"], "status": "pass", "reason": "", "run_s": 0.0,
           "undefined_elements": 0, "all_elements": 0}
    for i, run in enumerate(case["runs"]):
        lib = work / run["lib"]
        written = None
        if run["reference"]:
            written = work / "outputs" / case["suite"] / f"{case['name']}.{i}"
            written.mkdir(parents=True, exist_ok=True)
            check = ["--write-outputs", written]
        else:
            check = ["--compare", work / run["expected"], "--rtol", f"{case['rtol']:g}",
                     "--atol", f"{case['atol']:g}"]
        for attempt, inputs in enumerate(run["inputs"]):
            left = clock.left()
            if left < 1:
                res["status"], res["reason"] = "not-run", "the run's deadline passed"
                return res
            timeout = min(case_timeout, left)
            rc, out, err, secs = run_tool([mocc_run, lib, "--inputs", work / inputs, *check], timeout)
            res["run_s"] = round(res["run_s"] + secs, 3)
            if rc == 2 and attempt + 1 < len(run["inputs"]):
                continue  # the library kept the bound inputs: give it all of them
            break
        if rc is None:
            res["status"], res["reason"] = "timeout", f"mocc-run timed out after {timeout:g} s"
        elif rc == 1:
            res["status"], res["reason"] = "mismatch", mismatch_line(out, err)
        elif rc != 0:
            res["status"], res["reason"] = "run-fail", first_error_line(out, err, rc)
        elif written is not None:
            try:
                reference = json.loads((work / run["reference"]).read_text())
                line, undefined, total = compare_defined(reference, written, case["rtol"], case["atol"])
            except (OSError, ValueError) as e:
                line, undefined, total = f"cannot compare the defined elements: {e}", 0, 0
            res["undefined_elements"] += undefined
            res["all_elements"] += total
            if line:
                res["status"], res["reason"] = "mismatch", line
        if res["status"] != "pass":
            res["reason"] = shorten(res["reason"].replace(str(work), "<work>"), 160)
            return res
    return res


def bench(mocc_run, lib, ds, runs, timeout, extra=(), env=None):
    rc, out, err, secs = run_tool([mocc_run, lib, "--inputs", ds, "--bench", str(runs), *extra], timeout, env)
    res = {"rc": rc, "s": round(secs, 1)}
    dev = DEVICE_RE.search(out)
    if dev:
        res["device"] = dev.group(1).strip()
    m = BENCH_RE.search(out)
    if rc == 0 and m:
        res["median_ms"], res["min_ms"] = float(m.group(1)), float(m.group(2))
    else:
        res["error"] = _first_line(out, err, rc) if rc is not None else f"timed out after {timeout:g} s"
    return res


def run_model(model, work: Path, mocc_run: Path, clock: Clock, args, level) -> dict:
    helpers = _verdict_helpers()
    first_error_line, mismatch_line, shorten = helpers
    res = {"name": model["name"], "status": "pass", "reason": "", "data_sets": len(model["data_sets"])}
    lib = work / model["lib"]
    for ds in model["data_sets"]:
        timeout = min(args.model_timeout, clock.left())
        if timeout < 1:
            res["status"], res["reason"] = "not-run", "the run's deadline passed"
            return res
        rc, out, err, secs = run_tool([mocc_run, lib, "--inputs", work / ds, "--compare", work / ds,
                                       "--rtol", f"{model['rtol']:g}", "--atol", f"{model['atol']:g}"], timeout)
        res["compare_s"] = round(res.get("compare_s", 0) + secs, 1)
        if rc != 0:
            res["status"] = {None: "timeout", 1: "mismatch"}.get(rc, "run-fail")
            res["reason"] = (f"timed out after {timeout:g} s" if rc is None else
                             mismatch_line(out, err) if rc == 1 else first_error_line(out, err, rc))
            res["reason"] = shorten(res["reason"].replace(str(work), "<work>"), 200)
            break
    ds0 = work / model["data_sets"][0]
    if clock.left() > 5:
        res["gpu"] = bench(mocc_run, lib, ds0, args.bench_runs, min(args.model_timeout, clock.left()))
    if model.get("lib_without") and clock.left() > 5:
        res["gpu_without"] = bench(mocc_run, work / model["lib_without"], ds0, args.bench_runs,
                                 min(args.model_timeout, clock.left()))
    # The same with the arena in managed memory rather than the device's own (gpu.h's MOCC_GPU_ARENA).
    if clock.left() > 5:
        res["gpu_managed"] = bench(mocc_run, lib, ds0, args.bench_runs, min(args.model_timeout, clock.left()),
                                   env={**os.environ, "MOCC_GPU_ARENA": "shared"})
    if level and clock.left() > 5:
        res["cpu"] = bench(mocc_run, work / model["cpu"][level], ds0, args.bench_runs,
                           min(args.model_timeout, clock.left()), ("--threads", "0"))
        res["cpu"]["level"] = level
    return res


def run(args) -> int:
    t_start = time.monotonic()
    clock = Clock(args.deadline_s)
    out_dir = args.out.resolve()
    try:
        manifest = json.loads((out_dir / "manifest.json").read_text())
    except (OSError, ValueError) as e:
        print(f"error: {out_dir}/manifest.json: {e} (run prepare first)", file=sys.stderr)
        return 2
    summary_path = (args.summary or out_dir / "summary.md").resolve()
    work = Path(tempfile.mkdtemp(prefix="mocc-device-cuda-run."))
    helpers = _verdict_helpers()
    results = {"started": datetime.datetime.now().isoformat(timespec="seconds"), "host": platform.node(),
               "cpu": cpu_name(), "cores": os.cpu_count(), "python": platform.python_version(),
               "prepared": {k: manifest.get(k) for k in ("created", "git", "mocc_built", "target", "mcpu",
                                                         "onnx_version", "filter", "max_mib")},
               "skipped_at_prepare": manifest.get("skipped", []), "models": [], "cases": [], "setup": []}
    holder = None
    try:
        mocc_run = work / "mocc-run"
        shutil.copy2(out_dir / manifest["mocc_run"], mocc_run)
        mocc_run.chmod(0o755)
        rc, out, err, _ = run_tool([mocc_run, "--help"], 30)
        if rc != 0:
            results["setup"].append(f"mocc-run does not start here: {_first_line(out, err, rc)}")
        t0 = time.monotonic()
        for archive in manifest["archives"]:
            try:
                extract_archive(out_dir / archive, work)
            except (OSError, tarfile.TarError, EOFError) as e:
                results["setup"].append(f"cannot unpack {archive}: {type(e).__name__}: {e}")
        results["unpack_s"] = round(time.monotonic() - t0, 1)
        # The probe in a thread, so that a driver that hangs at init cannot hang the run.
        probe = {}
        thread = threading.Thread(target=lambda: probe.update(r=cuda_probe(hold=not args.no_hold)), daemon=True)
        thread.start()
        thread.join(60)
        results["gpu_probe"], holder = probe.get("r", ({"error": "the driver probe did not return in 60 s"}, None))
        results["nvidia_smi"] = nvidia_smi()
        jobs = args.jobs or os.cpu_count() or 1
        if results["gpu_probe"].get("compute_mode", 0) != 0:
            results["setup"].append(f"the GPU's compute mode is {results['gpu_probe']['compute_mode']} "
                                    "(not default): node tests run one at a time")
            jobs = 1
        results["jobs"] = jobs

        # Models first, one at a time, with the machine otherwise idle.
        level = None
        for model in manifest["models"]:
            if model["status"] != "ready":
                results["models"].append({"name": model["name"], "status": model["status"],
                                          "reason": "at prepare: " + model["reason"]})
                continue
            level = cpu_level(list(model["cpu"]))
            r = run_model(model, work, mocc_run, clock, args, level)
            print(f"model {r['name']}: {r['status']} {r['reason']} gpu={r.get('gpu')} cpu={r.get('cpu')}",
                  flush=True)
            results["models"].append(r)

        # Node tests, in parallel.
        cases = [c for c in manifest["cases"] if c["status"] == "ready"]
        for c in manifest["cases"]:
            if c["status"] != "ready":
                results["cases"].append({"suite": c["suite"], "name": c["name"], "status": c["status"],
                                         "reason": "at prepare: " + c.get("reason", ""), "prepare": True,
                                         "x86_64_expected_failure": c.get("x86_64_expected_failure")})
        t0 = time.monotonic()
        done = {}
        with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(run_node_case, c, work, mocc_run, clock, args.case_timeout, helpers): c
                       for c in cases}
            try:
                for n, fut in enumerate(concurrent.futures.as_completed(futures), 1):
                    c = futures[fut]
                    try:
                        r = fut.result()
                    except Exception as e:  # noqa: BLE001 - a bug here: count it
                        r = {"suite": c["suite"], "name": c["name"], "status": "run-fail",
                             "reason": f"runner error: {type(e).__name__}: {e}"}
                    done[(c["suite"], c["name"])] = r
                    if n % 250 == 0:
                        print(f"  [{n}/{len(cases)}] {time.monotonic() - t0:.0f} s", flush=True)
            except KeyboardInterrupt:
                pool.shutdown(wait=False, cancel_futures=True)
                _runner().kill_children()
                raise
        results["node_tests_s"] = round(time.monotonic() - t0, 1)
        for c in cases:
            r = done[(c["suite"], c["name"])]
            if c.get("undefined_rule"):
                r["undefined_rule"] = c["undefined_rule"]
            if c.get("x86_64_expected_failure"):
                r["x86_64_expected_failure"] = c["x86_64_expected_failure"]
            if c.get("bound_inputs"):
                r["bound_inputs"] = c["bound_inputs"]
            results["cases"].append(r)
        for r in results["cases"]:
            r.setdefault("prepare", False)
    except KeyboardInterrupt:
        _runner().kill_children()
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # noqa: BLE001 - a bug or a broken OUT: still write what was found
        import traceback
        traceback.print_exc()
        _runner().kill_children()
        results["setup"].append(f"the run stopped early: {type(e).__name__}: {e}")
    finally:
        if not args.keep_work:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"work dir kept: {work}")
    results["elapsed_s"] = round(time.monotonic() - t_start, 1)
    order = {s: i for i, s in enumerate(manifest.get("suites", {}))}
    results["cases"].sort(key=lambda r: (order.get(r["suite"], 99), r["name"]))
    text = summary(results, manifest)
    summary_path.parent.mkdir(parents=True, exist_ok=True)
    summary_path.write_text(text)
    json_path = summary_path.with_suffix(".json")
    json_path.write_text(json.dumps(results, indent=1) + "\n")
    print(text)
    print(f"wrote {summary_path} and {json_path}")
    del holder
    return 0


def _ms(b):
    if not b:
        return "-"
    return f"{b['median_ms']:.3f}" if "median_ms" in b else "failed"


def summary(results, manifest) -> str:
    L = []
    probe = results.get("gpu_probe", {})
    bench_devices = sorted({m[k]["device"] for m in results["models"] for k in ("gpu",)
                            if isinstance(m.get(k), dict) and m[k].get("device")})
    prep = results["prepared"]
    L.append(f"# mocc -target={prep['target']}{' -mcpu=' + prep['mcpu'] if prep.get('mcpu') else ''}: "
             "node tests and models on the device\n")
    L.append(f"- run: {results['started']} on {results['host']}, {results['cpu']}, {results['cores']} cores, "
             f"python {results['python']}; {results['elapsed_s']} s (unpack {results.get('unpack_s')} s, "
             f"node tests {results.get('node_tests_s')} s on {results.get('jobs')} jobs)")
    gpu = ", ".join(bench_devices) or probe.get("name") or "none"
    L.append(f"- GPU (mocc-run --bench device=): **{gpu}**")
    if probe.get("name"):
        extra = ", ".join(f"{k} {probe[k]}" for k in ("driver_version", "memory_gib", "cc_major", "cc_minor",
                                                       "sms", "compute_mode") if k in probe)
        L.append(f"- driver probe ({probe.get('driver_path')}): {probe['name']}, {extra}"
                 + ("; primary context held during the run" if probe.get("held") else ""))
    elif probe.get("error"):
        L.append(f"- driver probe ({probe.get('driver_path')}): {probe['error']}")
    if results.get("nvidia_smi"):
        L.append(f"- nvidia-smi: {results['nvidia_smi']}")
    L.append(f"- prepared: {prep['created']}, git {prep['git']}, mocc built {prep.get('mocc_built')}, "
             f"onnx {prep['onnx_version']}"
             + (f", filter `{prep['filter']}`" if prep.get("filter") else ""))
    for s in results["setup"]:
        L.append(f"- **setup problem**: {s}")
    ran = [r for r in results["cases"] if not r.get("prepare") and r["status"] != "not-run"]
    model_runs = [m for m in results["models"] if "reason" in m and not m["reason"].startswith("at prepare")]
    driver_fail = [r for r in ran + model_runs if DRIVER_ERROR in r.get("reason", "")]
    if ran + model_runs and len(driver_fail) == len(ran + model_runs):
        L.append(f"\n**No case ran on a GPU: the CUDA driver could not be loaded.** All {len(driver_fail)} "
                 f"cases that were run failed with: `{driver_fail[0]['reason']}`\n")
    elif driver_fail:
        L.append(f"\n**{len(driver_fail)} cases could not load the CUDA driver**: `{driver_fail[0]['reason']}`\n")

    L.append("\n## Models\n")
    L.append(f"rtol {MODEL_RTOL:g}, atol {MODEL_ATOL:g} (run_model_tests.py's); latency: median of "
             f"`--bench` runs after one warm-up, input test_data_set_0; CPU: all {results['cores']} cores.\n")
    L.append("GPU: the arena in device memory with explicit copies (the default); managed: in managed memory "
             "(MOCC_GPU_ARENA=shared); without: compiled with --disable-pass=mocc-gpu-split-reductions (the "
             "reductions) or mocc-gpu-tile-products (the four real models).\n")
    L.append("| model | result | GPU median ms | GPU min ms | managed median ms | without median ms "
             "| CPU median ms | CPU min ms | CPU -mcpu | GPU speed-up |")
    L.append("|---|---|---:|---:|---:|---:|---:|---:|---|---:|")
    for m in results["models"]:
        g, c, managed = m.get("gpu"), m.get("cpu"), m.get("gpu_managed")
        speed = (f"{c['median_ms'] / g['median_ms']:.2f}x" if g and c and "median_ms" in g and "median_ms" in c
                 and g["median_ms"] > 0 else "-")
        result = m["status"] + (f": {m['reason']}" if m.get("reason") else "")
        L.append(f"| {m['name']} | {result} | {_ms(g)} | {g['min_ms'] if g and 'min_ms' in g else '-'} | "
                 f"{_ms(managed)} | {_ms(m.get('gpu_without'))} | {_ms(c)} | {c['min_ms'] if c and 'min_ms' in c else '-'} | {c['level'] if c else '-'} | {speed} |")
    bench_errors = [(m["name"], k, m[k]["error"]) for m in results["models"] for k in ("gpu", "gpu_managed", "gpu_without", "cpu")
                    if isinstance(m.get(k), dict) and m[k].get("error")]
    for name, k, e in bench_errors:
        L.append(f"\n- {name} {k} bench: {e}")
    if not results["models"]:
        L.append("| (none) | | | | | | | | | |")

    L.append("\n## Node tests\n")
    L.append("Verdicts as test/e2e/conformance/run_node_tests.py's; compile-fail and timeout at prepare are "
             "decided there (mocc for the target), the rest here.\n")
    statuses = ["pass", "mismatch", "run-fail", "timeout", "compile-fail", "not-run"]
    L.append("| suite | applicable | passed | " + " | ".join(statuses[1:]) + " | passed on defined elements only |")
    L.append("|---|---:|---:|" + "---:|" * (len(statuses) - 1) + "---:|")
    by_suite = {}
    for r in results["cases"]:
        by_suite.setdefault(r["suite"], []).append(r)
    for suite, rs in by_suite.items():
        counts = {s: 0 for s in statuses}
        for r in rs:
            counts[r["status"] if r["status"] in counts else "run-fail"] += 1
        undefined = sum(1 for r in rs if r["status"] == "pass" and r.get("undefined_elements"))
        L.append(f"| {suite} | {len(rs)} | {counts['pass']} | " +
                 " | ".join(str(counts[s]) for s in statuses[1:]) + f" | {undefined} |")
    for suite, rs in by_suite.items():
        failed = [r for r in rs if r["status"] != "pass"]
        if not failed:
            continue
        L.append(f"\n### {suite}: {len(failed)} not passed\n")
        groups = {}
        for r in failed:
            groups.setdefault((r["status"], r.get("reason", "")), []).append(r)
        gpu_only = [r for r in failed if not r.get("x86_64_expected_failure")]
        L.append(f"{len(gpu_only)} of them are not listed as failing on x86-64 "
                 f"(test/e2e/conformance/expected_failures_{suite}_x86_64.txt); grouped by first error line, "
                 "names marked * fail on x86-64 too.\n")
        for (status, reason), rs2 in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            names = [r["name"] + ("*" if r.get("x86_64_expected_failure") else "") for r in rs2]
            shown = names if len(names) <= 60 else names[:60] + [f"... and {len(names) - 60} more (see the JSON)"]
            L.append(f"- **{status}** ({len(rs2)}): `{reason}`  \n  {', '.join(shown)}")
    if results["skipped_at_prepare"]:
        L.append("\n## Skipped at prepare\n")
        for s in results["skipped_at_prepare"]:
            L.append(f"- {s['what']}: {s['why']}")
    return "\n".join(L) + "\n"


# --------------------------------------------------------------------------- main


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv=None) -> int:
    # SIGTERM (a timeout's kill) and SIGINT, also where a background launch ignored it, stop the
    # run cleanly: children killed, work dirs removed.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    pp = sub.add_parser("prepare", help="compile here into OUT")
    pp.add_argument("out", type=Path)
    pp.add_argument("--target", choices=("cuda", "x86_64"), default="cuda",
                    help="x86_64: compile for this CPU instead, to check this script without a GPU")
    pp.add_argument("--mcpu", help="-mcpu of the target (default: sm_90 for cuda)")
    pp.add_argument("--suites", default="debian,onnx", help="comma-separated (default: %(default)s)")
    pp.add_argument("--filter", help="regular expression: only the node tests whose name it matches (re.search)")
    pp.add_argument("--models", default=DEFAULT_MODELS, help="comma-separated; empty for none (default: %(default)s)")
    pp.add_argument("--cpu-mcpu", default="x86-64-v3,x86-64-v4",
                    help="the CPU libraries of each model, one per -mcpu; run takes the last the machine "
                         "supports (default: %(default)s)")
    pp.add_argument("--max-mib", type=float, default=60, help="size limit of OUT (default: %(default)s)")
    pp.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1)
    pp.add_argument("--timeout", type=float, default=300, help="seconds per mocc (default: %(default)s)")
    pp.add_argument("--mocc", type=Path, default=REPO / "build" / "bin" / "mocc")
    pp.add_argument("--mocc-run", type=Path, default=REPO / "build" / "bin" / "mocc-run")
    pp.add_argument("--models-dir", type=Path, action="append",
                    help="where --models are (NAME/model.onnx, NAME/test_data_set_*); repeatable "
                         "(default: build/test/e2e/models, and build/gpu-reductions, which "
                         "bench/gpu_reductions.py --write writes)")
    pp.add_argument("--debian-data", type=Path, default=Path("/usr/share/libonnx-testdata/data/node"))
    pp.add_argument("--onnx-cache", type=Path, help="as run_node_tests.py's (default: build/test/e2e/onnx-node-tests)")
    pp.add_argument("--rtol", type=float, default=1e-3, help="node tests (default: ONNX's %(default)g)")
    pp.add_argument("--atol", type=float, default=1e-7, help="node tests (default: ONNX's %(default)g)")
    pp.add_argument("--work-dir", type=Path, help="parent of the staging dir (default: system temp)")
    pp.add_argument("--keep-work", action="store_true")
    pr = sub.add_parser("run", help="run OUT's cases on this machine")
    pr.add_argument("out", type=Path)
    pr.add_argument("--summary", type=Path, help="markdown summary (default: OUT/summary.md); the JSON "
                    "results go beside it (.json)")
    pr.add_argument("--bench-runs", type=int, default=50)
    pr.add_argument("--jobs", "-j", type=int, default=0, help="parallel node tests (default: one per core)")
    pr.add_argument("--case-timeout", type=float, default=60, help="seconds per mocc-run (default: %(default)s)")
    pr.add_argument("--model-timeout", type=float, default=120,
                    help="seconds per model compare or bench (default: %(default)s)")
    pr.add_argument("--deadline-s", type=float, default=360,
                    help="nothing starts after this many seconds; the rest is reported as not run "
                         "(default: %(default)s)")
    pr.add_argument("--no-hold", action="store_true", help="do not hold a CUDA context during the run")
    pr.add_argument("--keep-work", action="store_true", help="keep the unpacked cases")
    args = p.parse_args(argv)
    if args.command == "prepare":
        args.cpu_mcpu = [l for l in args.cpu_mcpu.split(",") if l]
        args.mocc, args.mocc_run = args.mocc.resolve(), args.mocc_run.resolve()
        args.mocc_dir = args.mocc.parent
        args.models_dir = args.models_dir or [REPO / "build" / "test" / "e2e" / "models",
                                              REPO / "build" / "gpu-reductions"]
        return prepare(args)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
