//===- SliceOps.cpp - Importer of ONNX Slice ------------------------------===//
//
// A Slice whose bounds, axes and steps are all constants, of dimensions
// whose sizes are known, is a moc.slice. Bounds known at run time only (or
// dimensions that are) with constant positive steps are an extract_slice of
// sizes computed per run. Anything else read at run time (steps of either
// sign, the axes) gathers, per dimension, the positions start, start +
// step, ... computed per run.
//
//===----------------------------------------------------------------------===//
#include "NodeContext.h"
#include "RunTimeAxes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Matchers.h"

#include <limits>

using namespace mlir;

namespace mocc {
namespace {

/// Clamps ONNX slice bounds of one dimension to the form moc.slice takes.
void clampSlice(int64_t size, int64_t step, int64_t &start, int64_t &end) {
  if (start < 0)
    start += size;
  if (end < 0)
    end += size;
  if (step > 0) {
    start = std::clamp<int64_t>(start, 0, size);
    end = std::clamp<int64_t>(end, 0, size);
  } else {
    start = std::clamp<int64_t>(start, 0, size - 1);
    end = std::clamp<int64_t>(end, -1, size - 1);
  }
}

/// Whether a slice [start, end) with `step` takes a whole dimension whatever
/// its size (an exporter's "to the end" is INT64_MAX or INT32_MAX or so).
bool takesWholeDimension(int64_t start, int64_t end, int64_t step) {
  return start == 0 && step == 1 && end >= std::numeric_limits<int32_t>::max();
}

/// `input` sliced along `axes` from `starts` to `ends` by positive `steps`,
/// bounds known at run time only (or dimensions that are): ONNX's negative
/// bounds and clamping computed at run time, an extract_slice of the sizes
/// they give.
LogicalResult sliceForwardAtRunTime(NodeContext &node, Value input,
                                    ArrayRef<OpFoldResult> starts,
                                    ArrayRef<OpFoldResult> ends,
                                    ArrayRef<int64_t> axes,
                                    ArrayRef<int64_t> steps) {
  OpBuilder &b = node.builder;
  Location loc = node.loc;
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, input);
  SmallVector<OpFoldResult> strides(type.getRank(), b.getIndexAttr(1));
  auto constant = [&](int64_t value) {
    return b.create<arith::ConstantIndexOp>(loc, value).getResult();
  };
  Value zero = constant(0);
  for (auto [i, axis] : llvm::enumerate(axes)) {
    Value dim = getValueOrCreateConstantIndexOp(b, loc, sizes[axis]);
    // A bound below 0 counts from the end; then both are clamped to [0, dim].
    auto bound = [&](OpFoldResult element) {
      Value value = b.createOrFold<arith::IndexCastOp>(
          loc, b.getIndexType(), node.int64Value(element));
      Value fromEnd = b.createOrFold<arith::AddIOp>(loc, value, dim);
      Value negative = b.createOrFold<arith::CmpIOp>(
          loc, arith::CmpIPredicate::slt, value, zero);
      value = b.createOrFold<arith::SelectOp>(loc, negative, fromEnd, value);
      value = b.createOrFold<arith::MaxSIOp>(loc, value, zero);
      return b.createOrFold<arith::MinSIOp>(loc, value, dim);
    };
    Value start = bound(starts[i]), end = bound(ends[i]);
    // ceil((end - start) / step) elements, none if end <= start.
    Value span = b.createOrFold<arith::MaxSIOp>(
        loc, b.createOrFold<arith::SubIOp>(loc, end, start), zero);
    Value count = b.createOrFold<arith::DivUIOp>(
        loc, b.createOrFold<arith::AddIOp>(loc, span, constant(steps[i] - 1)),
        constant(steps[i]));
    offsets[axis] = getAsOpFoldResult(start);
    sizes[axis] = getAsOpFoldResult(count);
    strides[axis] = b.getIndexAttr(steps[i]);
  }
  return node.setResult(
      b.create<tensor::ExtractSliceOp>(loc, input, offsets, sizes, strides)
          .getResult());
}

/// `input` sliced along dimension `d` by ONNX's `start`, `end` and `step`
/// (i64 scalars, any of them known at run time only): a gather of the
/// positions start, start + step, ... after ONNX's clamping, which depends
/// on the step's sign. A step of 0 fails the run.
FailureOr<Value> sliceByGather(NodeContext &node, Value input, int64_t d,
                               Value start, Value end, Value step) {
  OpBuilder &b = node.builder;
  Location loc = node.loc;
  auto constant = [&](int64_t value) {
    return b.create<arith::ConstantIntOp>(loc, value, 64).getResult();
  };
  auto clamp = [&](Value value, Value low, Value high) {
    return b.createOrFold<arith::MinSIOp>(
        loc, b.createOrFold<arith::MaxSIOp>(loc, value, low), high);
  };
  Value zero = constant(0), one = constant(1);
  node.assertNonZero(step, "the steps must not be 0");
  Value dim = node.dimAsInt64(input, d);
  Value last = b.createOrFold<arith::SubIOp>(loc, dim, one);
  Value forward =
      b.createOrFold<arith::CmpIOp>(loc, arith::CmpIPredicate::sgt, step, zero);
  auto fromEnd = [&](Value bound) {
    Value negative = b.createOrFold<arith::CmpIOp>(
        loc, arith::CmpIPredicate::slt, bound, zero);
    return b.createOrFold<arith::SelectOp>(
        loc, negative, b.createOrFold<arith::AddIOp>(loc, bound, dim), bound);
  };
  start = fromEnd(start);
  end = fromEnd(end);
  start = b.createOrFold<arith::SelectOp>(loc, forward, clamp(start, zero, dim),
                                          clamp(start, zero, last));
  end = b.createOrFold<arith::SelectOp>(loc, forward, clamp(end, zero, dim),
                                        clamp(end, constant(-1), last));
  // ceil(span / |step|) positions, none if the span is empty; the divisor
  // is at least 1 so that a step of 0 computes before the check fails it.
  Value span = b.createOrFold<arith::SelectOp>(
      loc, forward, b.createOrFold<arith::SubIOp>(loc, end, start),
      b.createOrFold<arith::SubIOp>(loc, start, end));
  span = b.createOrFold<arith::MaxSIOp>(loc, span, zero);
  Value magnitude = b.createOrFold<arith::MaxSIOp>(
      loc,
      b.createOrFold<arith::SelectOp>(
          loc, forward, step, b.createOrFold<arith::SubIOp>(loc, zero, step)),
      one);
  Value count = b.createOrFold<arith::DivSIOp>(
      loc,
      b.createOrFold<arith::AddIOp>(
          loc, span, b.createOrFold<arith::SubIOp>(loc, magnitude, one)),
      magnitude);
  FailureOr<Value> iota = node.iota(count, b.getI64Type());
  if (failed(iota))
    return failure();
  FailureOr<Value> offsets = node.create<moc::MulOp>(
      *iota, node.shapeTensor({step}, /*isVector=*/false));
  if (failed(offsets))
    return failure();
  FailureOr<Value> positions = node.create<moc::AddOp>(
      *offsets, node.shapeTensor({start}, /*isVector=*/false));
  if (failed(positions))
    return failure();
  return node.create<moc::GatherOp>(input, *positions, d);
}

/// The operands of a Slice: bounds, axes and steps, constants where they
/// are.
struct SliceOperands {
  SmallVector<OpFoldResult> starts, ends, steps;
  /// The axes, when they are constants (normalized).
  std::optional<SmallVector<int64_t>> axes;
};

FailureOr<SliceOperands> readOperands(NodeContext &node, int64_t rank) {
  OpBuilder &b = node.builder;
  SliceOperands operands;
  auto constants = [&](ArrayRef<int64_t> values) {
    return getAsOpFoldResult(b.getI64ArrayAttr(values));
  };
  SmallVector<int64_t> axes;
  if (node.opset < 10) {
    operands.starts = constants(node.intsAttr("starts"));
    operands.ends = constants(node.intsAttr("ends"));
    axes = node.intsAttr("axes");
  } else {
    FailureOr<SmallVector<OpFoldResult>> starts = node.sizeElements(1),
                                         ends = node.sizeElements(2);
    if (failed(starts) || failed(ends))
      return failure();
    operands.starts = *starts;
    operands.ends = *ends;
    if (node.input(4)) {
      FailureOr<SmallVector<OpFoldResult>> steps = node.sizeElements(4);
      if (failed(steps))
        return failure();
      operands.steps = *steps;
    }
  }
  size_t count = operands.starts.size();
  if (operands.steps.empty())
    operands.steps.assign(count, b.getI64IntegerAttr(1));
  if (node.opset >= 10 && node.input(3)) {
    if (node.isReadAtRunTime(3))
      return operands; // axes read at run time
    FailureOr<SmallVector<int64_t>> values = node.constantInts(3);
    if (failed(values))
      return failure();
    axes = *values;
  }
  if (axes.empty())
    axes = llvm::to_vector(llvm::seq<int64_t>(0, count));
  if (operands.ends.size() != count || axes.size() != count ||
      operands.steps.size() != count)
    return node.emitError()
           << "expects starts, ends, axes and steps of one length";
  for (int64_t &axis : axes) {
    FailureOr<int64_t> d = node.normalizeAxis(axis, rank, "axes");
    if (failed(d))
      return failure();
    axis = *d;
  }
  operands.axes = axes;
  return operands;
}

/// Slice along axes read at run time: every dimension takes the bounds and
/// step of the axis that names it (the whole dimension if none does).
LogicalResult sliceByRunTimeAxes(NodeContext &node, Value input,
                                 const SliceOperands &operands) {
  int64_t rank = cast<RankedTensorType>(input.getType()).getRank();
  FailureOr<SmallVector<SmallVector<Value>>> matches =
      runTimeAxisMatches(node, 3, rank);
  if (failed(matches))
    return failure();
  size_t count = operands.starts.size();
  if (matches->size() != count || operands.ends.size() != count ||
      operands.steps.size() != count)
    return node.emitError()
           << "expects starts, ends, axes and steps of one length";
  OpBuilder &b = node.builder;
  auto named = [&](int64_t d, ArrayRef<OpFoldResult> values, int64_t fallback) {
    Value value = b.create<arith::ConstantIntOp>(node.loc, fallback, 64);
    for (size_t e = 0; e < count; ++e)
      value = b.createOrFold<arith::SelectOp>(
          node.loc, (*matches)[e][d], node.int64Value(values[e]), value);
    return value;
  };
  FailureOr<Value> result = input;
  for (int64_t d = 0; d < rank && succeeded(result); ++d)
    result = sliceByGather(
        node, *result, d, named(d, operands.starts, 0),
        named(d, operands.ends, std::numeric_limits<int64_t>::max()),
        named(d, operands.steps, 1));
  return node.setResult(result);
}

LogicalResult importSlice(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  RankedTensorType type = node.inputType(0);
  int64_t rank = type.getRank();
  FailureOr<SliceOperands> operands = readOperands(node, rank);
  if (failed(operands))
    return failure();
  if (!operands->axes)
    return sliceByRunTimeAxes(node, *input, *operands);
  ArrayRef<int64_t> axes = *operands->axes;
  auto starts = getConstantIntValues(operands->starts);
  auto ends = getConstantIntValues(operands->ends);
  auto steps = getConstantIntValues(operands->steps);
  if (steps && llvm::is_contained(*steps, 0))
    return node.emitError() << "expects non-zero steps";
  // Steps known at run time only, or backwards where a bound or the
  // dimension is: gathered.
  bool gathered = !steps;
  for (size_t i = 0; !gathered && i < axes.size(); ++i)
    gathered =
        (*steps)[i] < 0 && (!starts || !ends || type.isDynamicDim(axes[i]));
  if (gathered) {
    FailureOr<Value> result = *input;
    for (auto [i, axis] : llvm::enumerate(axes))
      if (succeeded(result))
        result = sliceByGather(node, *result, axis,
                               node.int64Value(operands->starts[i]),
                               node.int64Value(operands->ends[i]),
                               node.int64Value(operands->steps[i]));
    return node.setResult(result);
  }
  // Bounds known at run time only, or a dynamic dimension cut by constant
  // ones (the result's size is known at run time only).
  bool atRunTime = !starts || !ends;
  for (size_t i = 0; !atRunTime && i < axes.size(); ++i)
    atRunTime = type.isDynamicDim(axes[i]) &&
                !takesWholeDimension((*starts)[i], (*ends)[i], (*steps)[i]);
  if (atRunTime)
    return sliceForwardAtRunTime(node, *input, operands->starts, operands->ends,
                                 axes, *steps);
  SmallVector<int64_t> allStarts(rank, 0), allEnds(type.getShape()),
      allSteps(rank, 1);
  for (auto [i, d] : llvm::enumerate(axes)) {
    if (type.isDynamicDim(d))
      continue; // taken whole
    allStarts[d] = (*starts)[i];
    allEnds[d] = (*ends)[i];
    allSteps[d] = (*steps)[i];
    clampSlice(type.getDimSize(d), allSteps[d], allStarts[d], allEnds[d]);
  }
  return node.setResult(
      node.create<moc::SliceOp>(*input, allStarts, allEnds, allSteps));
}

} // namespace

void registerSliceImporters(OpImporterTable &table) {
  table["Slice"] = importSlice;
}

} // namespace mocc
