//===- MachineLearningOps.cpp - Importers of the ai.onnx.ml domain --------===//
//
// The classic machine learning ops that are plain tensor arithmetic:
// Binarizer (a threshold) and ArrayFeatureExtractor (a gather along the last
// dimension). They are registered as "ai.onnx.ml.<op>".
//
//===----------------------------------------------------------------------===//
#include "OpChain.h"

#include "mlir/IR/TypeUtilities.h"

using namespace mlir;

namespace mocc {
namespace {

/// Binarizer: 1 where x > threshold, else 0, in x's type.
LogicalResult importBinarizer(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  RankedTensorType type = node.inputType(0);
  OpChain ops(node);
  Value above = ops.create<moc::GreaterOp>(
      *input, node.scalar(type.getElementType(), node.floatAttr("threshold", 0.0f)));
  Value result = ops.castTo(above, type.getElementType());
  if (failed(ops.status()))
    return failure();
  return node.setResults({result});
}

/// ArrayFeatureExtractor: the elements at `indices` (flattened) along the
/// last dimension; a vector's result is one row, as ONNX Runtime's.
LogicalResult importArrayFeatureExtractor(NodeContext &node) {
  FailureOr<Value> data = node.requiredInput(0), indices = node.requiredInput(1);
  if (failed(data) || failed(indices))
    return failure();
  RankedTensorType type = node.inputType(0), indexType = node.inputType(1);
  if (!type.hasStaticShape() || !indexType.hasStaticShape() || type.getRank() == 0)
    return node.emitError() << "needs static shapes and data of rank 1 or more";
  int64_t count = indexType.getNumElements();
  OpChain ops(node);
  Value flatIndices = ops.reshape(*indices, {count});
  Value gathered = ops.create<moc::GatherOp>(*data, flatIndices, type.getRank() - 1);
  SmallVector<int64_t> shape(type.getShape().drop_back());
  if (shape.empty())
    shape.push_back(1);
  shape.push_back(count);
  Value result = ops.reshape(gathered, shape);
  if (failed(ops.status()))
    return failure();
  return node.setResults({result});
}

} // namespace

void registerMachineLearningImporters(OpImporterTable &table) {
  table["ai.onnx.ml.Binarizer"] = importBinarizer;
  table["ai.onnx.ml.ArrayFeatureExtractor"] = importArrayFeatureExtractor;
}

} // namespace mocc
