#!/usr/bin/env bash
# Installs everything mocc needs to build and test, idempotently, from Debian 12
# packages and pinned PyPI packages. Run as root (or with sudo available).
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

DEBIAN_PACKAGES=(
  # Build.
  cmake ninja-build ccache g++ pkg-config python3 python3-venv
  llvm-19-dev libmlir-19-dev mlir-19-tools llvm-19-tools clang-19 lld-19 liblld-19-dev
  libclang-rt-19-dev  # libFuzzer and the sanitizers, for the importer fuzzer
  libzstd-dev zlib1g-dev libedit-dev libcurl4-openssl-dev
  libonnx-dev libprotobuf-dev protobuf-compiler libfmt-dev libgtest-dev
  libhalide14-0-dev  # the CPU microkernels (targets/CPU/Kernels)
  # Vulkan: headers for the runtime's loader (it opens libvulkan with dlopen),
  # Mesa's lavapipe CPU device to run -target=vulkan in the tests, spirv-as.
  libvulkan-dev libvulkan1 mesa-vulkan-drivers spirv-tools
  # AArch64 cross runtime and emulation.
  gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
  # Test oracles and data.
  libonnx-testdata python3-torch python3-torchvision python3-numpy python3-onnx
)

missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Pinned oracles live in a venv of their own so Debian's torch (numpy 1.x) and
# PyPI's onnx/onnxruntime never see each other's numpy.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${MOCC_VENV:-$ROOT/.venv}"
if [ ! -x "$VENV/bin/python" ]; then
  /usr/bin/python3 -m venv "$VENV"
fi
# The venv holds exactly the lock: every package pinned with its hashes
# (scripts/lock-requirements.sh refreshes it), and nothing installed by hand.
LOCK="$ROOT/scripts/requirements-test.lock"
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check)
"${PIP[@]}" install -q --require-hashes -r "$LOCK"
normalize() { tr 'A-Z_.' 'a-z--'; }
extras=$("${PIP[@]}" freeze | sed 's/[=@ ].*//' | normalize |
  grep -vxF -f <(sed -n 's/^\([A-Za-z0-9._-]*\)==.*/\1/p' "$LOCK" | normalize) || true)
if [ -n "$extras" ]; then
  echo "removing packages that are not in $LOCK:" $extras
  "${PIP[@]}" uninstall -q -y $extras
fi
