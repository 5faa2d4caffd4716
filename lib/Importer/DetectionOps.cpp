//===- DetectionOps.cpp - Importers of NonMaxSuppression and RoiAlign -----===//
//
// NonMaxSuppression becomes moc.non_max_suppression, whose result length is
// known only when the model runs, as its limits (max_output_boxes_per_class,
// iou_threshold, score_threshold) may be.
// RoiAlign becomes moc.roi_align, computed in f32.
//
//===----------------------------------------------------------------------===//
#include "OpChain.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlir;

namespace mocc {
namespace {

/// Optional operand `i` (one value) as a 0-d tensor of `element`, or
/// `fallback` (null if none) when it is absent.
FailureOr<Value> limitOperand(NodeContext &node, size_t i, Type element,
                              std::optional<double> fallback) {
  Value operand = node.input(i);
  if (!operand)
    return fallback ? node.scalar(element, *fallback) : Value();
  RankedTensorType type = node.inputType(i);
  if (!type.hasStaticShape() || type.getNumElements() != 1)
    return node.emitError() << "expects one value in input " << i;
  OpChain ops(node);
  Value limit = ops.castTo(ops.reshape(operand, {}), element);
  if (failed(ops.status()))
    return failure();
  return limit;
}

/// NonMaxSuppression: its limits (max_output_boxes_per_class, iou_threshold,
/// score_threshold) may be known at run time only. No limit selects nothing,
/// as ONNX's reference does.
LogicalResult importNonMaxSuppression(NodeContext &node) {
  FailureOr<Value> boxes = node.requiredInput(0), scores = node.requiredInput(1);
  if (failed(boxes) || failed(scores))
    return failure();
  OpBuilder &b = node.builder;
  FailureOr<Value> limit = limitOperand(node, 2, b.getI64Type(), 0.0);
  FailureOr<Value> iou = limitOperand(node, 3, b.getF32Type(), 0.0);
  FailureOr<Value> scoreThreshold =
      limitOperand(node, 4, b.getF32Type(), std::nullopt);
  if (failed(limit) || failed(iou) || failed(scoreThreshold))
    return failure();
  auto type = RankedTensorType::get({ShapedType::kDynamic, 3}, b.getI64Type());
  return node.setResult(node.create<moc::NonMaxSuppressionOp>(
      type, *boxes, *scores, *limit, *iou, *scoreThreshold,
      b.getBoolAttr(node.intAttr("center_point_box", 0) != 0)));
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
