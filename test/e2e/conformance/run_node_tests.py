#!/usr/bin/env python3
"""Runs ONNX backend node tests through mocc and mocc-run for one target.

Run with the project venv's python (stdlib + numpy + onnx only), e.g.:

    .venv/bin/python test/e2e/conformance/run_node_tests.py --suite debian --target x86_64 \\
        --mocc build/bin/mocc --mocc-run build/bin/mocc-run \\
        --expectations test/e2e/conformance/expected_failures_debian_x86_64.txt

    .venv/bin/python test/e2e/conformance/run_node_tests.py --suite onnx --target aarch64 \\
        --mocc build/bin/mocc --mocc-run build/bin/aarch64/mocc-run \\
        --expectations test/e2e/conformance/expected_failures_onnx_aarch64.txt

Suites:
  debian  Debian's libonnx-testdata (ONNX 1.12 node tests with data),
          /usr/share/libonnx-testdata/data/node.
  onnx    The node tests of the installed (pinned) onnx release. Since onnx 1.20
          (onnx/onnx#7959) the wheel no longer ships node-test data and
          `backend-test-tools generate-data` writes only model tests; ONNX's own
          backend runner recreates the node tests in memory from
          onnx.backend.test.case.node via onnx.backend.test.loader. This script
          does the same and writes them to disk in the usual layout (model.onnx,
          test_data_set_0/input_*.pb, output_*.pb), exactly as generate-data used
          to, into a cache dir keyed by the onnx version (numpy seeded with 0, so
          the data is reproducible).

Tests whose model imports the `ai.onnx.preview.training` domain are excluded and counted.

Each test is compiled once (`mocc model.onnx -target=T -o test.so`), then every data set is
run with `mocc-run test.so --inputs DS --compare DS --rtol R --atol A` (defaults are the
ONNX backend runner's: rtol=1e-3, atol=1e-7; the comparison is numpy's assert_allclose,
|out - ref| <= atol + rtol * |ref|, NaN == NaN). For target aarch64 on a non-AArch64 host,
mocc-run (the AArch64 build) runs under `qemu-aarch64 -L /usr/aarch64-linux-gnu`.

If mocc reports that a graph input "must be a compile-time constant" (e.g. Reshape's shape
fed as a graph input), the test is compiled again with `--bind-input=NAME=input_K.pb` for each
such input, using the test's own data; this repeats while mocc names further inputs (it reports
one at a time: Slice's starts, then ends, ...). Data sets whose bound values differ get their
own library. The bound inputs are left out of the inputs given to mocc-run (renumbered),
falling back to all inputs if mocc-run rejects that. Only the names mocc quotes are bound.

Passes are counted in three classes: with no bound input; with bound inputs; and computing
nothing from the inputs (every input bound, no graph input, or `mocc --stats` reports no
kernel), where the constant folder, not the generated code, produced the outputs. The
expectation file lists the passes of the last two classes with tags, so neither grows silently.

Results: pass, compile-fail, run-fail, mismatch, timeout. With --expectations FILE (one
known-failing test per line, `name  # reason`), a test that is not listed but fails is a
regression (exit 1); a listed test that passes is reported as an unexpected pass (exit 0).
--update-expectations rewrites FILE from this run (with --filter, only the selected
tests' entries change).

Exit status: 0 no regression, 1 regressions, 2 usage or setup error (or mocc / mocc-run
changed during the run, e.g. rebuilt: nothing is written then), 77 a prerequisite
is missing (test data, qemu) so the run was skipped.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import fcntl
import hashlib
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from undefined_elements import UndefinedRule

SKIP = 77
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from gpu_probe import vulkan_unavailable  # noqa: E402

REPO = Path(__file__).resolve().parents[3]
DEBIAN_NODE_DIR = Path("/usr/share/libonnx-testdata/data/node")
TRAINING_DOMAIN = "ai.onnx.preview.training"
# ONNX's backend runner defaults (onnx/backend/test/case/node/__init__.py: TestCase(rtol=1e-3, atol=1e-7)).
ONNX_RTOL = 1e-3
ONNX_ATOL = 1e-7
# mocc's error for an operand it needs at compile time, and the graph inputs it names behind it.
CONSTANT_OPERAND = re.compile(r"input \d+ \('([^']*)'\) must be a compile-time constant")
COMPUTED_FROM = re.compile(r"it is computed from graph inputs? ('[^']*'(?:, '[^']*')*)")
REASON_MAX = 110
# Bump when the on-disk layout written by generate_onnx_suite changes.
GENERATOR_VERSION = 1


# --------------------------------------------------------------------------- test discovery


@dataclass
class NodeTest:
    name: str
    dir: Path
    inputs: list[str]  # graph input names (non-initializer), in input_K.pb order
    data_sets: list[Path]
    # The sequence and optional inputs: name -> "sequence" | "optional".
    value_inputs: dict[str, str] = field(default_factory=dict)
    # Set when the ONNX spec leaves some output elements undefined (undefined_elements.py).
    undefined: UndefinedRule | None = None


@dataclass
class Result:
    name: str
    status: str  # pass | compile-fail | run-fail | mismatch | timeout
    reason: str = ""
    bound_inputs: list[str] = field(default_factory=list)
    compile_s: float = 0.0
    run_s: float = 0.0
    # Output elements not compared because the ONNX spec leaves them undefined, of all.
    undefined_elements: int = 0
    all_elements: int = 0
    # Kernels of the (first) compiled library, from `mocc --stats`; for GPU targets, how many of
    # them run on the GPU and how many on the CPU.
    kernels: int | None = None
    gpu_kernels: int | None = None
    cpu_fallback_kernels: int | None = None


def load_suite(root: Path, pattern: re.Pattern | None):
    """Returns (applicable tests, training-domain test names), both sorted, after the filter."""
    import onnx
    from undefined_elements import undefined_rule

    tests, training = [], []
    for d in sorted(p for p in root.iterdir() if p.is_dir()):
        if pattern and not pattern.search(d.name):
            continue
        model_path = d / "model.onnx"
        if not model_path.is_file():
            continue
        model = onnx.load(str(model_path), load_external_data=False)
        if any(o.domain == TRAINING_DOMAIN for o in model.opset_import):
            training.append(d.name)
            continue
        inits = {t.name for t in model.graph.initializer}
        inputs = [i.name for i in model.graph.input if i.name not in inits]
        value_inputs = {
            i.name: i.type.WhichOneof("value")[: -len("_type")]
            for i in model.graph.input
            if i.name not in inits and i.type.WhichOneof("value") in ("sequence_type", "optional_type")
        }
        data_sets = sorted(
            (p for p in d.iterdir() if p.is_dir() and p.name.startswith("test_data_set_")),
            key=lambda p: int(p.name.rsplit("_", 1)[1]),
        )
        tests.append(NodeTest(d.name, d, inputs, data_sets, value_inputs, undefined_rule(model)))
    return tests, training


def _write_value(path: Path, value, vi) -> None:
    """Serializes one test input/output exactly as onnx's former generate-data did."""
    from onnx import TensorProto, numpy_helper

    if vi.type.HasField("map_type"):
        proto = numpy_helper.from_dict(value, vi.name)
    elif vi.type.HasField("sequence_type"):
        proto = numpy_helper.from_list(value, vi.name)
    elif vi.type.HasField("optional_type"):
        proto = numpy_helper.from_optional(value, vi.name)
    elif isinstance(value, TensorProto):
        proto = value
    else:
        proto = numpy_helper.from_array(value, vi.name)
    path.write_bytes(proto.SerializeToString())


def oracle_versions() -> str:
    """Every package of this Python environment, one `name==version` a line: the node tests'
    data is computed by onnx with numpy, ml_dtypes, protobuf, ..., so any of them can change it."""
    from importlib import metadata

    names: dict[str, str] = {}
    for dist in metadata.distributions():  # in sys.path order: the first one is imported
        names.setdefault((dist.metadata["Name"] or "").lower(), dist.version)
    return "".join(f"{n}=={v}\n" for n, v in sorted(names.items()) if n)


def generate_onnx_suite(cache: Path) -> Path:
    """Writes the installed onnx release's node tests under cache/node (once; locked, atomic).

    The stamp records the generator and the versions of every package that computed the data;
    when any of them changes, the data is written again and the change is printed."""
    import numpy as np
    import onnx

    stamp_text = f"generator {GENERATOR_VERSION}\n{oracle_versions()}"
    cache.mkdir(parents=True, exist_ok=True)
    node_dir = cache / "node"
    stamp = cache / "stamp.txt"
    with open(cache / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        old_stamp = stamp.read_text() if stamp.is_file() else ""
        if old_stamp == stamp_text and node_dir.is_dir():
            return node_dir
        if old_stamp:
            old, new = set(old_stamp.splitlines()), set(stamp_text.splitlines())
            print(f"the test oracle changed ({', '.join(sorted(old - new))} -> "
                  f"{', '.join(sorted(new - old))}): regenerating the node tests", flush=True)
        print(f"generating the node tests of onnx {onnx.__version__} into {node_dir} ...", flush=True)
        t0 = time.time()
        np.random.seed(0)
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from onnx.backend.test.loader import load_model_tests

            cases = load_model_tests(kind="node")
        tmp = Path(tempfile.mkdtemp(prefix="node.", dir=cache))
        for case in cases:
            out = tmp / case.name
            out.mkdir()
            (out / "model.onnx").write_bytes(case.model.SerializeToString())
            graph = case.model.graph
            for i, (inputs, outputs) in enumerate(case.data_sets):
                ds = out / f"test_data_set_{i}"
                ds.mkdir()
                for j, value in enumerate(inputs):
                    _write_value(ds / f"input_{j}.pb", value, graph.input[j])
                for j, value in enumerate(outputs):
                    _write_value(ds / f"output_{j}.pb", value, graph.output[j])
        if stamp.exists():
            stamp.unlink()
        if node_dir.exists():
            shutil.rmtree(node_dir)
        tmp.rename(node_dir)
        stamp.write_text(stamp_text)
        print(f"  {len(cases)} node tests written in {time.time() - t0:.1f} s", flush=True)
        return node_dir


# --------------------------------------------------------------------------- running tools

_children_lock = threading.Lock()
_children: set[subprocess.Popen] = set()


def run_tool(cmd: list, timeout: float, env: dict | None = None) -> tuple[int | None, str, str, float]:
    """Runs cmd in its own process group; returns (rc or None on timeout, stdout, stderr, seconds).
    A command that cannot start returns 127 (bench/device_cuda.py runs what it was carried)."""
    t0 = time.monotonic()
    try:
        proc = subprocess.Popen(
            [str(c) for c in cmd], stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
            text=True, errors="replace", start_new_session=True, env=env,
        )
    except OSError as e:
        return 127, "", f"error: cannot run {cmd[0]}: {e}", 0.0
    with _children_lock:
        _children.add(proc)
    try:
        out, err = proc.communicate(timeout=timeout)
        rc: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        _kill(proc)
        out, err = proc.communicate()
        rc = None
    finally:
        with _children_lock:
            _children.discard(proc)
    return rc, out, err, time.monotonic() - t0


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def kill_children() -> None:
    with _children_lock:
        for proc in list(_children):
            _kill(proc)


def shorten(text: str, limit: int = REASON_MAX) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def first_error_line(out: str, err: str, rc: int | None) -> str:
    if rc is not None and rc < 0:
        try:
            return f"crashed: killed by {signal.Signals(-rc).name}"
        except ValueError:
            return f"crashed: killed by signal {-rc}"
    lines = [l.strip() for l in (err + "\n" + out).splitlines() if l.strip()]
    for l in lines:
        if "error" in l.lower():
            return l
    if lines:
        return lines[0]
    return f"exit status {rc}"


def mismatch_line(out: str, err: str) -> str:
    lines = [l.strip() for l in (out + "\n" + err).splitlines() if l.strip()]
    for l in lines:
        if re.search(r"mismatch|differ|worst|max.*err", l, re.I):
            return l
    return lines[-1] if lines else "outputs differ"


# --------------------------------------------------------------------------- one test


@dataclass
class Config:
    target: str
    mocc: list[str]
    mocc_run: list[str]
    mocc_flags: list[str]
    rtol: float
    atol: float
    timeout: float
    work: Path
    keep: bool
    # Target cuda: the libraries are compiled, not run, and ptxas checks their PTX for each arch.
    ptxas: str | None = None
    ptx_archs: tuple[str, ...] = ("sm_80", "sm_90")


def constant_inputs(err: str, test: NodeTest) -> list[str]:
    """The graph inputs mocc names as needing a compile-time value, in the order named.

    mocc's message (lib/Importer/NodeContext.cpp) quotes the operand and, where the operand is
    computed, the graph inputs behind it:
        input K ('NAME') must be a compile-time constant ...; it is computed from graph input(s) 'A', 'B'
    Only those quoted names count: a graph input named like a word of the message (`input`,
    `shape`) is not bound unless it is quoted there."""
    names = []
    for line in err.splitlines():
        operand = CONSTANT_OPERAND.search(line)
        if not operand:
            continue
        candidates = [operand.group(1)]
        behind = COMPUTED_FROM.search(line, operand.end())
        if behind:
            candidates += re.findall(r"'([^']*)'", behind.group(1))
        names += [n for n in candidates if n in test.inputs and n not in names]
    return names


def _bound_value(ds: Path, test: NodeTest, name: str) -> bytes:
    return (ds / f"input_{test.inputs.index(name)}.pb").read_bytes()


def _dims(tensor) -> str:
    return "x".join(str(d) for d in tensor.dims) or "()"  # mocc's scalar


def value_shapes(ds: Path, test: NodeTest) -> list[str]:
    """--input-shape flags for the sequence and optional inputs, from the data set's values.

    mocc compiles a sequence as its tensors, so its length (and here its elements' shapes) is
    fixed at compile time, and whether an optional input is present."""
    from onnx import OptionalProto, SequenceProto

    flags = []
    for name, kind in test.value_inputs.items():
        data = _bound_value(ds, test, name)
        proto = SequenceProto() if kind == "sequence" else OptionalProto()
        proto.ParseFromString(data)
        if kind == "optional":
            if proto.HasField("tensor_value"):
                flags.append(f"--input-shape={name}={_dims(proto.tensor_value)}")
                continue
            if not proto.HasField("sequence_value"):
                flags.append(f"--input-shape={name}=none")
                continue
            proto = proto.sequence_value
        shapes = ",".join(_dims(t) for t in proto.tensor_values)
        flags.append(f"--input-shape={name}=[{shapes}]")
    return flags


def run_test(test: NodeTest, cfg: Config) -> Result:
    tdir = Path(tempfile.mkdtemp(prefix=test.name + ".", dir=cfg.work))
    try:
        res = _run_test(test, cfg, tdir)
        # Keep reasons stable from run to run (they go into the expectation files).
        for path, name in ((tdir, "<tmp>"), (cfg.work, "<work>"), (test.dir, "<test>")):
            res.reason = res.reason.replace(str(path), name)
        return res
    finally:
        if not cfg.keep:
            shutil.rmtree(tdir, ignore_errors=True)


def _compile(test: NodeTest, cfg: Config, so: Path, binds: list[tuple[str, Path]], ds: Path):
    cmd = [*cfg.mocc, str(test.dir / "model.onnx"), f"-target={cfg.target}", "-o", str(so), "--stats",
           *cfg.mocc_flags]
    if cfg.target == "cuda":
        cmd.append(f"--gpu-kernels-dir={so}.kernels")
    cmd += value_shapes(ds, test)
    for name, path in binds:
        cmd.append(f"--bind-input={name}={path}")
    return run_tool(cmd, cfg.timeout)


def _check_ptx(res: Result, cfg: Config, kernels: Path) -> Result:
    """Target cuda: ptxas assembles every kernel's PTX for each architecture, or the test fails."""
    for ptx in sorted(kernels.glob("*.ptx")):
        for arch in cfg.ptx_archs:
            rc, out, err, secs = run_tool([cfg.ptxas, f"-arch={arch}", str(ptx), "-o", os.devnull], cfg.timeout)
            res.compile_s += secs
            if rc != 0:
                res.status = "compile-fail"
                res.reason = f"ptxas -arch={arch} {ptx.name}: " + first_error_line(out, err, rc)
                return res
    return res


def _run_test(test: NodeTest, cfg: Config, tdir: Path) -> Result:
    res = Result(test.name, "pass")
    if not test.data_sets:
        res.status, res.reason = "run-fail", "no test_data_set_* directory"
        return res

    def binds_for(ds: Path) -> list[tuple[str, Path]]:
        return [(n, ds / f"input_{test.inputs.index(n)}.pb") for n in res.bound_inputs]

    def compile_failure(rc, out, err) -> bool:
        if rc is None:
            res.status, res.reason = "timeout", f"mocc timed out after {cfg.timeout:g} s"
        else:
            res.status = "compile-fail"
            res.reason = first_error_line(out, err, rc) if rc != 0 else "mocc exited 0 but wrote no library"
        return True

    # Compile; while mocc names graph inputs that must be compile-time constants, bind them to
    # the first data set's values and compile again (mocc reports one such input at a time).
    first = test.data_sets[0]
    so = tdir / "model.so"
    rc, out, err, secs = _compile(test, cfg, so, [], first)
    res.compile_s += secs
    while rc is not None and (rc != 0 or not so.is_file()):
        new = [n for n in constant_inputs(err + "\n" + out, test) if n not in res.bound_inputs] if rc else []
        if not new:
            break
        res.bound_inputs += new
        so = tdir / f"model.bound{len(res.bound_inputs)}.so"
        rc, out, err, secs = _compile(test, cfg, so, binds_for(first), first)
        res.compile_s += secs
    if rc != 0 or not so.is_file():
        compile_failure(rc, out, err)
        return res
    stats = json.loads(out)
    res.kernels = stats["kernels"]
    res.gpu_kernels = stats.get("gpu_kernels")
    res.cpu_fallback_kernels = stats.get("cpu_fallback_kernels")
    if cfg.target == "cuda":
        return _check_ptx(res, cfg, Path(f"{so}.kernels"))

    # Data sets whose bound inputs hold other values than the first one's, or whose sequences
    # have other shapes, need their own library.
    def key(ds: Path) -> bytes:
        bound = b"".join(hashlib.sha256(_bound_value(ds, test, n)).digest() for n in res.bound_inputs)
        return bound + "\n".join(value_shapes(ds, test)).encode()

    libraries = {key(first): so}
    for ds in test.data_sets:
        k = key(ds)
        if k not in libraries:
            lib = tdir / f"model.{ds.name}.so"
            rc, out, err, secs = _compile(test, cfg, lib, binds_for(ds), ds)
            res.compile_s += secs
            if rc != 0 or not lib.is_file():
                compile_failure(rc, out, err)
                return res
            libraries[k] = lib
        lib = libraries[k]
        inputs_dirs = [ds]
        if res.bound_inputs:
            # The bound inputs are no longer inputs of the library: give it the others, renumbered.
            free = tdir / f"inputs.{ds.name}"
            free.mkdir()
            k_free = 0
            for j, name in enumerate(test.inputs):
                if name not in res.bound_inputs:
                    os.symlink(ds / f"input_{j}.pb", free / f"input_{k_free}.pb")
                    k_free += 1
            inputs_dirs = [free, ds]
        # Where the spec leaves elements undefined, mocc-run writes the outputs and the
        # defined elements are compared here.
        written = tdir / f"outputs.{ds.name}"
        if test.undefined:
            written.mkdir()
            check = ["--write-outputs", str(written)]
        else:
            check = ["--compare", str(ds), "--rtol", f"{cfg.rtol:g}", "--atol", f"{cfg.atol:g}"]
        for attempt, inputs_dir in enumerate(inputs_dirs):
            cmd = [*cfg.mocc_run, str(lib), "--inputs", str(inputs_dir), *check]
            rc, out, err, secs = run_tool(cmd, cfg.timeout)
            res.run_s += secs
            if rc == 2 and attempt + 1 < len(inputs_dirs):
                continue  # the library kept the bound inputs: give it all of them
            break
        if rc is None:
            res.status, res.reason = "timeout", f"mocc-run timed out after {cfg.timeout:g} s"
            return res
        if rc == 1:
            res.status, res.reason = "mismatch", mismatch_line(out, err)
            return res
        if rc != 0:
            res.status, res.reason = "run-fail", first_error_line(out, err, rc)
            return res
        if test.undefined:
            mismatch = compare_defined(test, ds, written, cfg, res)
            if mismatch:
                res.status, res.reason = "mismatch", mismatch
                return res
    return res


def _read_tensors(directory: Path, prefix: str) -> list:
    import onnx
    from onnx import numpy_helper

    arrays = []
    for path in sorted(directory.glob(f"{prefix}_*.pb"), key=lambda p: int(p.stem.split("_")[1])):
        proto = onnx.TensorProto()
        proto.ParseFromString(path.read_bytes())
        arrays.append(numpy_helper.to_array(proto))
    return arrays


def compare_defined(test: NodeTest, ds: Path, written: Path, cfg: Config, res: Result) -> str:
    """Compares mocc's outputs with the reference on the elements the spec defines, as
    mocc-run --compare does (|out - ref| <= atol + rtol * |ref|, NaN == NaN); counts the
    others in res. Returns a mismatch line, or "" when they match."""
    import numpy as np

    expected, actual = _read_tensors(ds, "output"), _read_tensors(written, "output")
    if len(expected) != len(actual):
        return f"mocc-run wrote {len(actual)} outputs, the reference has {len(expected)}"
    masks = test.undefined.defined(_read_tensors(ds, "input"))
    for i, (ref, out, mask) in enumerate(zip(expected, actual, masks)):
        if ref.shape != out.shape:
            return f"output {i}: shape {list(out.shape)}, expected {list(ref.shape)}"
        ref, out = ref.astype(np.float64), out.astype(np.float64)
        if mask is None:
            mask = np.ones(ref.shape, dtype=bool)
        res.all_elements += ref.size
        res.undefined_elements += int(ref.size - np.count_nonzero(mask))
        close = np.isclose(out, ref, rtol=cfg.rtol, atol=cfg.atol, equal_nan=True)
        bad = np.count_nonzero(mask & ~close)
        if bad:
            return f"output {i}: {bad} of {np.count_nonzero(mask)} defined elements differ"
    return ""


# --------------------------------------------------------------------------- expectations


# The reasons of expectation entries that are no failure, each a tag and its details, joined by
# "; ": a passing test that needed graph inputs bound as constants, one whose library computes
# nothing from its inputs (the constant folder did the work), and one compared only on the output
# elements the ONNX spec defines. Listing them keeps each count from growing silently.
BOUND_TAG = "bound:"
NOTHING_TAG = "computes nothing:"
UNDEFINED_TAG = "undefined:"
PASS_TAGS = (BOUND_TAG, NOTHING_TAG, UNDEFINED_TAG)
# How much of a test the compiled code exercised, best first.
FREE, BOUND, NOTHING = "no bound input", "with bound inputs", "computing nothing from its inputs"
PASS_CLASSES = (FREE, BOUND, NOTHING)


def undefined_note(res: Result, rule) -> str:
    return (f"{UNDEFINED_TAG} {res.undefined_elements} of {res.all_elements} elements not compared "
            f"({rule.name})")


def pass_notes(test: NodeTest, res: Result) -> dict[str, str]:
    """The tags of a passing test's expectation entry (none for a pass with nothing bound)."""
    notes = {}
    bound = ", ".join(res.bound_inputs)
    if not test.inputs:
        notes[NOTHING_TAG] = f"{NOTHING_TAG} no graph input"
    elif res.kernels == 0:
        notes[NOTHING_TAG] = f"{NOTHING_TAG} no kernel" + (f" (bound: {bound})" if bound else "")
    elif len(res.bound_inputs) == len(test.inputs):
        notes[NOTHING_TAG] = f"{NOTHING_TAG} every input bound ({bound})"
    elif bound:
        notes[BOUND_TAG] = f"{BOUND_TAG} {bound}"
    if res.undefined_elements:
        notes[UNDEFINED_TAG] = undefined_note(res, test.undefined)
    return notes


def listed_pass_notes(reason: str) -> dict[str, str] | None:
    """The tags of an expectation entry for a passing test; None for a known failure."""
    parts = reason.split("; ")
    if not all(part.startswith(PASS_TAGS) for part in parts):
        return None
    return {next(t for t in PASS_TAGS if part.startswith(t)): part for part in parts}


def pass_class(notes: dict[str, str]) -> str:
    return NOTHING if NOTHING_TAG in notes else BOUND if BOUND_TAG in notes else FREE


def bound_names(notes: dict[str, str]) -> set[str]:
    note = notes.get(BOUND_TAG, "")
    return set(note[len(BOUND_TAG):].strip().split(", ")) - {""}


def compare_pass(now: dict[str, str], listed: dict[str, str]) -> tuple[str, str]:
    """(regression, improvement) of a passing test against its entry: what got worse or better."""
    worse = better = ""
    rank_now, rank_listed = PASS_CLASSES.index(pass_class(now)), PASS_CLASSES.index(pass_class(listed))
    if rank_now > rank_listed or (rank_now == rank_listed and bound_names(now) - bound_names(listed)):
        worse = f"now {now.get(NOTHING_TAG) or now.get(BOUND_TAG)}"
    elif rank_now < rank_listed or bound_names(listed) - bound_names(now):
        better = f"was {listed.get(NOTHING_TAG) or listed.get(BOUND_TAG)}"
    if UNDEFINED_TAG in now and UNDEFINED_TAG not in listed:
        worse = "; ".join(filter(None, [worse, f"{now[UNDEFINED_TAG]}, not listed as such"]))
    elif UNDEFINED_TAG in listed and UNDEFINED_TAG not in now:
        better = "; ".join(filter(None, [better, f"compared on every element, was {listed[UNDEFINED_TAG]}"]))
    return worse, better


def read_expectations(path: Path) -> dict[str, str]:
    entries = {}
    for line in path.read_text().splitlines():
        body = line.split("#", 1)
        name = body[0].strip()
        if not name:
            continue
        entries[name] = body[1].strip() if len(body) > 1 else ""
    return entries


def write_expectations(path: Path, entries: dict[str, str], suite: str, target: str) -> None:
    rel = lambda p: os.path.relpath(p, REPO) if str(p).startswith(str(REPO)) else str(p)
    tool_bin = "build/bin/aarch64/mocc-run" if target == "aarch64" else "build/bin/mocc-run"
    header = [
        f"# Known failures of the ONNX node tests, suite '{suite}', target {target}: one test a line,",
        "# `name  # reason` (the first error line, shortened). A failing test not listed here is a",
        "# regression; a listed test that passes is reported as an unexpected pass. Entries whose",
        "# reason is made of tags are passing tests: `bound:` needed those graph inputs bound as",
        "# constants, `computes nothing:` compiled to a library that computes nothing from its inputs,",
        f"# `{UNDEFINED_TAG}` compared only on the output elements the ONNX spec defines",
        "# (undefined_elements.py). A pass that needs more than its entry lists is a regression.",
        "# Regenerate (sorted, whole file) from a run of the suite with:",
        f"#   .venv/bin/python test/e2e/conformance/run_node_tests.py --suite {suite} --target {target} \\",
        f"#     --mocc build/bin/mocc --mocc-run {tool_bin} \\",
        f"#     --expectations {rel(path.resolve())} --update-expectations",
        "# or all four lists at once: cmake --build build --target update-conformance-expectations",
    ]
    lines = [f"{n}  # {r}" if r else n for n, r in sorted(entries.items())]
    path.write_text("\n".join(header + lines) + "\n")


# --------------------------------------------------------------------------- main


def host_is_aarch64() -> bool:
    return platform.machine().lower() in ("aarch64", "arm64")


def default_target() -> str:
    return "aarch64" if host_is_aarch64() else "x86_64"


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--suite", choices=("debian", "onnx"), required=True)
    p.add_argument("--target", choices=("x86_64", "aarch64", "vulkan", "cuda"), default=default_target(),
                   help="cuda compiles only, and checks the PTX with --ptxas for sm_80 and sm_90")
    p.add_argument("--ptxas", default="/usr/local/cuda/bin/ptxas", help="default: %(default)s")
    p.add_argument("--mocc", help="mocc executable (default: build/bin/mocc)")
    p.add_argument("--mocc-run", help="mocc-run for the target (default: build/bin/mocc-run, "
                   "build/bin/aarch64/mocc-run for aarch64)")
    p.add_argument("--mocc-flag", action="append", default=[],
                   help="extra mocc option, repeatable (e.g. --mocc-flag=-O0)")
    p.add_argument("--qemu", default="qemu-aarch64", help="user-mode qemu for aarch64 (default: %(default)s)")
    p.add_argument("--qemu-ld-prefix", default="/usr/aarch64-linux-gnu", help="qemu -L (default: %(default)s)")
    p.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1)
    p.add_argument("--filter", help="regular expression; only tests whose name it matches (re.search)")
    p.add_argument("--expectations", type=Path, help="known-failures file")
    p.add_argument("--update-expectations", action="store_true", help="rewrite --expectations from this run")
    p.add_argument("--report", type=Path, help="write a JSON report here")
    p.add_argument("--timeout", type=float, default=300, help="seconds per mocc / mocc-run step (default: %(default)s)")
    p.add_argument("--rtol", type=float, default=ONNX_RTOL, help="default: ONNX backend's %(default)g")
    p.add_argument("--atol", type=float, default=ONNX_ATOL, help="default: ONNX backend's %(default)g")
    p.add_argument("--debian-data", type=Path, default=DEBIAN_NODE_DIR)
    p.add_argument("--onnx-cache", type=Path,
                   help="where the onnx suite is written, regenerated when the onnx version changes (default: "
                   "<build>/test/e2e/onnx-node-tests, <build> being the parent of mocc's bin directory)")
    p.add_argument("--generate-only", action="store_true", help="only write the onnx suite's data, then exit")
    p.add_argument("--list", action="store_true", help="list the selected tests and exit")
    p.add_argument("--work-dir", type=Path, help="parent of the temporary work dir (default: system temp)")
    p.add_argument("--keep-work", action="store_true", help="keep the work dir (compiled libraries)")
    p.add_argument("-v", "--verbose", action="store_true", help="print every test's result")
    args = p.parse_args(argv)
    if args.update_expectations and not args.expectations:
        p.error("--update-expectations needs --expectations FILE")
    return args


def resolve_tool(path: str | None, default: Path) -> Path:
    return Path(path).resolve() if path else default


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        import numpy  # noqa: F401
        import onnx
    except ImportError as e:
        print(f"SKIP: {e} (run with the project venv, see scripts/install-deps.sh)")
        return SKIP

    mocc = resolve_tool(args.mocc, REPO / "build" / "bin" / "mocc")
    run_default = REPO / "build" / "bin" / ("aarch64/mocc-run" if args.target == "aarch64" else "mocc-run")
    mocc_run = resolve_tool(args.mocc_run, run_default)

    if args.suite == "debian":
        root = args.debian_data
        if not root.is_dir():
            print(f"SKIP: {root} not found (Debian package libonnx-testdata)")
            return SKIP
    else:
        cache = args.onnx_cache or mocc.parent.parent / "test" / "e2e" / "onnx-node-tests"
        root = generate_onnx_suite(cache.resolve())
        if args.generate_only:
            return 0

    pattern = re.compile(args.filter) if args.filter else None
    tests, training = load_suite(root, pattern)
    if args.list:
        for t in tests:
            print(t.name)
        print(f"{len(tests)} applicable, {len(training)} training excluded: {' '.join(training)}")
        return 0

    for tool in (mocc, mocc_run):
        if not (tool.is_file() and os.access(tool, os.X_OK)):
            print(f"error: {tool} not found or not executable", file=sys.stderr)
            return 2
    run_prefix: list[str] = []
    if args.target == "aarch64" and not host_is_aarch64():
        qemu = shutil.which(args.qemu)
        if not qemu:
            print(f"SKIP: {args.qemu} not found (Debian package qemu-user)")
            return SKIP
        if not Path(args.qemu_ld_prefix).is_dir():
            print(f"SKIP: {args.qemu_ld_prefix} not found (Debian package libc6-dev-arm64-cross)")
            return SKIP
        run_prefix = [qemu, "-L", args.qemu_ld_prefix]
    elif args.target == "x86_64" and host_is_aarch64():
        print("SKIP: x86_64 libraries cannot run on this AArch64 host")
        return SKIP
    elif args.target == "vulkan":
        missing = vulkan_unavailable(mocc, [str(mocc_run)])
        if missing:
            print(f"SKIP: {missing}")
            return SKIP
    elif args.target == "cuda" and not os.access(args.ptxas, os.X_OK):
        print(f"SKIP: {args.ptxas} not found (the CUDA toolkit)")
        return SKIP

    expectations: dict[str, str] = {}
    if args.expectations:
        if args.expectations.is_file():
            expectations = read_expectations(args.expectations)
        elif not args.update_expectations:
            print(f"warning: {args.expectations} does not exist; every test is expected to pass")

    work_parent = args.work_dir
    if work_parent:
        work_parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"mocc-conformance-{args.suite}-{args.target}.", dir=work_parent))
    cfg = Config(args.target, [str(mocc)], [*run_prefix, str(mocc_run)], args.mocc_flag,
                 args.rtol, args.atol, args.timeout, work, args.keep_work, ptxas=args.ptxas)

    print(f"conformance {args.suite} {args.target}: {len(tests)} tests from {root}, "
          f"{args.jobs} jobs, rtol={args.rtol:g} atol={args.atol:g}", flush=True)
    if training:
        print(f"  {len(training)} training-domain tests excluded ({TRAINING_DOMAIN}): {' '.join(training)}",
              flush=True)
    def tool_stamp():
        out = []
        for tool in (mocc, mocc_run):
            try:
                st = tool.stat()
                out.append((st.st_mtime_ns, st.st_size))
            except OSError:
                out.append(None)
        return out

    tools_at_start = tool_stamp()
    t0 = time.time()
    results: dict[str, Result] = {}
    interrupted = False
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs))
    try:
        futures = {pool.submit(run_test, t, cfg): t for t in tests}
        for n, fut in enumerate(concurrent.futures.as_completed(futures), 1):
            t = futures[fut]
            try:
                r = fut.result()
            except Exception as e:  # a bug in this script or an unreadable test: count it as a failure
                r = Result(t.name, "run-fail", f"runner error: {type(e).__name__}: {e}")
            r.reason = shorten(r.reason)
            results[t.name] = r
            if args.verbose or (r.status != "pass" and t.name not in expectations and args.expectations):
                extra = f" (bound: {', '.join(r.bound_inputs)})" if r.bound_inputs else ""
                print(f"  [{n}/{len(tests)}] {t.name}: {r.status}{extra}"
                      + (f": {r.reason}" if r.reason else ""), flush=True)
            elif n % 100 == 0:
                print(f"  [{n}/{len(tests)}] {time.time() - t0:.0f} s", flush=True)
    except KeyboardInterrupt:
        interrupted = True
        pool.shutdown(wait=False, cancel_futures=True)
        kill_children()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        if not args.keep_work:
            shutil.rmtree(work, ignore_errors=True)
    if interrupted:
        print("interrupted", file=sys.stderr)
        return 130
    elapsed = time.time() - t0
    if tool_stamp() != tools_at_start:
        print(f"error: {mocc} or {mocc_run} changed during the run (rebuilt?): the results are not "
              "reliable; expectations not updated, run again", file=sys.stderr)
        return 2

    ordered = [results[t.name] for t in tests]
    passed = [r for r in ordered if r.status == "pass"]
    failed = [r for r in ordered if r.status != "pass"]
    by_status: dict[str, int] = {}
    for r in failed:
        by_status[r.status] = by_status.get(r.status, 0) + 1

    tests_by_name = {t.name: t for t in tests}
    notes = {r.name: pass_notes(tests_by_name[r.name], r) for r in passed}
    classes = {c: [r for r in passed if pass_class(notes[r.name]) == c] for c in PASS_CLASSES}
    undefined_passes = [r for r in passed if UNDEFINED_TAG in notes[r.name]]
    listed_passes = {n: tags for n, why in expectations.items() if (tags := listed_pass_notes(why)) is not None}
    regressions: dict[str, str] = {}  # name -> what went wrong
    unexpected: list[str] = []  # listed as failing, now passing
    improved: dict[str, str] = {}  # passing, now with less bound or compared on more elements
    if args.expectations:
        for r in failed:
            if r.name not in expectations or r.name in listed_passes:
                regressions[r.name] = f"{r.status}: {r.reason}"
        for r in passed:
            if r.name in expectations and r.name not in listed_passes:
                unexpected.append(r.name)
                continue
            worse, better = compare_pass(notes[r.name], listed_passes.get(r.name, {}))
            if worse:
                regressions[r.name] = f"pass, {worse}"
            if better:
                improved[r.name] = better
    selected = {t.name for t in tests} | set(training)
    stale = sorted(n for n in expectations if n not in selected and (pattern is None or pattern.search(n)))

    if args.expectations:
        if regressions:
            print(f"\nREGRESSIONS ({len(regressions)}): worse than {args.expectations} lists")
            for name, why in regressions.items():
                print(f"  {name}: {why}")
        if unexpected:
            print(f"\nunexpected passes ({len(unexpected)}): listed in {args.expectations}, now passing")
            for name in unexpected:
                print(f"  {name}")
        if improved:
            print(f"\nbetter than listed ({len(improved)}): passing with less bound or on more elements")
            for name, why in improved.items():
                print(f"  {name}: {why}")
        if stale:
            print(f"\nstale entries ({len(stale)}): listed in {args.expectations} but not in the suite")
            for n in stale:
                print(f"  {n}")

    breakdown = ", ".join(f"{k} {v}" for k, v in sorted(by_status.items()))
    print(f"\n  failures by kind: {breakdown or 'none'}; {elapsed:.0f} s")
    if args.filter:
        print(f"  filter: {args.filter!r}")
    counts = ", ".join(f"{len(classes[c])} {c}" for c in PASS_CLASSES)
    if undefined_passes:
        counts += (f"; {len(undefined_passes)} compared only on the elements ONNX defines: "
                   f"{sum(r.undefined_elements for r in passed)} undefined elements not compared")
    print(f"conformance {args.suite} {args.target}: {len(passed)} passed ({counts}), {len(failed)} failed "
          f"({len(tests)} applicable, {len(training)} training excluded)", flush=True)
    if any(r.gpu_kernels is not None for r in passed):
        # A pass whose kernels all ran on the CPU tests the fallback, not the GPU lowering.
        free = classes[FREE]
        on_gpu = sum(1 for r in free if r.gpu_kernels and not r.cpu_fallback_kernels)
        mixed = sum(1 for r in free if r.gpu_kernels and r.cpu_fallback_kernels)
        print(f"  of the {len(free)} passes with no bound input: {on_gpu} ran every kernel on the GPU, "
              f"{mixed} some, {len(free) - on_gpu - mixed} none", flush=True)

    if args.update_expectations:
        new = {n: r for n, r in expectations.items()
               if n not in selected and not (pattern is None or pattern.search(n))}
        for r in failed:
            new[r.name] = f"{r.status}: {re.sub(r'^mocc(-run)?: error: ', '', r.reason)}"
        new.update({name: "; ".join(tags.values()) for name, tags in notes.items() if tags})
        args.expectations.parent.mkdir(parents=True, exist_ok=True)
        write_expectations(args.expectations, new, args.suite, args.target)
        print(f"wrote {args.expectations} ({len(failed)} known failures, "
              f"{sum(1 for tags in notes.values() if tags)} passes with tags)")

    if args.report:
        report = {
            "suite": args.suite,
            "target": args.target,
            "data": str(root),
            "onnx_version": onnx.__version__,
            "mocc": str(mocc),
            "mocc_run": " ".join(cfg.mocc_run),
            "mocc_flags": args.mocc_flag,
            "rtol": args.rtol,
            "atol": args.atol,
            "filter": args.filter,
            "elapsed_s": round(elapsed, 1),
            "summary": {
                "passed": len(passed),
                "failed": len(failed),
                "applicable": len(tests),
                "training_excluded": len(training),
                "passed_with_no_bound_input": len(classes[FREE]),
                "passed_with_bound_inputs": len(classes[BOUND]),
                "passed_computing_nothing": len(classes[NOTHING]),
                "passed_on_defined_elements": len(undefined_passes),
                "failures_by_kind": by_status,
            },
            "training_excluded": training,
            "regressions": list(regressions),
            "unexpected_passes": unexpected,
            "better_than_listed": list(improved),
            "stale_expectations": stale,
            "tests": [
                {"name": r.name, "status": r.status, "reason": r.reason, "bound_inputs": r.bound_inputs,
                 "kernels": r.kernels, "gpu_kernels": r.gpu_kernels,
                 "cpu_fallback_kernels": r.cpu_fallback_kernels,
                 "compile_s": round(r.compile_s, 3), "run_s": round(r.run_s, 3),
                 "undefined_elements": r.undefined_elements}
                for r in ordered
            ],
        }
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(json.dumps(report, indent=1) + "\n")

    if regressions and not args.update_expectations:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
