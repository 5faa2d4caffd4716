//===- LossOps.cpp - Importers of ONNX loss functions ---------------------===//
//
// NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss, composed from moc
// ops: the class of each target is picked with a one-hot mask (target ==
// iota over the class dimension), which also gives each target's weight.
//
//===----------------------------------------------------------------------===//
#include "NodeContext.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;

namespace mocc {
namespace {

/// The loss and its reduction of NegativeLogLikelihoodLoss on log
/// probabilities `input` (N x C x d1...) and class indices `target`
/// (N x d1...).
FailureOr<Value> negativeLogLikelihood(NodeContext &node, Value input,
                                       Value target, Value weight) {
  auto inputType = cast<RankedTensorType>(input.getType());
  auto targetType = cast<RankedTensorType>(target.getType());
  if (inputType.getRank() < 2 || targetType.getRank() != inputType.getRank() - 1 ||
      !inputType.hasStaticShape() || !targetType.hasStaticShape())
    return node.emitError() << "expects a static input of rank >= 2 and a "
                               "target of one rank less";
  if (!isa<IntegerType>(targetType.getElementType()))
    return node.emitError() << "expects integer targets";
  if (inputType.getDimSize(1) > kMaxComputedConstantElements)
    return node.emitError()
           << "expects at most " << kMaxComputedConstantElements << " classes";
  Type element = inputType.getElementType();
  int64_t classes = inputType.getDimSize(1);

  // One-hot of the target over the class dimension.
  SmallVector<int64_t> expanded(targetType.getShape());
  expanded.insert(expanded.begin() + 1, 1);
  FailureOr<Value> targetColumn = node.reshape(target, expanded);
  if (failed(targetColumn))
    return failure();
  SmallVector<int64_t> iotaShape(inputType.getRank(), 1), positions;
  iotaShape[1] = classes;
  for (int64_t c = 0; c < classes; ++c)
    positions.push_back(c);
  Type indexType = targetType.getElementType();
  SmallVector<Attribute> iotaValues;
  for (int64_t c : positions)
    iotaValues.push_back(IntegerAttr::get(indexType, c));
  Value iota = node.builder.create<moc::ConstantOp>(
      node.loc, DenseElementsAttr::get(RankedTensorType::get(iotaShape, indexType),
                                       iotaValues));
  FailureOr<Value> isTarget = node.create<moc::EqualOp>(iota, *targetColumn);
  if (failed(isTarget))
    return failure();
  FailureOr<Value> oneHot = node.create<moc::CastOp>(
      cast<RankedTensorType>(isTarget->getType()).clone(element), *isTarget);
  if (failed(oneHot))
    return failure();

  // The weight of each target: weight[target], 0 for ignore_index.
  FailureOr<Value> classWeights = *oneHot;
  if (weight) {
    FailureOr<Value> perClass = node.reshape(weight, iotaShape);
    if (failed(perClass))
      return failure();
    classWeights = node.create<moc::MulOp>(*oneHot, *perClass);
    if (failed(classWeights))
      return failure();
  }
  FailureOr<Value> targetWeight =
      node.create<moc::ReduceSumOp>(*classWeights, ArrayRef<int64_t>{1}, false);
  if (failed(targetWeight))
    return failure();
  if (const onnx::AttributeProto *ignore = node.attribute("ignore_index")) {
    Value ignored = node.scalar(indexType, double(ignore->i()));
    FailureOr<Value> isIgnored = node.create<moc::EqualOp>(target, ignored);
    if (failed(isIgnored))
      return failure();
    targetWeight = node.create<moc::SelectOp>(*isIgnored, node.scalar(element, 0),
                                              *targetWeight);
    if (failed(targetWeight))
      return failure();
  }

  // loss = -input[target] * weight[target].
  FailureOr<Value> picked = node.create<moc::MulOp>(input, *classWeights);
  if (failed(picked))
    return failure();
  FailureOr<Value> chosen =
      node.create<moc::ReduceSumOp>(*picked, ArrayRef<int64_t>{1}, false);
  if (failed(chosen))
    return failure();
  if (node.attribute("ignore_index")) {
    // Weighted picks of ignored targets are zero only if their weight is.
    FailureOr<Value> unweighted =
        node.create<moc::ReduceSumOp>(*classWeights, ArrayRef<int64_t>{1}, false);
    if (failed(unweighted))
      return failure();
    FailureOr<Value> keep = node.create<moc::EqualOp>(*targetWeight,
                                                      node.scalar(element, 0));
    if (failed(keep))
      return failure();
    chosen = node.create<moc::SelectOp>(*keep, node.scalar(element, 0), *chosen);
    if (failed(chosen))
      return failure();
  }
  FailureOr<Value> loss = node.create<moc::NegOp>(*chosen);
  if (failed(loss))
    return failure();

  std::string reduction = node.stringAttr("reduction", "mean");
  if (reduction == "none")
    return loss;
  SmallVector<int64_t> all;
  for (int64_t d = 0; d < targetType.getRank(); ++d)
    all.push_back(d);
  FailureOr<Value> total = node.create<moc::ReduceSumOp>(*loss, all, false);
  if (failed(total) || reduction == "sum")
    return total;
  if (reduction != "mean")
    return node.emitError() << "unknown reduction '" << reduction << "'";
  FailureOr<Value> weightTotal =
      node.create<moc::ReduceSumOp>(*targetWeight, all, false);
  if (failed(weightTotal))
    return failure();
  return node.create<moc::DivOp>(*total, *weightTotal);
}

LogicalResult importNegativeLogLikelihoodLoss(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0), target = node.requiredInput(1);
  if (failed(input) || failed(target))
    return failure();
  return node.setResult(
      negativeLogLikelihood(node, *input, *target, node.input(2)));
}

LogicalResult importSoftmaxCrossEntropyLoss(NodeContext &node) {
  FailureOr<Value> scores = node.requiredInput(0), labels = node.requiredInput(1);
  if (failed(scores) || failed(labels))
    return failure();
  FailureOr<Value> logProbabilities = node.create<moc::LogSoftmaxOp>(*scores, 1);
  if (failed(logProbabilities))
    return failure();
  FailureOr<Value> loss =
      negativeLogLikelihood(node, *logProbabilities, *labels, node.input(2));
  if (failed(loss))
    return failure();
  return node.setResults({*loss, *logProbabilities});
}

} // namespace

void registerLossImporters(OpImporterTable &table) {
  table["NegativeLogLikelihoodLoss"] = importNegativeLogLikelihoodLoss;
  table["SoftmaxCrossEntropyLoss"] = importSoftmaxCrossEntropyLoss;
}

} // namespace mocc
