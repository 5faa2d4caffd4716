#!/usr/bin/env python3
"""Prints docs/conformance.md's per-op table from the conformance runner's JSON reports.

    .venv/bin/python test/e2e/conformance/op_table.py build/test/e2e/reports/conformance_*.json

Each test counts under the op it tests: the op types of its model's nodes, or for an
`_expanded` test (the op's function body written out as nodes) those of the test it expands.
A cell is `passed/total` for one suite and target; `-` where the suite has no test of the op.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

import onnx


def op_types(model_path: Path) -> list[str]:
    model = onnx.load(str(model_path), load_external_data=False)
    names = []
    for node in model.graph.node:
        name = node.op_type if node.domain in ("", "ai.onnx") else f"{node.domain}.{node.op_type}"
        if name not in names:
            names.append(name)
    return names


def tested_ops(data: Path, name: str, cache: dict[str, list[str]]) -> list[str]:
    """The ops a test exercises (for `_expanded` tests: those of the test it expands)."""
    base = re.sub(r"_expanded(_ver\d+)?$", r"\1", name)
    for candidate in (base, name):
        if candidate not in cache:
            path = data / candidate / "model.onnx"
            cache[candidate] = op_types(path) if path.is_file() else []
        if cache[candidate]:
            return cache[candidate]
    return []


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("reports", nargs="+", type=Path)
    args = p.parse_args()

    columns = []  # (suite, target)
    cells: dict[str, dict[tuple[str, str], list[int]]] = defaultdict(dict)
    for path in args.reports:
        report = json.loads(path.read_text())
        column = (report["suite"], report["target"])
        columns.append(column)
        data = Path(report["data"])
        cache: dict[str, list[str]] = {}
        for test in report["tests"]:
            for op in tested_ops(data, test["name"], cache):
                passed, total = cells[op].get(column, [0, 0])
                cells[op][column] = [passed + (test["status"] == "pass"), total + 1]

    columns.sort(key=lambda c: (c[0], c[1] != "x86_64"))
    print("| op | " + " | ".join(f"{suite} {target}" for suite, target in columns) + " |")
    print("|---|" + "---:|" * len(columns))
    for op in sorted(cells, key=str.lower):
        row = [f"{cells[op][c][0]}/{cells[op][c][1]}" if c in cells[op] else "-" for c in columns]
        print(f"| {op} | " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
