"""Output elements of ONNX node tests whose value the ONNX specification leaves undefined.

A node test's expected output is whatever onnx's reference implementation, and the libraries
it calls (ml_dtypes for the 4- and 2-bit types), happen to compute. Where the specification
leaves a result undefined, that choice is no verdict: ml_dtypes 0.5.4 wraps -9.0 cast to int4
to 7, ml_dtypes 0.7.0 gives 0, and both are right. The runner compares such a test only on the
elements the specification defines, and the expectation files list the test with the rule and
the count of elements left out (docs/conformance.md has the table).

Every rule quotes the specification. Only the rules below exist; a search of the operator
documentation of the pinned onnx release for "undefined", "unspecified" and
"implementation-defined" found no other case that a node test of either suite exercises
(ReduceMean of an empty set, TopK with sorted=0, casts from or to strings and negative values
cast to FLOAT8E8M0 have no test with data, or mocc does not support the type).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from onnx import ModelProto, TensorProto

# Floating-point element types of ONNX, by TensorProto.DataType.
_FLOAT_TYPES = {
    TensorProto.FLOAT, TensorProto.FLOAT16, TensorProto.DOUBLE, TensorProto.BFLOAT16,
    TensorProto.FLOAT8E4M3FN, TensorProto.FLOAT8E4M3FNUZ, TensorProto.FLOAT8E5M2,
    TensorProto.FLOAT8E5M2FNUZ,
}
# Fixed-point element types: (bits, signed).
_FIXED_TYPES = {
    TensorProto.INT8: (8, True), TensorProto.UINT8: (8, False),
    TensorProto.INT16: (16, True), TensorProto.UINT16: (16, False),
    TensorProto.INT32: (32, True), TensorProto.UINT32: (32, False),
    TensorProto.INT64: (64, True), TensorProto.UINT64: (64, False),
    TensorProto.INT4: (4, True), TensorProto.UINT4: (4, False),
    TensorProto.INT2: (2, True), TensorProto.UINT2: (2, False),
}


@dataclass(frozen=True)
class UndefinedRule:
    """A case the specification leaves undefined, and how to find its elements."""

    name: str
    spec: str  # the specification's words
    # Per data set: the graph inputs (in graph order) -> a mask per graph output, True where
    # the output element is defined (None: the whole output is).
    defined: object


def _elem_type(value_info) -> int:
    return value_info.type.tensor_type.elem_type


def _cast_float_to_fixed(model: ModelProto) -> UndefinedRule | None:
    """A single Cast or CastLike of a floating-point graph input to a fixed-point graph output."""
    graph = model.graph
    if len(graph.node) != 1 or graph.node[0].op_type not in ("Cast", "CastLike"):
        return None
    node = graph.node[0]
    inputs = [i.name for i in graph.input]
    if node.input[0] not in inputs or len(graph.output) != 1:
        return None
    source = _elem_type(graph.input[inputs.index(node.input[0])])
    target = _elem_type(graph.output[0])
    if source not in _FLOAT_TYPES or target not in _FIXED_TYPES:
        return None
    bits, signed = _FIXED_TYPES[target]
    low, high = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
    position = inputs.index(node.input[0])

    def defined(values: list[np.ndarray]) -> list[np.ndarray | None]:
        x = np.asarray(values[position], dtype=np.float64)
        with np.errstate(invalid="ignore"):
            t = np.trunc(x)
            return [np.isfinite(x) & (t >= low) & (t <= high)]

    return UndefinedRule(
        "cast-float-to-fixed-out-of-range",
        "Cast: casting from floating point to fixed point is undefined if OOR (out of range)",
        defined,
    )


_RULES = (_cast_float_to_fixed,)


def undefined_rule(model: ModelProto) -> UndefinedRule | None:
    """The rule that leaves some of this test's output elements undefined, if any."""
    for rule in _RULES:
        found = rule(model)
        if found:
            return found
    return None
