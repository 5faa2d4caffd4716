//===- NodeContext.h - What an op importer sees of one ONNX node -*- C++ -*-===//
//
// Op importers translate one ONNX node into moc ops. They read the node's
// attributes and operands through a NodeContext, build ops with `create`,
// which verifies each op at once so bad models fail with a located error,
// and finish with `setResults`.
//
//===----------------------------------------------------------------------===//
#ifndef MOCC_LIB_IMPORTER_NODECONTEXT_H
#define MOCC_LIB_IMPORTER_NODECONTEXT_H

#include "GraphValue.h"
#include "OnnxModel.h"

#include "mocc/Dialect/Moc/IR/MocOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"

namespace mocc {

/// The most elements of a sizes, counts or scales operand (a shape, pads,
/// repeats) that the importer reads at run time, one value each.
constexpr int64_t kMaxRunTimeSizeElements = 4096;

/// Imports the graphs that If, Loop and Scan nodes carry as attributes.
class SubgraphImporter {
public:
  virtual ~SubgraphImporter() = default;
  /// Imports `graph`, an attribute of the node at `loc`, at the builder's
  /// insertion point with its inputs bound to `inputs`; the values of the
  /// enclosing graphs stay visible. Returns the graph's outputs.
  virtual mlir::FailureOr<llvm::SmallVector<GraphValue>>
  importGraph(const onnx::GraphProto &graph, llvm::ArrayRef<GraphValue> inputs,
              mlir::Location loc) = 0;
  /// `importGraph` for a graph of tensors: an output that is not one is an
  /// error.
  mlir::FailureOr<llvm::SmallVector<mlir::Value>>
  importSubgraph(const onnx::GraphProto &graph,
                 llvm::ArrayRef<mlir::Value> inputs, mlir::Location loc);
};

class NodeContext {
public:
  NodeContext(OnnxModel &model, const onnx::NodeProto &node, int64_t opset,
              llvm::SmallVector<GraphValue> operands, mlir::OpBuilder &builder,
              mlir::Location loc, SubgraphImporter &subgraphs)
      : model(model), node(node), opset(opset), builder(builder), loc(loc),
        subgraphs(subgraphs), operands(std::move(operands)) {
    for (const GraphValue &operand : this->operands)
      inputs.push_back(operand.tensor());
  }

  OnnxModel &model;
  const onnx::NodeProto &node;
  /// The version of the default-domain opset the model imports.
  const int64_t opset;
  mlir::OpBuilder &builder;
  const mlir::Location loc;
  SubgraphImporter &subgraphs;

  mlir::MLIRContext *context() const { return builder.getContext(); }

  //===--- Operands ---===//
  size_t numInputs() const { return inputs.size(); }
  /// Operand `i`, or null if it is absent (missing or empty name).
  mlir::Value input(size_t i) const {
    return i < inputs.size() ? inputs[i] : mlir::Value();
  }
  /// Operand `i` of any kind, for the ops that take sequences and optionals.
  GraphValue graphInput(size_t i) const {
    return i < operands.size() ? operands[i] : GraphValue();
  }
  mlir::RankedTensorType inputType(size_t i) const {
    return llvm::cast<mlir::RankedTensorType>(inputs[i].getType());
  }
  /// Whether operand `i` is given and not a constant: an operand the op
  /// reads at run time.
  bool isReadAtRunTime(size_t i) const;
  /// Operand `i` or an error naming it if it is absent.
  mlir::FailureOr<mlir::Value> requiredInput(size_t i);
  /// The constant value of operand `i`, or an error saying that it must be a
  /// compile-time constant (`why`, if given, says what for).
  mlir::FailureOr<mlir::ElementsAttr> constantInput(size_t i,
                                                    llvm::StringRef why = "");
  /// The constant integers of operand `i` (any integer type).
  mlir::FailureOr<llvm::SmallVector<int64_t>> constantInts(size_t i);
  /// The constant integer of operand `i` (one element), or `fallback` when
  /// the operand is absent.
  mlir::FailureOr<int64_t> optionalInt(size_t i, int64_t fallback);
  /// The constant of operand `i` as doubles (one value for a scalar).
  mlir::FailureOr<llvm::SmallVector<double>> constantFloats(size_t i);
  /// The elements of operand `i`, a 0-d or 1-D integer tensor of sizes or
  /// counts, as i64 scalars: constants where the importer knows them (a
  /// constant, or arithmetic on the model's symbolic dimensions, see
  /// ShapeValues.cpp), values read from the tensor at run time elsewhere:
  /// at most kMaxRunTimeSizeElements of them.
  mlir::FailureOr<llvm::SmallVector<mlir::OpFoldResult>>
  sizeElements(size_t i);
  /// An element of `sizeElements` as an i64 scalar.
  mlir::Value int64Value(mlir::OpFoldResult element);
  /// The elements of operand `i`, a 0-d or 1-D float tensor of static length
  /// (scales, a region), as `type` scalars: constants if it is one, read at
  /// run time otherwise.
  mlir::FailureOr<llvm::SmallVector<mlir::Value>>
  floatElements(size_t i, mlir::FloatType type);

  //===--- Attributes ---===//
  const onnx::AttributeProto *attribute(llvm::StringRef name) const;
  bool hasAttribute(llvm::StringRef name) const { return attribute(name); }
  int64_t intAttr(llvm::StringRef name, int64_t fallback) const;
  float floatAttr(llvm::StringRef name, float fallback) const;
  std::string stringAttr(llvm::StringRef name, llvm::StringRef fallback) const;
  llvm::SmallVector<int64_t> intsAttr(llvm::StringRef name) const;
  llvm::SmallVector<float> floatsAttr(llvm::StringRef name) const;
  /// `floatsAttr` widened to doubles.
  llvm::SmallVector<double> doublesAttr(llvm::StringRef name) const;
  /// The elements of the tensor attribute `name` as doubles; none if absent.
  mlir::FailureOr<llvm::SmallVector<double>>
  tensorAttrValues(llvm::StringRef name);

  //===--- Building ---===//
  /// Creates and verifies an op, folded at once where it folds (so shape
  /// arithmetic on constants yields constants that later nodes can read). On
  /// failure the op is erased and its diagnostic has been emitted.
  template <typename OpTy, typename... Args>
  mlir::FailureOr<mlir::Value> create(Args &&...args) {
    auto op = builder.create<OpTy>(loc, std::forward<Args>(args)...);
    if (mlir::failed(mlir::verify(op))) {
      op->erase();
      return mlir::failure();
    }
    return fold(op);
  }
  /// A constant of `type` whose every element is `value`.
  mlir::Value splat(mlir::RankedTensorType type, double value);
  /// A 0-d constant of `element` type holding `value`.
  /// A 0-d tensor holding the scalar `value` (of any type).
  mlir::Value scalarTensor(mlir::Value value);
  mlir::Value scalar(mlir::Type element, double value) {
    return splat(mlir::RankedTensorType::get({}, element), value);
  }
  /// A constant i64 tensor of `shape` holding `values`.
  /// A constant of `element` (a float type) and `shape` holding `values`,
  /// rounded to nearest even.
  mlir::Value floatConstant(llvm::ArrayRef<double> values,
                            llvm::ArrayRef<int64_t> shape, mlir::Type element);
  mlir::Value int64Constant(llvm::ArrayRef<int64_t> values,
                            llvm::ArrayRef<int64_t> shape);
  /// Dimension `d` of `tensor` as an i64 scalar (a constant if static).
  mlir::Value dimAsInt64(mlir::Value tensor, int64_t d);
  /// The tensor of i64 (or i1) scalars `elements`, 1-D or, if not
  /// `isVector`, 0-d (one element): a constant if they all are.
  mlir::Value shapeTensor(llvm::ArrayRef<mlir::Value> elements,
                          bool isVector = true);
  /// The type of `like` with `sizes` (i64 scalars): static where they are
  /// constants, the others returned in `dynamic` as indices. Fails on a
  /// negative constant.
  mlir::FailureOr<mlir::RankedTensorType>
  typeOfSizes(mlir::RankedTensorType like, llvm::ArrayRef<mlir::Value> sizes,
              llvm::SmallVectorImpl<mlir::Value> &dynamic);
  /// An `OpTy` (moc.reshape or moc.broadcast) of `input` to `sizes` (i64
  /// scalars).
  template <typename OpTy>
  mlir::FailureOr<mlir::Value>
  createOfSizes(mlir::Value input, llvm::ArrayRef<mlir::Value> sizes) {
    llvm::SmallVector<mlir::Value> dynamic;
    mlir::FailureOr<mlir::RankedTensorType> type = typeOfSizes(
        llvm::cast<mlir::RankedTensorType>(input.getType()), sizes, dynamic);
    if (mlir::failed(type))
      return mlir::failure();
    return create<OpTy>(*type, input, dynamic);
  }
  /// Fails the run, with `message` after the node's name, unless `actual`
  /// equals `expected` (integer or index scalars): moc.assert_equal, for a
  /// relation between values read at run time that no tensor op checks.
  void assertEqual(mlir::Value actual, mlir::Value expected,
                   llvm::StringRef message);
  /// Fails the run with `message` if `value` (an integer scalar) is 0.
  void assertNonZero(mlir::Value value, llvm::StringRef message);
  /// Requires the i1 `condition`: an error now with `message` if it is the
  /// constant false, a check at run time if it is known only then.
  mlir::LogicalResult require(mlir::Value condition, llvm::StringRef message);
  /// `input` cut along `axis` into pieces of `sizes` (i64 scalars, some known
  /// at run time only); the run checks that they add up to the dimension.
  llvm::SmallVector<mlir::Value>
  splitBySizes(mlir::Value input, int64_t axis,
               llvm::ArrayRef<mlir::OpFoldResult> sizes);
  /// 0, 1, ..., count - 1 (an i64 scalar) as `element`s: the exclusive
  /// running sum of ones.
  mlir::FailureOr<mlir::Value> iota(mlir::Value count, mlir::Type element);
  /// `value` reshaped (row-major) to `shape`.
  mlir::FailureOr<mlir::Value> reshape(mlir::Value value,
                                       llvm::ArrayRef<int64_t> shape);

  /// The normalized `axis` attribute of an op that works on its flattened
  /// input without one (Compress, Unique): nothing if absent.
  mlir::FailureOr<std::optional<int64_t>> optionalAxis(int64_t rank);

  /// Normalizes a possibly negative axis of a rank-`rank` tensor, or fails
  /// with an error naming the attribute.
  mlir::FailureOr<int64_t> normalizeAxis(int64_t axis, int64_t rank,
                                         llvm::StringRef what = "axis");

  //===--- Results ---===//
  mlir::LogicalResult setResults(llvm::ArrayRef<mlir::Value> values);
  mlir::LogicalResult setGraphResults(llvm::ArrayRef<GraphValue> values);
  mlir::LogicalResult setResult(mlir::FailureOr<mlir::Value> value) {
    if (mlir::failed(value))
      return mlir::failure();
    return setResults({*value});
  }
  llvm::ArrayRef<GraphValue> results() const { return outputs; }

  /// An error at this node.
  mlir::InFlightDiagnostic emitError() { return mlir::emitError(loc); }

private:
  /// The folded value of `op` (erasing it), or its result.
  mlir::Value fold(mlir::Operation *op);

  llvm::SmallVector<GraphValue> operands;
  /// The tensors of `operands`, null where an operand is not a tensor.
  llvm::SmallVector<mlir::Value> inputs;
  llvm::SmallVector<GraphValue> outputs;
};

/// A convolution of `input` by `weight` (+ `bias`, may be null) with the
/// node's Conv attributes (kernel_shape, strides, dilations, pads, auto_pad,
/// group).
mlir::FailureOr<mlir::Value> createConv(NodeContext &node, mlir::Value input,
                                        mlir::Value weight, mlir::Value bias);

/// Whether `element` is one of the float8 types.
bool isFloat8(mlir::Type element);

/// `value` cast to `element`; to a float8 type with `saturate` (ONNX's
/// default), values beyond its finite range become its largest magnitude
/// first (infinities included; NaN stays NaN). To FLOAT8E8M0, the node's
/// `round_mode` rounds and `saturate` applies as ONNX's Cast says; FLOAT4E2M1
/// always saturates.
mlir::FailureOr<mlir::Value> castSaturating(NodeContext &node,
                                            mlir::Value value,
                                            mlir::Type element, bool saturate);

/// Bounds of window sizes, strides, dilations, pads and spatial sizes that
/// keep the window arithmetic of shape inference well inside int64.
inline constexpr int64_t kMaxWindow = int64_t(1) << 30;

/// Whether a value of `values` is below `min` or above kMaxWindow.
inline bool outsideWindowRange(llvm::ArrayRef<int64_t> values, int64_t min) {
  return llvm::any_of(values,
                      [&](int64_t v) { return v < min || v > kMaxWindow; });
}

/// The most elements of a constant that an importer computes element by
/// element (masks, iotas, windows): 16 Mi, a 4096 x 4096 mask. A larger one
/// is an error, not minutes and gigabytes of compile time.
inline constexpr int64_t kMaxComputedConstantElements = int64_t(1) << 24;

/// Whether the op `opKey` takes operands other than tensors (sequences,
/// optionals); every other op gets an error for them before it imports.
bool takesNonTensors(llvm::StringRef opKey);

/// Imports one node; returns failure after emitting an error.
using OpImporter = mlir::LogicalResult (*)(NodeContext &);

/// Imports a node of integer arithmetic on a model's dimensions (Gather,
/// Concat, Mul, ... of Shape's results) element by element (ShapeValues.cpp);
/// nothing if the node is not one, and its op's importer runs.
std::optional<mlir::LogicalResult> importShapeArithmetic(NodeContext &node);

/// Op key -> importer: the op type in the default ONNX domain, and
/// "<domain>.<type>" in others (ai.onnx.ml).
using OpImporterTable = llvm::StringMap<OpImporter>;

void registerAttentionImporters(OpImporterTable &table);
void registerControlFlowImporters(OpImporterTable &table);
void registerDeformConvImporters(OpImporterTable &table);
void registerDetectionImporters(OpImporterTable &table);
void registerDeterminantImporters(OpImporterTable &table);
void registerEinsumImporters(OpImporterTable &table);
void registerElementwiseImporters(OpImporterTable &table);
void registerFourierImporters(OpImporterTable &table);
void registerGridSampleImporters(OpImporterTable &table);
void registerIndexedGatherImporters(OpImporterTable &table);
void registerIndexingImporters(OpImporterTable &table);
void registerLossImporters(OpImporterTable &table);
void registerMachineLearningImporters(OpImporterTable &table);
void registerNeuralNetworkImporters(OpImporterTable &table);
void registerNgramImporters(OpImporterTable &table);
void registerNonZeroImporters(OpImporterTable &table);
void registerPadImporters(OpImporterTable &table);
void registerQuantizationImporters(OpImporterTable &table);
void registerRecurrentImporters(OpImporterTable &table);
void registerReductionImporters(OpImporterTable &table);
void registerResizeImporters(OpImporterTable &table);
void registerSequenceImporters(OpImporterTable &table);
void registerSliceImporters(OpImporterTable &table);
void registerSignalImporters(OpImporterTable &table);
void registerTensorImporters(OpImporterTable &table);
void registerTopKImporters(OpImporterTable &table);
void registerTreeEnsembleImporters(OpImporterTable &table);
void registerUniqueImporters(OpImporterTable &table);
void registerUnpoolingImporters(OpImporterTable &table);

/// The table of every supported op.
const OpImporterTable &getOpImporters();

} // namespace mocc

#endif // MOCC_LIB_IMPORTER_NODECONTEXT_H
