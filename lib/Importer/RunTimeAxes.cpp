//===- RunTimeAxes.cpp - Axes operands known at run time only -------------===//
#include "RunTimeAxes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace mocc {

FailureOr<SmallVector<SmallVector<Value>>>
runTimeAxisMatches(NodeContext &node, size_t i, int64_t rank) {
  FailureOr<Value> axes = node.requiredInput(i);
  if (failed(axes))
    return failure();
  RankedTensorType type = node.inputType(i);
  if (!type.getElementType().isSignlessInteger() || type.getRank() > 1 ||
      !type.hasStaticShape())
    return node.emitError()
           << "expects input " << i << " ('" << node.node.input(i)
           << "') to be a 0-d or 1-D integer tensor of "
              "static length, got "
           << type;
  // A value per axis and dimension: more axes than dimensions (one named
  // twice) or a rank no model has would only build a huge graph.
  if (rank > kMaxRunTimeAxesRank)
    return node.emitError()
           << "takes axes at run time for a rank-" << rank
           << " tensor; mocc supports up to rank " << kMaxRunTimeAxesRank;
  if (type.getNumElements() > rank)
    return node.emitError() << "expects input " << i << " ('"
                            << node.node.input(i) << "') to name at most "
                            << rank << " axes, got " << type.getNumElements();
  // Gathering the dimensions by the axes normalizes them, and the gather's
  // index check (mocc-check-shapes) fails the run on one out of range.
  SmallVector<int64_t> dims = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  FailureOr<Value> normalized = node.create<moc::GatherOp>(
      node.int64Constant(dims, {rank}), *axes, int64_t(0));
  if (failed(normalized))
    return failure();
  OpBuilder &b = node.builder;
  Location loc = node.loc;
  SmallVector<SmallVector<Value>> matches;
  for (int64_t e = 0; e < type.getNumElements(); ++e) {
    SmallVector<Value> index;
    if (type.getRank() == 1)
      index.push_back(b.create<arith::ConstantIndexOp>(loc, e));
    Value axis = b.createOrFold<tensor::ExtractOp>(loc, *normalized, index);
    SmallVector<Value> &names = matches.emplace_back();
    for (int64_t d = 0; d < rank; ++d)
      names.push_back(b.createOrFold<arith::CmpIOp>(
          loc, arith::CmpIPredicate::eq, axis,
          b.create<arith::ConstantIntOp>(loc, d, 64)));
  }
  return matches;
}

FailureOr<SmallVector<Value>> runTimeAxisMask(NodeContext &node, size_t i,
                                              int64_t rank) {
  FailureOr<SmallVector<SmallVector<Value>>> matches =
      runTimeAxisMatches(node, i, rank);
  if (failed(matches))
    return failure();
  OpBuilder &b = node.builder;
  SmallVector<Value> named(rank,
                           b.create<arith::ConstantIntOp>(node.loc, 0, 1));
  for (ArrayRef<Value> names : *matches)
    for (int64_t d = 0; d < rank; ++d)
      named[d] = b.createOrFold<arith::OrIOp>(node.loc, named[d], names[d]);
  return named;
}

FailureOr<Value> chooseByAxis(NodeContext &node, ArrayRef<Value> named,
                              function_ref<FailureOr<Value>(int64_t)> build) {
  if (named.empty())
    return node.emitError() << "has no dimension for the axis to name";
  FailureOr<Value> chosen = build(named.size() - 1);
  for (int64_t d = named.size() - 2; d >= 0 && succeeded(chosen); --d) {
    FailureOr<Value> candidate = build(d);
    if (failed(candidate))
      return failure();
    chosen = node.create<moc::SelectOp>(node.shapeTensor({named[d]}, false),
                                        *candidate, *chosen);
  }
  return chosen;
}

namespace {

/// Fails the run unless `position` (the count of dimensions the axes left)
/// is `expected`: fewer means an axis was named twice.
void assertDistinctAxes(NodeContext &node, Value position, int64_t expected) {
  node.assertEqual(
      position,
      node.builder.create<arith::ConstantIntOp>(node.loc, expected, 64),
      "the axes must name distinct dimensions");
}

} // namespace

SmallVector<Value> remainingSizes(NodeContext &node, ArrayRef<Value> sizes,
                                  ArrayRef<Value> dropped, int64_t count) {
  OpBuilder &b = node.builder;
  Location loc = node.loc;
  auto constant = [&](int64_t value) {
    return b.create<arith::ConstantIntOp>(loc, value, 64).getResult();
  };
  // Size d goes to position "kept sizes before d" if it is kept.
  SmallVector<Value> remaining(count, constant(0));
  Value position = constant(0);
  Value always = b.create<arith::ConstantIntOp>(loc, 1, 1);
  for (auto [size, drop] : llvm::zip(sizes, dropped)) {
    Value kept = b.createOrFold<arith::XOrIOp>(loc, drop, always);
    for (int64_t j = 0; j < count; ++j) {
      Value here = b.createOrFold<arith::AndIOp>(
          loc, kept,
          b.createOrFold<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, position,
                                        constant(j)));
      remaining[j] =
          b.createOrFold<arith::SelectOp>(loc, here, size, remaining[j]);
    }
    position = b.createOrFold<arith::AddIOp>(
        loc, position,
        b.createOrFold<arith::ExtUIOp>(loc, b.getI64Type(), kept));
  }
  assertDistinctAxes(node, position, count);
  return remaining;
}

SmallVector<Value> insertedSizes(NodeContext &node, ArrayRef<Value> sizes,
                                 ArrayRef<Value> inserted) {
  OpBuilder &b = node.builder;
  Location loc = node.loc;
  auto constant = [&](int64_t value) {
    return b.create<arith::ConstantIntOp>(loc, value, 64).getResult();
  };
  // Result dimension j takes size "kept dimensions before j" if not inserted.
  SmallVector<Value> result;
  Value position = constant(0);
  Value always = b.create<arith::ConstantIntOp>(loc, 1, 1);
  for (Value insert : inserted) {
    Value size = constant(1);
    for (auto [d, source] : llvm::enumerate(sizes))
      size = b.createOrFold<arith::SelectOp>(
          loc,
          b.createOrFold<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, position,
                                        constant(d)),
          source, size);
    result.push_back(
        b.createOrFold<arith::SelectOp>(loc, insert, constant(1), size));
    position = b.createOrFold<arith::AddIOp>(
        loc, position,
        b.createOrFold<arith::ExtUIOp>(
            loc, b.getI64Type(),
            b.createOrFold<arith::XOrIOp>(loc, insert, always)));
  }
  assertDistinctAxes(node, position, sizes.size());
  return result;
}

} // namespace mocc
