#!/usr/bin/env bash
# Re-resolves scripts/requirements-test.in into scripts/requirements-test.lock:
# every package the test venv ends up with, pinned, with the hashes of all
# its files on PyPI (so the lock also installs on AArch64 hosts). Run it on
# purpose, when an oracle is upgraded; the next test run then regenerates
# the onnx node-test data (its stamp records the versions) and any changed
# verdict shows up as an unexpected pass or a regression to look at.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$(mktemp -d)"
trap 'rm -rf "$TOOLS"' EXIT
# The Python that builds the test venv (install-deps.sh) resolves the lock.
/usr/bin/python3 -m venv "$TOOLS/venv"
"$TOOLS/venv/bin/python" -m pip install -q --disable-pip-version-check pip-tools
cd "$ROOT/scripts"
"$TOOLS/venv/bin/pip-compile" --quiet --generate-hashes --allow-unsafe --strip-extras \
  --no-emit-index-url --no-emit-find-links --upgrade --output-file requirements-test.lock requirements-test.in
echo "wrote $ROOT/scripts/requirements-test.lock"
