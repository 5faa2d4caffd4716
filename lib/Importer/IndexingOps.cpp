//===- IndexingOps.cpp - Importers of ONNX gathers, scatters and scans ----===//
//
// GatherElements, ScatterElements (and the deprecated Scatter it replaced),
// ScatterND and CumSum, each one moc op (the importer resolves axes and the
// reduction names of the opset), TensorScatter as a ScatterElements, CumProd
// as a log-step scan of multiplications and OneHot as a comparison with the
// positions along the new axis.
//
//===----------------------------------------------------------------------===//
#include "NodeContext.h"
#include "OpChain.h"
#include "RunTimeAxes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
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
  if (iotaShape[*axis] > kMaxComputedConstantElements)
    return node.emitError() << "expects an update of at most "
                            << kMaxComputedConstantElements << " positions";
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

/// Sets the result of CumSum or CumProd to `scan(axis)`, the axis read from
/// input 1 (a 0-d or one-element tensor): a constant, or a value known at
/// run time only, for which every dimension is scanned and the run takes the
/// one the axis names.
LogicalResult importScan(NodeContext &node,
                         function_ref<FailureOr<Value>(int64_t)> scan) {
  FailureOr<Value> axisInput = node.requiredInput(1);
  if (failed(axisInput))
    return failure();
  int64_t rank = node.inputType(0).getRank();
  RankedTensorType axisType = node.inputType(1);
  if (!matchPattern(*axisInput, m_Constant()) && axisType.hasStaticShape() &&
      axisType.getNumElements() == 1) {
    FailureOr<SmallVector<Value>> named = runTimeAxisMask(node, 1, rank);
    if (failed(named))
      return failure();
    return node.setResult(chooseByAxis(node, *named, scan));
  }
  FailureOr<SmallVector<int64_t>> axisValues = node.constantInts(1);
  if (failed(axisValues))
    return failure();
  if (axisValues->size() != 1)
    return node.emitError()
           << "expects a single axis, got " << axisValues->size() << " values";
  FailureOr<int64_t> axis = node.normalizeAxis(axisValues->front(), rank);
  if (failed(axis))
    return failure();
  return node.setResult(scan(*axis));
}

LogicalResult importCumSum(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  bool exclusive = node.intAttr("exclusive", 0),
       reverse = node.intAttr("reverse", 0);
  return importScan(node, [&](int64_t axis) {
    return node.create<moc::CumSumOp>(*input, axis, exclusive, reverse);
  });
}

/// `value` moved `distance` places along `axis` (towards the end, or the
/// start when `reverse`), the vacated places filled with `fill`.
Value shiftAlong(OpChain &ops, Value value, int64_t axis, int64_t distance,
                 bool reverse, Value fill) {
  if (!value)
    return {};
  auto type = cast<RankedTensorType>(value.getType());
  int64_t size = type.getDimSize(axis);
  Value kept = reverse ? ops.slice(value, axis, distance, size)
                       : ops.slice(value, axis, 0, size - distance);
  SmallVector<int64_t> pads(2 * type.getRank(), 0);
  pads[reverse ? type.getRank() + axis : axis] = distance;
  return ops.create<moc::PadOp>(kept, fill, pads, moc::PadMode::constant);
}

/// CumProd along `axis`: a Hillis-Steele scan, y *= y shifted by 1, 2, 4,
/// ... (log2 of the axis length steps of exact multiplications, so zeros
/// and negative values need no special case); exclusive first shifts the
/// input by one.
FailureOr<Value> cumProd(NodeContext &node, Value input, int64_t axis,
                         bool exclusive, bool reverse) {
  RankedTensorType type = node.inputType(0);
  if (type.isDynamicDim(axis))
    return node.emitError() << "needs a static size along the axis";
  int64_t size = type.getDimSize(axis);
  if (size == 0)
    return input;
  if (exclusive && size == 1)
    return node.splat(type, 1.0);
  Value one = node.scalar(type.getElementType(), 1.0);
  OpChain ops(node);
  Value result = input;
  if (exclusive)
    result = shiftAlong(ops, result, axis, 1, reverse, one);
  for (int64_t distance = 1; distance < size; distance *= 2)
    result = ops.create<moc::MulOp>(
        result, shiftAlong(ops, result, axis, distance, reverse, one));
  if (failed(ops.status()))
    return failure();
  return result;
}

LogicalResult importCumProd(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  bool exclusive = node.intAttr("exclusive", 0),
       reverse = node.intAttr("reverse", 0);
  return importScan(node, [&](int64_t axis) {
    return cumProd(node, *input, axis, exclusive, reverse);
  });
}

/// The depth of OneHot (a one-element tensor of any numeric type) as an i64
/// scalar: a constant, checked to lie in [1, 2^31), or read at run time.
FailureOr<Value> oneHotDepth(NodeContext &node) {
  FailureOr<Value> depth = node.requiredInput(1);
  if (failed(depth))
    return failure();
  OpBuilder &b = node.builder;
  RankedTensorType type = node.inputType(1);
  if (matchPattern(*depth, m_Constant()) || !type.hasStaticShape() ||
      type.getNumElements() != 1) {
    FailureOr<SmallVector<double>> depths = node.constantFloats(1);
    if (failed(depths))
      return failure();
    if (depths->size() != 1 ||
        !(depths->front() >= 1 && depths->front() < 0x1p31))
      return node.emitError() << "expects one depth in [1, 2^31)";
    return b
        .create<arith::ConstantIntOp>(node.loc, int64_t(depths->front()), 64)
        .getResult();
  }
  // Read at run time: a depth below 0 fails the run where the positions
  // 0 .. depth - 1 are made.
  Value value = b.create<tensor::ExtractOp>(
      node.loc, *depth,
      SmallVector<Value>(type.getRank(),
                         b.create<arith::ConstantIndexOp>(node.loc, 0)));
  Type i64 = b.getI64Type();
  if (isa<FloatType>(value.getType()))
    return b.create<arith::FPToSIOp>(node.loc, i64, value).getResult();
  if (value.getType() != i64)
    return b.create<arith::ExtSIOp>(node.loc, i64, value).getResult();
  return value;
}

/// OneHot: values[1] where the (wrapped) index equals the position along the
/// new axis, values[0] elsewhere; indices outside [-depth, depth) match
/// nothing.
LogicalResult importOneHot(NodeContext &node) {
  FailureOr<Value> indices = node.requiredInput(0), values = node.requiredInput(2);
  if (failed(indices) || failed(values))
    return failure();
  FailureOr<Value> depth = oneHotDepth(node);
  if (failed(depth))
    return failure();
  RankedTensorType indicesType = node.inputType(0), valuesType = node.inputType(2);
  if (!indicesType.hasStaticShape())
    return node.emitError() << "needs static indices";
  if (!valuesType.hasStaticShape() || valuesType.getNumElements() != 2)
    return node.emitError() << "expects values of two elements [off, on]";
  int64_t rank = indicesType.getRank();
  FailureOr<int64_t> axis = node.normalizeAxis(node.intAttr("axis", -1), rank + 1);
  if (failed(axis))
    return failure();
  Type i64 = node.builder.getI64Type();
  SmallVector<int64_t> indexShape(indicesType.getShape());
  indexShape.insert(indexShape.begin() + *axis, 1);
  SmallVector<Value> positionShape(
      rank + 1, node.builder.create<arith::ConstantIntOp>(node.loc, 1, 64));
  positionShape[*axis] = *depth;
  FailureOr<Value> positions = node.iota(*depth, i64);
  if (failed(positions))
    return failure();
  positions = node.createOfSizes<moc::ReshapeOp>(*positions, positionShape);
  if (failed(positions))
    return failure();
  OpChain ops(node);
  Value index = ops.reshape(ops.castTo(*indices, i64), indexShape);
  Value wrapped = ops.create<moc::SelectOp>(
      ops.create<moc::LessOp>(index, node.scalar(i64, 0.0)),
      ops.create<moc::AddOp>(index, node.shapeTensor({*depth}, false)), index);
  Value hit = ops.create<moc::EqualOp>(wrapped, *positions);
  Value pair = ops.reshape(*values, {2});
  Value off = ops.reshape(ops.slice(pair, 0, 0, 1), {});
  Value on = ops.reshape(ops.slice(pair, 0, 1, 2), {});
  Value result = ops.create<moc::SelectOp>(hit, on, off);
  if (failed(ops.status()))
    return failure();
  return node.setResults({result});
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
  table["CumProd"] = importCumProd;
  table["OneHot"] = importOneHot;
}

} // namespace mocc
