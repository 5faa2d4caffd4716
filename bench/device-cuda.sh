#!/usr/bin/env bash
# mocc's CUDA target on a lent GPU (bench/device_cuda.py --help). Prepare here: bash bench/device-cuda.sh prepare [opts]  (= .venv/bin/python bench/device_cuda.py prepare build/device-cuda)
# On the GPU, through the session's `run` tool with carry=["build/device-cuda"]: bash bench/device-cuda.sh run [opts]  (= python3 bench/device_cuda.py run build/device-cuda --summary "$OUT/summary.md")
cd "$(dirname "$0")/.." && case "$1" in prepare) shift; exec .venv/bin/python bench/device_cuda.py prepare build/device-cuda "$@";; run) shift; exec python3 bench/device_cuda.py run build/device-cuda --summary "${OUT:-build/device-cuda}/summary.md" "$@";; *) sed -n 2,3p bench/device-cuda.sh; exit 2;; esac
