//===- DetectionOps.cpp - Importer of NonMaxSuppression -------------------===//
//
// NonMaxSuppression becomes moc.non_max_suppression, whose result length is
// known only when the model runs. Its limits (max_output_boxes_per_class,
// iou_threshold, score_threshold) must be compile-time constants.
//
//===----------------------------------------------------------------------===//
#include "NodeContext.h"

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

} // namespace

void registerDetectionImporters(OpImporterTable &table) {
  table["NonMaxSuppression"] = importNonMaxSuppression;
}

} // namespace mocc
