//===- DetectionOps.cpp - Importers of NonMaxSuppression and RoiAlign -----===//
//
// NonMaxSuppression becomes moc.non_max_suppression, whose result length is
// known only when the model runs. Its limits (max_output_boxes_per_class,
// iou_threshold, score_threshold) must be compile-time constants.
// RoiAlign becomes moc.roi_align, computed in f32.
//
//===----------------------------------------------------------------------===//
#include "OpChain.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlir;

namespace mocc {
namespace {

/// The single value of optional operand `i`, or nothing if it is absent.
FailureOr<std::optional<double>> optionalScalar(NodeContext &node, size_t i) {
  if (!node.input(i))
    return std::optional<double>();
  FailureOr<SmallVector<double>> values = node.constantFloats(i);
  if (failed(values))
    return failure();
  if (values->size() != 1)
    return node.emitError() << "expects one value in input " << i;
  return std::optional<double>(values->front());
}

LogicalResult importNonMaxSuppression(NodeContext &node) {
  FailureOr<Value> boxes = node.requiredInput(0), scores = node.requiredInput(1);
  if (failed(boxes) || failed(scores))
    return failure();
  FailureOr<std::optional<double>> maxOutput = optionalScalar(node, 2);
  FailureOr<std::optional<double>> iou = optionalScalar(node, 3);
  FailureOr<std::optional<double>> scoreThreshold = optionalScalar(node, 4);
  if (failed(maxOutput) || failed(iou) || failed(scoreThreshold))
    return failure();
  // No limit selects nothing, as ONNX's reference does; a negative one too.
  int64_t limit = std::max<int64_t>(0, int64_t(maxOutput->value_or(0)));
  FloatAttr threshold;
  if (*scoreThreshold)
    threshold = node.builder.getF32FloatAttr(float(**scoreThreshold));
  auto type = RankedTensorType::get({ShapedType::kDynamic, 3},
                                    node.builder.getI64Type());
  return node.setResult(node.create<moc::NonMaxSuppressionOp>(
      type, *boxes, *scores, node.builder.getI64IntegerAttr(limit),
      node.builder.getF32FloatAttr(float(iou->value_or(0.0))), threshold,
      node.builder.getBoolAttr(node.intAttr("center_point_box", 0) != 0)));
}

LogicalResult importRoiAlign(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0), rois = node.requiredInput(1),
                   batch = node.requiredInput(2);
  if (failed(input) || failed(rois) || failed(batch))
    return failure();
  RankedTensorType type = node.inputType(0);
  if (type.getRank() != 4 || !type.hasStaticShape() ||
      !node.inputType(1).hasStaticShape() || !node.inputType(2).hasStaticShape())
    return node.emitError() << "needs a static input [N, C, H, W], rois and "
                               "batch indices";
  std::string mode = llvm::StringRef(node.stringAttr("mode", "avg")).lower();
  if (mode != "avg" && mode != "max")
    return node.emitError() << "has unknown mode '" << mode << "'";
  // Opset 10 shifts no half pixel (what opset 16 calls output_half_pixel).
  std::string transformation = node.stringAttr(
      "coordinate_transformation_mode",
      node.opset >= 16 ? "half_pixel" : "output_half_pixel");
  if (transformation != "half_pixel" && transformation != "output_half_pixel")
    return node.emitError() << "has unknown coordinate_transformation_mode '"
                            << transformation << "'";
  int64_t height = node.intAttr("output_height", 1);
  int64_t width = node.intAttr("output_width", 1);
  int64_t samplingRatio = node.intAttr("sampling_ratio", 0);
  if (outsideWindowRange({height, width}, 1) ||
      outsideWindowRange({samplingRatio}, 0))
    return node.emitError() << "expects positive output sizes and a "
                               "non-negative sampling_ratio";
  int64_t regions = node.inputType(2).getNumElements();
  Type f32 = Float32Type::get(node.context());
  OpChain ops(node);
  Value pooled = ops.create<moc::RoiAlignOp>(
      RankedTensorType::get({regions, type.getDimSize(1), height, width}, f32),
      ops.castTo(*input, f32), ops.castTo(*rois, f32),
      ops.castTo(ops.reshape(*batch, {regions}), node.builder.getI64Type()),
      mode == "max", transformation == "half_pixel", samplingRatio,
      llvm::APFloat(node.floatAttr("spatial_scale", 1.0f)));
  Value result = ops.castTo(pooled, type.getElementType());
  if (failed(ops.status()))
    return failure();
  return node.setResults({result});
}

} // namespace

void registerDetectionImporters(OpImporterTable &table) {
  table["NonMaxSuppression"] = importNonMaxSuppression;
  table["RoiAlign"] = importRoiAlign;
}

} // namespace mocc
