//===- ReductionOps.cpp - Importers of ONNX reductions --------------------===//
#include "NodeContext.h"

using namespace mlir;

namespace mocc {
namespace {

/// The sorted, non-negative axes a Reduce* node reduces, or std::nullopt
/// when it reduces nothing (noop_with_empty_axes). Before the opset that
/// moved them to an input (13 for ReduceSum, 18 for the rest) the axes are
/// an attribute.
FailureOr<std::optional<SmallVector<int64_t>>>
reductionAxes(NodeContext &node, int64_t axesInputOpset) {
  int64_t rank = node.inputType(0).getRank();
  SmallVector<int64_t> axes;
  if (node.opset < axesInputOpset) {
    axes = node.intsAttr("axes");
  } else if (node.input(1)) {
    FailureOr<SmallVector<int64_t>> values = node.constantInts(1);
    if (failed(values))
      return failure();
    axes = *values;
  }
  if (axes.empty()) {
    if (node.intAttr("noop_with_empty_axes", 0))
      return std::optional<SmallVector<int64_t>>();
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
  return std::optional<SmallVector<int64_t>>(axes);
}

/// How a ReduceX node maps to moc: an optional elementwise prologue, the
/// reduction, an optional elementwise epilogue.
enum class Prologue { None, Abs, Square, Exp };
enum class Epilogue { None, Sqrt, Log };

template <typename ReduceOp, Prologue prologue = Prologue::None,
          Epilogue epilogue = Epilogue::None, int64_t axesInputOpset = 18>
LogicalResult importReduce(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  FailureOr<std::optional<SmallVector<int64_t>>> axes =
      reductionAxes(node, axesInputOpset);
  if (failed(axes))
    return failure();
  Value x = *input;
  FailureOr<Value> pre = x;
  if (prologue == Prologue::Abs)
    pre = node.create<moc::AbsOp>(x);
  else if (prologue == Prologue::Square)
    pre = node.create<moc::MulOp>(x, x);
  if (failed(pre))
    return failure();
  if (!axes->has_value()) // noop_with_empty_axes: only the elementwise parts.
    return node.setResults({*pre});
  bool keepDims = node.intAttr("keepdims", 1);
  // log(sum(exp(x))) is computed as m + log(sum(exp(x - m))) with m the
  // maximum, so that large inputs do not overflow.
  Value shift;
  if (prologue == Prologue::Exp) {
    FailureOr<Value> max = node.create<moc::ReduceMaxOp>(x, **axes, true);
    if (failed(max))
      return failure();
    shift = *max;
    FailureOr<Value> centered = node.create<moc::SubOp>(x, shift);
    if (failed(centered))
      return failure();
    pre = node.create<moc::ExpOp>(*centered);
    if (failed(pre))
      return failure();
  }
  FailureOr<Value> result =
      node.create<ReduceOp>(*pre, **axes, shift ? true : keepDims);
  if (failed(result))
    return failure();
  if (epilogue == Epilogue::Sqrt)
    result = node.create<moc::SqrtOp>(*result);
  else if (epilogue == Epilogue::Log)
    result = node.create<moc::LogOp>(*result);
  if (failed(result) || !shift)
    return node.setResult(result);
  result = node.create<moc::AddOp>(*result, shift);
  if (failed(result) || keepDims)
    return node.setResult(result);
  SmallVector<int64_t> shape;
  for (auto [d, size] : llvm::enumerate(node.inputType(0).getShape()))
    if (!llvm::is_contained(**axes, int64_t(d)))
      shape.push_back(size);
  return node.setResult(node.reshape(*result, shape));
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
      importReduce<moc::ReduceSumOp, Prologue::Exp, Epilogue::Log>;
  table["ArgMax"] = importArgReduce<moc::ArgMaxOp>;
  table["ArgMin"] = importArgReduce<moc::ArgMinOp>;
}

} // namespace mocc
