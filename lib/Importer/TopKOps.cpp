//===- TopKOps.cpp - Importer of ONNX TopK --------------------------------===//
//
// TopK as a selection by rank, in moc ops: each element's rank along the
// axis is the number of elements that come before it (larger, or equal at a
// lower index, for largest=1), and output position r takes the element of
// rank r. This is exact and keeps ONNX's tie order (lower index first); it
// costs n^2 comparisons per row of n elements, a reference lowering until a
// sorting kernel exists. A k read at run time ranks all n elements and keeps
// the first k of the sorted output, checked to be at most n.
//
//===----------------------------------------------------------------------===//
#include "OpChain.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;

namespace mocc {
namespace {

/// `value` with a size-1 dimension inserted at `position`.
Value expandAt(OpChain &ops, Value value, int64_t position) {
  if (!value)
    return {};
  SmallVector<int64_t> shape(cast<RankedTensorType>(value.getType()).getShape());
  shape.insert(shape.begin() + position, 1);
  return ops.reshape(value, shape);
}

/// A run-time `k` as an index, checked to lie in [0, n].
Value checkedK(NodeContext &node, OpFoldResult k, int64_t n, int64_t axis) {
  OpBuilder &b = node.builder;
  Location loc = node.loc;
  Value count =
      b.create<arith::IndexCastOp>(loc, b.getIndexType(), node.int64Value(k));
  Value clamped = b.create<arith::MinSIOp>(
      loc,
      b.create<arith::MaxSIOp>(loc, count,
                               b.create<arith::ConstantIndexOp>(loc, 0)),
      b.create<arith::ConstantIndexOp>(loc, n));
  std::string message;
  llvm::raw_string_ostream(message)
      << "k must lie in [0, " << n << "], the size of dimension " << axis;
  node.assertEqual(count, clamped, message);
  return count;
}

/// The first `count` elements of `value` along `axis`.
Value takeFirst(NodeContext &node, Value value, Value count, int64_t axis) {
  OpBuilder &b = node.builder;
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes =
      getAsIndexOpFoldResult(b.getContext(), type.getShape());
  SmallVector<OpFoldResult> strides(type.getRank(), b.getIndexAttr(1));
  sizes[axis] = count;
  return b.create<tensor::ExtractSliceOp>(node.loc, value, offsets, sizes,
                                          strides);
}

LogicalResult importTopK(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  RankedTensorType type = node.inputType(0);
  if (!type.hasStaticShape() || type.getRank() == 0)
    return node.emitError() << "needs a static shape of rank 1 or more";
  int64_t rank = type.getRank();
  FailureOr<int64_t> axis = node.normalizeAxis(node.intAttr("axis", -1), rank);
  if (failed(axis))
    return failure();
  int64_t n = type.getDimSize(*axis);
  OpFoldResult kElement = node.builder.getI64IntegerAttr(node.intAttr("k", 0));
  if (node.opset >= 10) {
    FailureOr<SmallVector<OpFoldResult>> ks = node.sizeElements(1);
    if (failed(ks))
      return failure();
    if (ks->size() != 1)
      return node.emitError() << "expects a single k";
    kElement = ks->front();
  }
  // A k known at run time only: all n sorted, the first k kept per run.
  std::optional<int64_t> constantK = getConstantIntValue(kElement);
  int64_t k = constantK.value_or(n);
  if (k < 0 || k > n)
    return node.emitError() << "expects k in [0, " << n << "], got " << k;
  // Positions 0 .. n-1 are constants.
  if (n > kMaxComputedConstantElements)
    return node.emitError()
           << "expects at most " << kMaxComputedConstantElements
           << " elements along the axis";
  bool largest = node.intAttr("largest", 1);

  Type i64 = node.builder.getI64Type();
  OpChain ops(node);
  SmallVector<int64_t> toLast = permutationMovingLast(*axis, rank);
  Value x = ops.transpose(*input, toLast); // (..., n)
  // Element i against element j, in (..., i, j).
  Value xi = expandAt(ops, x, rank), xj = expandAt(ops, x, rank - 1);
  SmallVector<int64_t> positions;
  for (int64_t i = 0; i < n; ++i)
    positions.push_back(i);
  Value iIndex = node.int64Constant(positions, {n, 1});
  Value jIndex = node.int64Constant(positions, {1, n});
  Value jBetter = largest ? ops.create<moc::GreaterOp>(xj, xi)
                          : ops.create<moc::LessOp>(xj, xi);
  Value tieFirst = ops.create<moc::AndOp>(ops.create<moc::EqualOp>(xj, xi),
                                          ops.create<moc::LessOp>(jIndex, iIndex));
  Value before = ops.create<moc::OrOp>(jBetter, tieFirst);
  Value elementRank = ops.create<moc::ReduceSumOp>(
      ops.castTo(before, i64), ArrayRef<int64_t>{rank}, false); // (..., n)

  // Output position r against element i, in (..., r, i).
  SmallVector<int64_t> outputPositions;
  for (int64_t r = 0; r < k; ++r)
    outputPositions.push_back(r);
  Value r = node.int64Constant(outputPositions, {k, 1});
  Value chosen = ops.create<moc::EqualOp>(expandAt(ops, elementRank, rank - 1), r);
  Value values = ops.create<moc::ReduceSumOp>(
      ops.create<moc::SelectOp>(chosen, expandAt(ops, x, rank - 1),
                                node.scalar(type.getElementType(), 0.0)),
      ArrayRef<int64_t>{rank}, false);
  Value indices = ops.create<moc::ReduceSumOp>(
      ops.create<moc::SelectOp>(chosen, node.int64Constant(positions, {1, n}),
                                node.scalar(i64, 0.0)),
      ArrayRef<int64_t>{rank}, false);
  SmallVector<int64_t> back = inversePermutation(toLast);
  values = ops.transpose(values, back);
  indices = ops.transpose(indices, back);
  if (failed(ops.status()))
    return failure();
  if (constantK)
    return node.setResults({values, indices});
  Value kept = checkedK(node, kElement, n, *axis);
  return node.setResults({takeFirst(node, values, kept, *axis),
                          takeFirst(node, indices, kept, *axis)});
}

} // namespace

void registerTopKImporters(OpImporterTable &table) { table["TopK"] = importTopK; }

} // namespace mocc
