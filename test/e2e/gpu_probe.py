"""Whether models compiled for a GPU target can run on this machine (imported by the e2e runners)."""
from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path


def vulkan_unavailable(mocc: Path, mocc_run: list[str]) -> str | None:
    """Why a model compiled with -target=vulkan cannot run here (no loader, no device), or None.

    Compiles and runs a one-node model: the same path the suites take, so a missing driver is a
    skip, not hundreds of failures."""
    from onnx import TensorProto, helper
    with tempfile.TemporaryDirectory(prefix="mocc-vulkan-probe.") as tmp:
        path = Path(tmp)
        x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [4])
        y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [4])
        graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "probe", [x], [y])
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
        model.ir_version = 8
        (path / "model.onnx").write_bytes(model.SerializeToString())
        (path / "input_0.pb").write_bytes(
            helper.make_tensor("x", TensorProto.FLOAT, [4], [1, -1, 2, -2]).SerializeToString())
        subprocess.run([str(mocc), str(path / "model.onnx"), "-target=vulkan", "-o", str(path / "m.so")],
                       check=True, capture_output=True)
        run = subprocess.run([*mocc_run, str(path / "m.so"), "--inputs", str(path)],
                             capture_output=True, text=True)
        return None if run.returncode == 0 else (run.stderr.strip() or "mocc-run failed")
