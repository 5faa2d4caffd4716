//===- NodeContext.cpp - What an op importer sees of one ONNX node --------===//
#include "NodeContext.h"

#include "mocc/Importer/OnnxImporter.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/StringExtras.h"

#include <cmath>

using namespace mlir;

namespace mocc {

FailureOr<Value> NodeContext::requiredInput(size_t i) {
  if (Value value = input(i))
    return value;
  return emitError() << "expects input " << i << " to be present";
}

/// The names of the graph inputs that `value` is computed from, sorted.
static SmallVector<std::string> graphInputsBehind(Value value) {
  SmallVector<std::string> names;
  SmallVector<Value> worklist{value};
  DenseSet<Value> seen;
  while (!worklist.empty()) {
    Value next = worklist.pop_back_val();
    if (!seen.insert(next).second)
      continue;
    if (auto argument = dyn_cast<BlockArgument>(next)) {
      auto function =
          dyn_cast<FunctionOpInterface>(argument.getOwner()->getParentOp());
      if (function)
        if (auto name = function.getArgAttrOfType<StringAttr>(
                argument.getArgNumber(), kTensorNameAttr))
          names.push_back(name.str());
      continue;
    }
    Operation *op = next.getDefiningOp();
    if (!op->hasTrait<OpTrait::ConstantLike>())
      llvm::append_range(worklist, op->getOperands());
  }
  llvm::sort(names);
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

FailureOr<ElementsAttr> NodeContext::constantInput(size_t i,
                                                   llvm::StringRef why) {
  FailureOr<Value> value = requiredInput(i);
  if (failed(value))
    return failure();
  ElementsAttr attr;
  if (matchPattern(*value, m_Constant(&attr)))
    return attr;
  InFlightDiagnostic error = emitError()
                             << "input " << i << " ('" << node.input(i)
                             << "') must be a compile-time constant";
  if (!why.empty())
    error << " " << why;
  // Name the graph inputs it depends on: binding them (--bind-input) makes it
  // one.
  if (!isa<BlockArgument>(*value)) {
    SmallVector<std::string> inputs = graphInputsBehind(*value);
    if (!inputs.empty())
      error << "; it is computed from graph input"
            << (inputs.size() == 1 ? " '" : "s '")
            << llvm::join(inputs, "', '") << "'";
  }
  return error;
}

/// Reads every element of a constant as an int64 or double (`Out`).
template <typename Out>
static SmallVector<Out> readElements(ElementsAttr attr) {
  SmallVector<Out> values;
  Type element = attr.getElementType();
  auto push = [&](auto value) { values.push_back(Out(value)); };
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    if (isa<FloatType>(element)) {
      for (APFloat value : dense.getValues<APFloat>())
        push(value.convertToDouble());
    } else {
      bool isUnsigned = element.isUnsignedInteger() || element.isInteger(1);
      for (APInt value : dense.getValues<APInt>())
        push(isUnsigned ? int64_t(value.getZExtValue()) : value.getSExtValue());
    }
    return values;
  }
  auto resource = cast<DenseResourceElementsAttr>(attr);
  AsmResourceBlob *blob = resource.getRawHandle().getBlob();
  if (!blob)
    return values;
  ArrayRef<char> data = blob->getData();
  unsigned bytes = element.getIntOrFloatBitWidth() / 8;
  for (size_t offset = 0; offset + bytes <= data.size(); offset += bytes) {
    uint64_t bits = 0;
    std::memcpy(&bits, data.data() + offset, bytes);
    if (element.isF32()) {
      float f;
      std::memcpy(&f, &bits, 4);
      push(f);
    } else if (element.isF64()) {
      double d;
      std::memcpy(&d, &bits, 8);
      push(d);
    } else if (isa<IntegerType>(element)) {
      push(element.isUnsignedInteger()
               ? int64_t(bits)
               : llvm::SignExtend64(bits, element.getIntOrFloatBitWidth()));
    }
  }
  return values;
}

FailureOr<int64_t> NodeContext::optionalInt(size_t i, int64_t fallback) {
  if (!input(i))
    return fallback;
  FailureOr<SmallVector<int64_t>> values = constantInts(i);
  if (failed(values))
    return failure();
  if (values->size() != 1)
    return emitError() << "expects input " << i << " to be one integer";
  return values->front();
}

FailureOr<SmallVector<int64_t>> NodeContext::constantInts(size_t i) {
  FailureOr<ElementsAttr> attr = constantInput(i);
  if (failed(attr))
    return failure();
  if (!isa<IntegerType>(attr->getElementType()))
    return emitError() << "expects input " << i << " ('" << node.input(i)
                       << "') to hold integers";
  return readElements<int64_t>(*attr);
}

/// Every element of a constant of any float or integer type as a double.
static SmallVector<double> readAsDoubles(ElementsAttr attr) {
  if (isa<FloatType>(attr.getElementType()))
    return readElements<double>(attr);
  SmallVector<double> values;
  for (int64_t v : readElements<int64_t>(attr))
    values.push_back(double(v));
  return values;
}

FailureOr<SmallVector<double>> NodeContext::constantFloats(size_t i) {
  FailureOr<ElementsAttr> attr = constantInput(i);
  if (failed(attr))
    return failure();
  return readAsDoubles(*attr);
}

const onnx::AttributeProto *NodeContext::attribute(llvm::StringRef name) const {
  for (const onnx::AttributeProto &attr : node.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

int64_t NodeContext::intAttr(llvm::StringRef name, int64_t fallback) const {
  const onnx::AttributeProto *attr = attribute(name);
  return attr ? attr->i() : fallback;
}

float NodeContext::floatAttr(llvm::StringRef name, float fallback) const {
  const onnx::AttributeProto *attr = attribute(name);
  return attr ? attr->f() : fallback;
}

std::string NodeContext::stringAttr(llvm::StringRef name,
                                    llvm::StringRef fallback) const {
  const onnx::AttributeProto *attr = attribute(name);
  return attr ? attr->s() : fallback.str();
}

SmallVector<int64_t> NodeContext::intsAttr(llvm::StringRef name) const {
  const onnx::AttributeProto *attr = attribute(name);
  if (!attr)
    return {};
  return SmallVector<int64_t>(attr->ints().begin(), attr->ints().end());
}

SmallVector<float> NodeContext::floatsAttr(llvm::StringRef name) const {
  const onnx::AttributeProto *attr = attribute(name);
  if (!attr)
    return {};
  return SmallVector<float>(attr->floats().begin(), attr->floats().end());
}

SmallVector<double> NodeContext::doublesAttr(llvm::StringRef name) const {
  return llvm::map_to_vector(floatsAttr(name),
                             [](float v) { return double(v); });
}

FailureOr<SmallVector<double>>
NodeContext::tensorAttrValues(llvm::StringRef name) {
  const onnx::AttributeProto *attr = attribute(name);
  if (!attr)
    return SmallVector<double>();
  std::string error;
  ElementsAttr value = importTensor(attr->t(), model, context(), error);
  if (!value)
    return emitError() << "attribute '" << name << "': " << error;
  return readAsDoubles(value);
}

Value NodeContext::fold(Operation *op) {
  SmallVector<OpFoldResult> folded;
  if (failed(op->fold(folded)) || folded.size() != 1)
    return op->getResult(0);
  Value result = op->getResult(0);
  if (auto value = dyn_cast<Value>(folded.front())) {
    if (value == result || value.getType() != result.getType())
      return result;
    op->erase();
    return value;
  }
  auto attr = dyn_cast<ElementsAttr>(cast<Attribute>(folded.front()));
  if (!attr || attr.getType() != result.getType())
    return result;
  op->erase();
  return builder.create<moc::ConstantOp>(loc, attr);
}

Value NodeContext::splat(RankedTensorType type, double value) {
  Type element = type.getElementType();
  Attribute scalarAttr;
  if (auto floatType = dyn_cast<FloatType>(element)) {
    APFloat converted(value);
    bool lost;
    converted.convert(floatType.getFloatSemantics(),
                      APFloat::rmNearestTiesToEven, &lost);
    scalarAttr = FloatAttr::get(floatType, converted);
  } else {
    // A value from a float attribute may not fit: it saturates (NaN is 0)
    // rather than being an undefined conversion.
    int64_t integer = std::isnan(value) ? 0
                      : value >= 0x1p63 ? INT64_MAX
                      : value < -0x1p63 ? INT64_MIN
                                        : int64_t(value);
    scalarAttr = IntegerAttr::get(element, APInt(element.getIntOrFloatBitWidth(),
                                                 uint64_t(integer),
                                                 /*isSigned=*/true));
  }
  return builder.create<moc::ConstantOp>(
      loc, SplatElementsAttr::get(type, scalarAttr));
}

Value NodeContext::floatConstant(ArrayRef<double> values,
                                 ArrayRef<int64_t> shape, Type element) {
  const llvm::fltSemantics &semantics =
      cast<FloatType>(element).getFloatSemantics();
  SmallVector<APFloat> converted;
  for (double value : values) {
    APFloat f(value);
    bool lost;
    f.convert(semantics, APFloat::rmNearestTiesToEven, &lost);
    converted.push_back(f);
  }
  auto type = RankedTensorType::get(shape, element);
  return builder.create<moc::ConstantOp>(loc,
                                         DenseElementsAttr::get(type, converted));
}

Value NodeContext::int64Constant(ArrayRef<int64_t> values,
                                 ArrayRef<int64_t> shape) {
  auto type = RankedTensorType::get(shape, builder.getI64Type());
  return builder.create<moc::ConstantOp>(loc, DenseElementsAttr::get(type, values));
}

FailureOr<Value> NodeContext::reshape(Value value, ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getShape() == shape)
    return value;
  return create<moc::ReshapeOp>(
      RankedTensorType::get(shape, type.getElementType()), value);
}

FailureOr<std::optional<int64_t>> NodeContext::optionalAxis(int64_t rank) {
  if (!hasAttribute("axis"))
    return std::optional<int64_t>();
  FailureOr<int64_t> axis = normalizeAxis(intAttr("axis", 0), rank);
  if (failed(axis))
    return failure();
  return std::optional<int64_t>(*axis);
}

FailureOr<int64_t> NodeContext::normalizeAxis(int64_t axis, int64_t rank,
                                              llvm::StringRef what) {
  // A scalar has no axis: callers index the shape with the result.
  if (axis < -rank || axis >= rank)
    return emitError() << "expects " << what << " in [" << -rank << ", "
                       << rank << "), got " << axis;
  return axis < 0 ? axis + rank : axis;
}

LogicalResult NodeContext::setResults(ArrayRef<Value> values) {
  outputs.assign(values.begin(), values.end());
  return success();
}

LogicalResult NodeContext::setGraphResults(ArrayRef<GraphValue> values) {
  outputs.assign(values.begin(), values.end());
  return success();
}

FailureOr<SmallVector<Value>>
SubgraphImporter::importSubgraph(const onnx::GraphProto &graph,
                                 ArrayRef<Value> inputs, Location loc) {
  SmallVector<GraphValue> graphInputs(inputs.begin(), inputs.end());
  FailureOr<SmallVector<GraphValue>> outputs =
      importGraph(graph, graphInputs, loc);
  if (failed(outputs))
    return failure();
  SmallVector<Value> tensors;
  for (auto [i, output] : llvm::enumerate(*outputs)) {
    if (!output.isTensor())
      return emitError(loc) << "expects tensors from graph '" << graph.name()
                            << "', whose output " << i << " is "
                            << output.describe();
    tensors.push_back(output.tensor());
  }
  return tensors;
}

const OpImporterTable &getOpImporters() {
  static const OpImporterTable table = [] {
    OpImporterTable t;
    registerAttentionImporters(t);
    registerControlFlowImporters(t);
    registerDeformConvImporters(t);
    registerDetectionImporters(t);
    registerDeterminantImporters(t);
    registerEinsumImporters(t);
    registerElementwiseImporters(t);
    registerFourierImporters(t);
    registerGridSampleImporters(t);
    registerIndexedGatherImporters(t);
    registerIndexingImporters(t);
    registerLossImporters(t);
    registerMachineLearningImporters(t);
    registerNeuralNetworkImporters(t);
    registerNgramImporters(t);
    registerNonZeroImporters(t);
    registerPadImporters(t);
    registerQuantizationImporters(t);
    registerRecurrentImporters(t);
    registerReductionImporters(t);
    registerResizeImporters(t);
    registerSequenceImporters(t);
    registerSliceImporters(t);
    registerSignalImporters(t);
    registerTensorImporters(t);
    registerTopKImporters(t);
    registerTreeEnsembleImporters(t);
    registerUniqueImporters(t);
    registerUnpoolingImporters(t);
    return t;
  }();
  return table;
}

} // namespace mocc
