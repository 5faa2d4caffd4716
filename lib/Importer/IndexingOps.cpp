//===- IndexingOps.cpp - Importers of ONNX gathers, scatters and scans ----===//
//
// GatherElements, ScatterElements (and the deprecated Scatter it replaced),
// ScatterND and CumSum, each one moc op (the importer resolves axes and the
// reduction names of the opset), and TensorScatter as a ScatterElements.
//
//===----------------------------------------------------------------------===//
#include "NodeContext.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;

namespace mocc {
namespace {

LogicalResult importGatherElements(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0),
                   indices = node.requiredInput(1);
  if (failed(input) || failed(indices))
    return failure();
  FailureOr<int64_t> axis =
      node.normalizeAxis(node.intAttr("axis", 0), node.inputType(0).getRank());
  if (failed(axis))
    return failure();
  return node.setResult(
      node.create<moc::GatherElementsOp>(*input, *indices, *axis));
}

/// The `reduction` attribute of ScatterElements and ScatterND (opset 16:
/// none, add, mul; opset 18: also max, min).
FailureOr<moc::ScatterReduction> scatterReduction(NodeContext &node) {
  std::string name = node.stringAttr("reduction", "none");
  std::optional<moc::ScatterReduction> reduction =
      moc::symbolizeScatterReduction(name);
  if (!reduction)
    return node.emitError() << "unknown reduction '" << name << "'";
  return *reduction;
}

LogicalResult importScatterElements(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0),
                   indices = node.requiredInput(1),
                   updates = node.requiredInput(2);
  if (failed(input) || failed(indices) || failed(updates))
    return failure();
  FailureOr<int64_t> axis =
      node.normalizeAxis(node.intAttr("axis", 0), node.inputType(0).getRank());
  FailureOr<moc::ScatterReduction> reduction = scatterReduction(node);
  if (failed(axis) || failed(reduction))
    return failure();
  return node.setResult(node.create<moc::ScatterElementsOp>(
      *input, *indices, *updates, *axis, *reduction));
}

LogicalResult importScatterND(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0),
                   indices = node.requiredInput(1),
                   updates = node.requiredInput(2);
  if (failed(input) || failed(indices) || failed(updates))
    return failure();
  FailureOr<moc::ScatterReduction> reduction = scatterReduction(node);
  if (failed(reduction))
    return failure();
  return node.setResult(
      node.create<moc::ScatterNDOp>(*input, *indices, *updates, *reduction));
}

/// TensorScatter (opset 24, KV cache updates) as ScatterElements along the
/// sequence axis: update position (b, ..., s, ...) writes the cache at
/// sequence index write_indices[b] + s (modulo the cache length when
/// circular).
LogicalResult importTensorScatter(NodeContext &node) {
  FailureOr<Value> cache = node.requiredInput(0),
                   update = node.requiredInput(1);
  if (failed(cache) || failed(update))
    return failure();
  RankedTensorType cacheType = node.inputType(0),
                   updateType = node.inputType(1);
  int64_t rank = cacheType.getRank();
  FailureOr<int64_t> axis = node.normalizeAxis(node.intAttr("axis", -2), rank);
  if (failed(axis))
    return failure();
  if (*axis == 0 || updateType.getRank() != rank ||
      !updateType.hasStaticShape() || cacheType.isDynamicDim(*axis))
    return node.emitError() << "expects a static update of the cache's rank "
                               "and a sequence axis other than the batch";
  std::string mode = node.stringAttr("mode", "linear");
  if (mode != "linear" && mode != "circular")
    return node.emitError() << "unknown mode '" << mode << "'";
  Type i64 = node.builder.getI64Type();
  // Sequence positions along the axis, broadcast over the other dimensions.
  SmallVector<int64_t> iotaShape(rank, 1), positions;
  iotaShape[*axis] = updateType.getDimSize(*axis);
  for (int64_t s = 0; s < iotaShape[*axis]; ++s)
    positions.push_back(s);
  Value indices = node.builder.create<moc::ConstantOp>(
      node.loc, DenseElementsAttr::get(RankedTensorType::get(iotaShape, i64),
                                       ArrayRef<int64_t>(positions)));
  if (Value writeIndices = node.input(2)) {
    SmallVector<int64_t> batchShape(rank, 1);
    batchShape[0] = updateType.getDimSize(0);
    FailureOr<Value> starts = node.reshape(writeIndices, batchShape);
    if (failed(starts))
      return failure();
    if (getElementTypeOrSelf(starts->getType()) != i64)
      starts = node.create<moc::CastOp>(RankedTensorType::get(batchShape, i64),
                                        *starts);
    if (failed(starts))
      return failure();
    FailureOr<Value> sum = node.create<moc::AddOp>(indices, *starts);
    if (failed(sum))
      return failure();
    indices = *sum;
  }
  FailureOr<Value> full = node.create<moc::BroadcastOp>(
      RankedTensorType::get(updateType.getShape(), i64), indices);
  if (failed(full))
    return failure();
  if (mode == "circular") {
    full = node.create<moc::ModOp>(
        *full, node.scalar(i64, double(cacheType.getDimSize(*axis))));
    if (failed(full))
      return failure();
  }
  return node.setResult(node.create<moc::ScatterElementsOp>(
      *cache, *full, *update, *axis, moc::ScatterReduction::none));
}

/// CumSum: the axis is an input (a 0-d or one-element tensor) that must be a
/// compile-time constant.
LogicalResult importCumSum(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  FailureOr<SmallVector<int64_t>> axisValues = node.constantInts(1);
  if (failed(axisValues))
    return failure();
  if (axisValues->size() != 1)
    return node.emitError()
           << "expects a single axis, got " << axisValues->size() << " values";
  FailureOr<int64_t> axis =
      node.normalizeAxis(axisValues->front(), node.inputType(0).getRank());
  if (failed(axis))
    return failure();
  return node.setResult(node.create<moc::CumSumOp>(
      *input, *axis, bool(node.intAttr("exclusive", 0)),
      bool(node.intAttr("reverse", 0))));
}

} // namespace

void registerIndexingImporters(OpImporterTable &table) {
  table["GatherElements"] = importGatherElements;
  table["ScatterElements"] = importScatterElements;
  // Scatter (opsets 9-10) is ScatterElements without reduction.
  table["Scatter"] = importScatterElements;
  table["ScatterND"] = importScatterND;
  table["TensorScatter"] = importTensorScatter;
  table["CumSum"] = importCumSum;
}

} // namespace mocc
