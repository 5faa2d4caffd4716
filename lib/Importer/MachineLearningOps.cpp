//===- MachineLearningOps.cpp - Importers of the ai.onnx.ml domain --------===//
//
// The classic machine learning ops that are plain tensor arithmetic:
// Binarizer (a threshold), ArrayFeatureExtractor (a gather along the last
// dimension), Scaler, Normalizer, Imputer, LinearRegressor and
// FeatureVectorizer, as ONNX Runtime computes them (their results are f32
// whatever the input type). They are registered as "ai.onnx.ml.<op>".
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

/// Operand `i` as f32 rows [N, C] (a vector is one row), with C static.
FailureOr<Value> featureRows(NodeContext &node, OpChain &ops, size_t i) {
  FailureOr<Value> input = node.requiredInput(i);
  if (failed(input))
    return failure();
  RankedTensorType type = node.inputType(i);
  if (type.getRank() < 1 || type.getRank() > 2 ||
      type.isDynamicDim(type.getRank() - 1))
    return node.emitError() << "expects [N, C] or [C] features of a static C";
  Value rows = *input;
  if (type.getRank() == 1)
    rows = ops.reshape(rows, {1, type.getDimSize(0)});
  return ops.castTo(rows, Float32Type::get(node.context()));
}

/// A per-feature attribute of `features` values, or one for all.
FailureOr<Value> perFeature(NodeContext &node, llvm::StringRef name,
                            int64_t features, float fallback) {
  SmallVector<double> values = node.doublesAttr(name);
  if (values.empty())
    values.push_back(fallback);
  if (values.size() != 1 && int64_t(values.size()) != features)
    return node.emitError() << "expects 1 or " << features << " values in '"
                            << name << "'";
  return node.floatConstant(values, {1, int64_t(values.size())},
                            Float32Type::get(node.context()));
}

/// Scaler: (x - offset) * scale.
LogicalResult importScaler(NodeContext &node) {
  OpChain ops(node);
  FailureOr<Value> rows = featureRows(node, ops, 0);
  if (failed(rows) || failed(ops.status()))
    return failure();
  int64_t features = cast<RankedTensorType>(rows->getType()).getDimSize(1);
  FailureOr<Value> offset = perFeature(node, "offset", features, 0.0f);
  FailureOr<Value> scale = perFeature(node, "scale", features, 1.0f);
  if (failed(offset) || failed(scale))
    return failure();
  Value result = ops.create<moc::MulOp>(ops.create<moc::SubOp>(*rows, *offset),
                                        *scale);
  if (node.inputType(0).getRank() == 1)
    result = ops.reshape(result, {features});
  if (failed(ops.status()))
    return failure();
  return node.setResults({result});
}

/// Normalizer: each row divided by its largest value (MAX), the sum of its
/// magnitudes (L1) or its Euclidean norm (L2).
LogicalResult importNormalizer(NodeContext &node) {
  OpChain ops(node);
  FailureOr<Value> rows = featureRows(node, ops, 0);
  if (failed(rows) || failed(ops.status()))
    return failure();
  std::string norm = node.stringAttr("norm", "MAX");
  SmallVector<int64_t> features = {1};
  Value divisor;
  if (norm == "MAX")
    divisor = ops.create<moc::ReduceMaxOp>(*rows, features, true);
  else if (norm == "L1")
    divisor = ops.create<moc::ReduceSumOp>(ops.create<moc::AbsOp>(*rows),
                                           features, true);
  else if (norm == "L2")
    divisor = ops.create<moc::SqrtOp>(ops.create<moc::ReduceSumOp>(
        ops.create<moc::MulOp>(*rows, *rows), features, true));
  else
    return node.emitError() << "has unknown norm '" << norm << "'";
  Value result = ops.create<moc::DivOp>(*rows, divisor);
  if (node.inputType(0).getRank() == 1)
    result = ops.reshape(result, {node.inputType(0).getDimSize(0)});
  if (failed(ops.status()))
    return failure();
  return node.setResults({result});
}

/// Imputer: elements equal to the replaced value (NaN matches NaN) become
/// the imputed value of their column.
LogicalResult importImputer(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  RankedTensorType type = node.inputType(0);
  Type element = type.getElementType();
  bool isFloat = isa<FloatType>(element);
  SmallVector<double> floats = node.doublesAttr("imputed_value_floats");
  SmallVector<int64_t> ints = node.intsAttr("imputed_value_int64s");
  int64_t count = isFloat ? floats.size() : ints.size();
  int64_t columns = type.getRank() ? type.getDimSize(type.getRank() - 1) : 1;
  if (count == 0 || (count != 1 && (ShapedType::isDynamic(columns) ||
                                    count != columns)))
    return node.emitError() << "expects one imputed value or one per column";
  double replaced = isFloat ? node.floatAttr("replaced_value_float", 0.0f)
                            : double(node.intAttr("replaced_value_int64", 0));
  OpChain ops(node);
  Value matches =
      std::isnan(replaced)
          ? ops.create<moc::NotOp>(ops.create<moc::EqualOp>(*input, *input))
          : ops.create<moc::EqualOp>(*input, node.scalar(element, replaced));
  Value imputed = isFloat ? node.floatConstant(floats, {count}, element)
                          : ops.castTo(node.int64Constant(ints, {count}),
                                       element);
  Value result = ops.create<moc::SelectOp>(matches, imputed, *input);
  if (failed(ops.status()))
    return failure();
  return node.setResults({result});
}

/// LinearRegressor: x . coefficients^T + intercepts, per target.
LogicalResult importLinearRegressor(NodeContext &node) {
  OpChain ops(node);
  FailureOr<Value> rows = featureRows(node, ops, 0);
  if (failed(rows) || failed(ops.status()))
    return failure();
  int64_t features = cast<RankedTensorType>(rows->getType()).getDimSize(1);
  int64_t targets = node.intAttr("targets", 1);
  SmallVector<double> coefficients = node.doublesAttr("coefficients");
  SmallVector<double> intercepts = node.doublesAttr("intercepts");
  if (targets < 1 || targets > kMaxWindow ||
      int64_t(coefficients.size()) % targets != 0 ||
      int64_t(coefficients.size()) / targets != features ||
      (!intercepts.empty() && int64_t(intercepts.size()) != targets))
    return node.emitError() << "expects targets x " << features
                            << " coefficients and one intercept per target";
  std::string transform = node.stringAttr("post_transform", "NONE");
  if (transform != "NONE")
    return node.emitError() << "has post_transform " << transform
                            << ", which mocc does not support";
  Type f32 = Float32Type::get(node.context());
  Value weights = ops.transpose(
      node.floatConstant(coefficients, {targets, features}, f32), {1, 0});
  Value result = ops.create<moc::MatMulOp>(*rows, weights);
  if (!intercepts.empty())
    result = ops.create<moc::AddOp>(
        result, node.floatConstant(intercepts, {1, targets}, f32));
  if (failed(ops.status()))
    return failure();
  return node.setResults({result});
}

/// FeatureVectorizer: the inputs' features side by side, each input cut or
/// zero-padded to its `inputdimensions` entry.
LogicalResult importFeatureVectorizer(NodeContext &node) {
  SmallVector<int64_t> dimensions = node.intsAttr("inputdimensions");
  if (node.numInputs() == 0 || dimensions.size() != node.numInputs())
    return node.emitError() << "expects inputs, and one input dimension each";
  OpChain ops(node);
  SmallVector<Value> pieces;
  for (size_t i = 0; i < node.numInputs(); ++i) {
    FailureOr<Value> rows = featureRows(node, ops, i);
    if (failed(rows) || failed(ops.status()))
      return failure();
    auto type = cast<RankedTensorType>(rows->getType());
    int64_t have = type.getDimSize(1), want = dimensions[i];
    if (want < 0 || want > kMaxWindow)
      return node.emitError() << "has input dimension " << want;
    Value piece = *rows;
    if (have > want)
      piece = ops.slice(piece, 1, 0, want);
    if (have < want)
      piece = ops.create<moc::PadOp>(
          piece, node.scalar(type.getElementType(), 0),
          SmallVector<int64_t>{0, 0, 0, want - have}, moc::PadMode::constant);
    pieces.push_back(piece);
  }
  Value result = ops.create<moc::ConcatOp>(ValueRange(pieces), int64_t(1));
  if (failed(ops.status()))
    return failure();
  return node.setResults({result});
}

} // namespace

void registerMachineLearningImporters(OpImporterTable &table) {
  table["ai.onnx.ml.Binarizer"] = importBinarizer;
  table["ai.onnx.ml.ArrayFeatureExtractor"] = importArrayFeatureExtractor;
  table["ai.onnx.ml.FeatureVectorizer"] = importFeatureVectorizer;
  table["ai.onnx.ml.Imputer"] = importImputer;
  table["ai.onnx.ml.LinearRegressor"] = importLinearRegressor;
  table["ai.onnx.ml.Normalizer"] = importNormalizer;
  table["ai.onnx.ml.Scaler"] = importScaler;
}

} // namespace mocc
