//===- ReductionOps.cpp - Importers of ONNX reductions --------------------===//
#include "OpChain.h"
#include "RunTimeAxes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace mocc {
namespace {

/// The dimensions a Reduce* node reduces: sorted, non-negative axes known
/// at compile time, or, for axes read at run time, one i1 scalar per
/// dimension (RunTimeAxes.h) and the number of axes.
struct ReducedAxes {
  SmallVector<int64_t> axes;
  SmallVector<Value> named;
  int64_t namedCount = 0;
  /// noop_with_empty_axes with no axes: nothing is reduced.
  bool none = false;

  bool atRunTime() const { return !named.empty(); }
};

/// The axes of a Reduce* node. Before the opset that moved them to an input
/// (13 for ReduceSum, 18 for the rest) they are an attribute.
FailureOr<ReducedAxes> reductionAxes(NodeContext &node,
                                     int64_t axesInputOpset) {
  int64_t rank = node.inputType(0).getRank();
  ReducedAxes reduced;
  SmallVector<int64_t> &axes = reduced.axes;
  if (node.opset < axesInputOpset) {
    axes = node.intsAttr("axes");
  } else if (Value operand = node.input(1)) {
    RankedTensorType type = node.inputType(1);
    bool empty = type.hasStaticShape() && type.getNumElements() == 0;
    if (!empty && type.hasStaticShape() &&
        !matchPattern(operand, m_Constant())) {
      FailureOr<SmallVector<Value>> named = runTimeAxisMask(node, 1, rank);
      if (failed(named))
        return failure();
      reduced.named = *named;
      reduced.namedCount = type.getNumElements();
      return reduced;
    }
    if (!empty) {
      FailureOr<SmallVector<int64_t>> values = node.constantInts(1);
      if (failed(values))
        return failure();
      axes = *values;
    }
  }
  if (axes.empty()) {
    reduced.none = node.intAttr("noop_with_empty_axes", 0);
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
  }
  for (int64_t &axis : axes) {
    FailureOr<int64_t> normalized = node.normalizeAxis(axis, rank, "axes");
    if (failed(normalized))
      return failure();
    axis = *normalized;
  }
  llvm::sort(axes);
  axes.erase(std::unique(axes.begin(), axes.end()), axes.end());
  return reduced;
}

/// `x` reduced over the dimensions `named` selects at run time, one
/// dimension at a time: `reduceOne(v, d)` reduces dimension d of v to size
/// 1, and the run keeps that or v by a slice of the two joined. The reduced
/// dimensions stay, with size 1.
FailureOr<Value>
reduceNamedDims(NodeContext &node, Value x, ArrayRef<Value> named,
                function_ref<FailureOr<Value>(Value, int64_t)> reduceOne) {
  OpBuilder &b = node.builder;
  Location loc = node.loc;
  auto index = [&](int64_t value) {
    return b.create<arith::ConstantIndexOp>(loc, value).getResult();
  };
  int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
  for (int64_t d = 0; d < rank; ++d) {
    if (cast<RankedTensorType>(x.getType()).getDimSize(d) == 1)
      continue; // reducing it changes nothing
    FailureOr<Value> reduced = reduceOne(x, d);
    if (failed(reduced))
      return failure();
    FailureOr<Value> joined =
        node.create<moc::ConcatOp>(ValueRange{*reduced, x}, d);
    if (failed(joined))
      return failure();
    SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0));
    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, x);
    offsets[d] =
        b.createOrFold<arith::SelectOp>(loc, named[d], index(0), index(1));
    sizes[d] = b.createOrFold<arith::SelectOp>(
        loc, named[d], index(1),
        getValueOrCreateConstantIndexOp(b, loc, sizes[d]));
    x = b.create<tensor::ExtractSliceOp>(
        loc, *joined, offsets, sizes,
        SmallVector<OpFoldResult>(rank, b.getIndexAttr(1)));
  }
  return x;
}

/// `reduced` (the reduction over axes known at run time, with the reduced
/// dimensions kept) without those dimensions unless `keepDims`.
FailureOr<Value> dropNamedDims(NodeContext &node, Value reduced,
                               const ReducedAxes &axes, bool keepDims) {
  if (keepDims)
    return reduced;
  int64_t rank = cast<RankedTensorType>(reduced.getType()).getRank();
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < rank; ++d)
    sizes.push_back(node.dimAsInt64(reduced, d));
  return node.createOfSizes<moc::ReshapeOp>(
      reduced, remainingSizes(node, sizes, axes.named, rank - axes.namedCount));
}

/// log(sum(exp(x))) over `axes`, computed as m + log(sum(exp(x - m))) with
/// m the maximum, so that large inputs do not overflow.
FailureOr<Value> logSumExp(NodeContext &node, Value x, ArrayRef<int64_t> axes,
                           bool keepDims) {
  OpChain ops(node);
  Value max = ops.create<moc::ReduceMaxOp>(x, axes, true);
  Value sum = ops.create<moc::ReduceSumOp>(
      ops.create<moc::ExpOp>(ops.create<moc::SubOp>(x, max)), axes, true);
  Value result = ops.create<moc::AddOp>(ops.create<moc::LogOp>(sum), max);
  if (failed(ops.status()))
    return failure();
  if (keepDims)
    return result;
  SmallVector<int64_t> shape;
  for (auto [d, size] :
       llvm::enumerate(cast<RankedTensorType>(x.getType()).getShape()))
    if (!llvm::is_contained(axes, int64_t(d)))
      shape.push_back(size);
  return node.reshape(result, shape);
}

/// How a ReduceX node maps to moc: an optional elementwise prologue, the
/// reduction, an optional elementwise epilogue. ReduceLogSumExp is a
/// reduction of its own (logSumExp).
enum class Prologue { None, Abs, Square };
enum class Epilogue { None, Sqrt, Log };

template <typename ReduceOp, Prologue prologue = Prologue::None,
          Epilogue epilogue = Epilogue::None, int64_t axesInputOpset = 18,
          bool isLogSumExp = false>
LogicalResult importReduce(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  FailureOr<ReducedAxes> axes = reductionAxes(node, axesInputOpset);
  if (failed(axes))
    return failure();
  Value x = *input;
  FailureOr<Value> result = x;
  if (prologue == Prologue::Abs)
    result = node.create<moc::AbsOp>(x);
  else if (prologue == Prologue::Square)
    result = node.create<moc::MulOp>(x, x);
  if (failed(result))
    return failure();
  if (axes->none) // noop_with_empty_axes: only the elementwise parts.
    return node.setResults({*result});
  bool keepDims = node.intAttr("keepdims", 1);
  if (axes->atRunTime())
    result =
        reduceNamedDims(node, *result, axes->named, [&](Value v, int64_t d) {
          if (isLogSumExp)
            return logSumExp(node, v, {d}, true);
          return node.create<ReduceOp>(v, ArrayRef<int64_t>{d}, true);
        });
  else if (isLogSumExp)
    result = logSumExp(node, *result, axes->axes, keepDims);
  else
    result = node.create<ReduceOp>(*result, axes->axes, keepDims);
  if (succeeded(result) && epilogue == Epilogue::Sqrt)
    result = node.create<moc::SqrtOp>(*result);
  else if (succeeded(result) && epilogue == Epilogue::Log)
    result = node.create<moc::LogOp>(*result);
  if (failed(result) || !axes->atRunTime())
    return node.setResult(result);
  return node.setResult(dropNamedDims(node, *result, *axes, keepDims));
}

template <typename ArgOp>
LogicalResult importArgReduce(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  FailureOr<int64_t> axis =
      node.normalizeAxis(node.intAttr("axis", 0), node.inputType(0).getRank());
  if (failed(axis))
    return failure();
  return node.setResult(node.create<ArgOp>(
      *input, *axis, bool(node.intAttr("keepdims", 1)),
      bool(node.intAttr("select_last_index", 0))));
}

} // namespace

void registerReductionImporters(OpImporterTable &table) {
  table["ReduceSum"] = importReduce<moc::ReduceSumOp, Prologue::None,
                                    Epilogue::None, /*axesInputOpset=*/13>;
  table["ReduceMean"] = importReduce<moc::ReduceMeanOp>;
  table["ReduceMax"] = importReduce<moc::ReduceMaxOp>;
  table["ReduceMin"] = importReduce<moc::ReduceMinOp>;
  table["ReduceProd"] = importReduce<moc::ReduceProdOp>;
  table["ReduceL1"] = importReduce<moc::ReduceSumOp, Prologue::Abs>;
  table["ReduceL2"] =
      importReduce<moc::ReduceSumOp, Prologue::Square, Epilogue::Sqrt>;
  table["ReduceSumSquare"] = importReduce<moc::ReduceSumOp, Prologue::Square>;
  table["ReduceLogSum"] =
      importReduce<moc::ReduceSumOp, Prologue::None, Epilogue::Log>;
  table["ReduceLogSumExp"] =
      importReduce<moc::ReduceSumOp, Prologue::None, Epilogue::None,
                   /*axesInputOpset=*/18, /*isLogSumExp=*/true>;
  table["ArgMax"] = importArgReduce<moc::ArgMaxOp>;
  table["ArgMin"] = importArgReduce<moc::ArgMinOp>;
}

} // namespace mocc
