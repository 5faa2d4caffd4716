# -*- Python -*-
# lit configuration of mocc's FileCheck tests (configured by test/CMakeLists.txt).

import os
import shutil

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "MOCC"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".onnxtext", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.mocc_obj_root, "test")
# e2e and fuzz have their own ctest entries (test/e2e/CMakeLists.txt,
# test/fuzz/CMakeLists.txt); Inputs/ hold the files tests read.
config.excludes = ["CMakeLists.txt", "README.md", "lit.cfg.py", "lit.site.cfg.py",
                   "e2e", "fuzz", "Inputs"]

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.mocc_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

tool_dirs = [config.mocc_tools_dir, config.llvm_tools_dir]
tools = [
    "mocc-opt",
    ToolSubst("mocc", unresolved="ignore"),
    ToolSubst("mocc-run", unresolved="ignore"),
]
llvm_config.add_tool_substitutions(tools, tool_dirs)
# Tests of tools that may not be built yet can say `REQUIRES: mocc`.
for tool in ("mocc", "mocc-run"):
    if os.path.exists(os.path.join(config.mocc_tools_dir, tool)):
        config.available_features.add(tool)

# The project venv's Python sees the pinned test oracles (onnx, onnxruntime).
venv_python = os.path.join(config.mocc_src_root, ".venv", "bin", "python")
if os.path.exists(venv_python):
    config.available_features.add("venv")
else:
    venv_python = config.python_executable
config.substitutions.append(("%venv_python", venv_python))

# Execution tests lower to LLVM and run with mlir-cpu-runner and MLIR's runner
# utilities (printMemrefF32, ...).
config.substitutions.append(("%mlir_lib_dir", config.llvm_lib_dir))
if config.mlir_cpu_runner and os.path.exists(config.mlir_cpu_runner):
    config.available_features.add("mlir-cpu-runner")
    config.substitutions.append(("%mlir-cpu-runner", config.mlir_cpu_runner))

# AArch64 model libraries run under qemu with the cross-built mocc-run.
aarch64_mocc_run = os.path.join(config.mocc_tools_dir, "aarch64", "mocc-run")
if shutil.which("qemu-aarch64") and os.path.exists(aarch64_mocc_run):
    config.available_features.add("qemu-aarch64")
config.substitutions.append(
    ("%run_aarch64", "qemu-aarch64 -L /usr/aarch64-linux-gnu " + aarch64_mocc_run))

# GPU targets. Vulkan models run where a Vulkan driver is installed (Mesa's
# lavapipe on the CPU in CI); CUDA models are only compiled, and their PTX
# checked with the CUDA toolkit's ptxas where there is one.
def vulkan_driver_installed():
    import ctypes
    import glob
    if not glob.glob("/usr/share/vulkan/icd.d/*.json") and not os.environ.get("VK_ICD_FILENAMES"):
        return False
    try:
        ctypes.CDLL("libvulkan.so.1")
    except OSError:
        return False
    return True


if vulkan_driver_installed():
    config.available_features.add("vulkan")
ptxas = shutil.which("ptxas") or "/usr/local/cuda/bin/ptxas"
if os.access(ptxas, os.X_OK):
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", ptxas))
