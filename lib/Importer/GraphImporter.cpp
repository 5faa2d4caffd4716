//===- GraphImporter.cpp - ONNX graph to a func of moc ops ----------------===//
#include "NodeContext.h"
#include "mocc/Dialect/Moc/IR/MocOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"

#include <onnx/defs/schema.h>

#include "mocc/model.h"

using namespace mlir;

namespace mocc {
namespace {

// 28 is the newest opset of the pinned onnx release (1.23.2), whose node
// tests check the per-op handling of the versions after 23.
constexpr int64_t kMinOpset = 1, kMaxOpset = 28;
// libonnx's checker knows opsets up to 17 only, and ai.onnx.ml up to 3.
constexpr int64_t kNewestCheckedOpset = 17, kNewestCheckedMlOpset = 3;

bool isDefaultDomain(llvm::StringRef domain) {
  return domain.empty() || domain == "ai.onnx";
}

/// The key of a node's op in the importer table: its type, prefixed with its
/// domain outside the default one ("ai.onnx.ml.Binarizer").
std::string opKey(const onnx::NodeProto &node) {
  return isDefaultDomain(node.domain()) ? node.op_type()
                                        : node.domain() + "." + node.op_type();
}

/// Whether tensors of `element` hold codes that only conversions read: the
/// float8 and float4 types and E8M0.
bool isCodedFloat(Type element) {
  return isFloat8(element) || moc::isByteCodedFloat(element);
}

/// The ops that take or give tensors of coded floats: the conversions, and
/// ops that move elements without reading them (below moc, codes move as
/// bytes). Any other op would compute on the codes.
bool takesCodedFloats(llvm::StringRef opKey) {
  static const llvm::StringSet<> ops = {
      "Cast",       "CastLike",     "QuantizeLinear", "DequantizeLinear",
      "BitCast",    "Constant",     "Identity",       "Reshape",
      "Transpose",  "Squeeze",      "Unsqueeze",      "Flatten",
      "Shape",      "Size",         "Concat",         "Split",
      "Slice",      "Gather",       "GatherElements", "GatherND",
      "Tile",       "Expand",       "Where",          "DepthToSpace",
      "SpaceToDepth", "Compress",   "If"};
  return ops.contains(opKey);
}

/// The ONNX name of a coded float type, for errors.
std::string codedFloatName(Type element, MLIRContext *context) {
  for (int32_t onnxType = 1; onnxType <= kOnnxInt2; ++onnxType)
    if (importElementType(onnxType, context) == element)
      return onnxTypeName(onnxType);
  return "this type";
}

class GraphImporter : public SubgraphImporter {
public:
  GraphImporter(OnnxModel &model, MLIRContext &context,
                const ImportOptions &options)
      : model(model), graph(model.proto.graph()), context(context),
        options(options), builder(&context) {}

  OwningOpRef<ModuleOp> import();
  FailureOr<SmallVector<GraphValue>>
  importGraph(const onnx::GraphProto &subgraph, ArrayRef<GraphValue> inputs,
              Location loc) override;

private:
  /// A graph input: the types and names of the tensors that carry it.
  struct InputTensors {
    std::string name;
    int32_t kind; // A mocc_value_kind.
    bool isSequence = false, isAbsent = false;
    SmallVector<RankedTensorType> types;
    SmallVector<std::string> names;
    Type elementType;
  };

  LogicalResult checkOpset();
  LogicalResult checkSupported();
  LogicalResult checkModel();
  FailureOr<SmallVector<InputTensors>> importInputs();
  FailureOr<InputTensors> importInput(const onnx::ValueInfoProto &info);
  FailureOr<RankedTensorType>
  importTensorType(const onnx::TypeProto_Tensor &tensor,
                   const std::vector<int64_t> *fixed, Location loc,
                   llvm::StringRef name);
  LogicalResult bindInputs();
  LogicalResult addOutputs(func::FuncOp func, SmallVectorImpl<Value> &results);
  FailureOr<GraphValue> lookup(const std::string &name, Location user);
  LogicalResult checkRequiredInputs(const onnx::NodeProto &node, Location loc);
  LogicalResult importNode(const onnx::NodeProto &node, size_t index);
  /// Fails unless the node's op takes coded floats or `values` (its operands
  /// or results) hold none.
  LogicalResult checkCodedFloats(const onnx::NodeProto &node, Location loc,
                                 ArrayRef<GraphValue> values);
  Location nodeLocation(const onnx::NodeProto &node, size_t index);

  OnnxModel &model;
  const onnx::GraphProto &graph;
  MLIRContext &context;
  const ImportOptions &options;
  OpBuilder builder;
  int64_t opset = 0;
  llvm::StringMap<GraphValue> values;
  llvm::StringMap<const onnx::TensorProto *> initializers;
  /// Outputs that a node has but mocc does not compute: name -> producer.
  llvm::StringMap<std::string> unsupportedOutputs;
};

LogicalResult GraphImporter::checkOpset() {
  for (const onnx::OperatorSetIdProto &entry : model.proto.opset_import())
    if (isDefaultDomain(entry.domain()))
      opset = entry.version();
  bool usesDefaultDomain = llvm::any_of(graph.node(), [](const auto &node) {
    return isDefaultDomain(node.domain());
  });
  if (!usesDefaultDomain && opset == 0)
    return success();
  if (opset < kMinOpset || opset > kMaxOpset)
    return emitError(UnknownLoc::get(&context))
           << "model imports ONNX opset " << opset << "; mocc supports opsets "
           << kMinOpset << " through " << kMaxOpset;
  return success();
}

/// Lists the unsupported nodes of `graph` and of the graphs its nodes carry.
void collectUnsupported(const onnx::GraphProto &graph,
                        SmallVectorImpl<std::string> &unsupported) {
  const OpImporterTable &importers = getOpImporters();
  for (auto [index, node] : llvm::enumerate(graph.node())) {
    if (!importers.count(opKey(node))) {
      std::string type = opKey(node);
      std::string name = node.name().empty() ? llvm::formatv("#{0}", index).str()
                                             : "'" + node.name() + "'";
      unsupported.push_back(llvm::formatv("{0} ({1})", name, type));
    }
    for (const onnx::AttributeProto &attribute : node.attribute())
      if (attribute.has_g())
        collectUnsupported(attribute.g(), unsupported);
  }
}

LogicalResult GraphImporter::checkSupported() {
  SmallVector<std::string> unsupported;
  collectUnsupported(graph, unsupported);
  if (unsupported.empty())
    return success();
  constexpr size_t kListed = 40;
  std::string list = llvm::join(
      ArrayRef(unsupported).take_front(kListed), ", ");
  if (unsupported.size() > kListed)
    list += llvm::formatv(" and {0} more", unsupported.size() - kListed).str();
  return emitError(UnknownLoc::get(&context))
         << "unsupported operators in " << unsupported.size()
         << (unsupported.size() == 1 ? " node: " : " nodes: ") << list;
}

/// The checker runs once the ops are known to be supported, so that an
/// unsupported model gets the list of all its unsupported nodes.
LogicalResult GraphImporter::checkModel() {
  if (opset > kNewestCheckedOpset ||
      llvm::any_of(model.proto.opset_import(), [](const auto &entry) {
        return entry.domain() == "ai.onnx.ml" &&
               entry.version() > kNewestCheckedMlOpset;
      }))
    return success();
  std::string complaint = checkOnnxModel(model);
  if (complaint.empty())
    return success();
  return emitError(UnknownLoc::get(&context))
         << "invalid ONNX model: " << complaint;
}

FailureOr<RankedTensorType>
GraphImporter::importTensorType(const onnx::TypeProto_Tensor &tensor,
                                const std::vector<int64_t> *fixed, Location loc,
                                llvm::StringRef name) {
  Type element = importElementType(tensor.elem_type(), &context);
  if (!element)
    return emitError(loc) << "has unsupported element type "
                          << onnxTypeName(tensor.elem_type());
  SmallVector<int64_t> shape;
  for (const onnx::TensorShapeProto_Dimension &dim : tensor.shape().dim()) {
    // Some exporters (older Paddle2ONNX) write a dynamic dimension as -1
    // rather than a dim_param; ONNX Runtime reads it as dynamic too.
    bool isDynamic = !dim.has_dim_value() || dim.dim_value() == -1;
    if (!isDynamic && dim.dim_value() < 0)
      return emitError(loc) << "has a negative dimension " << dim.dim_value();
    shape.push_back(isDynamic ? ShapedType::kDynamic : dim.dim_value());
  }
  if (fixed) {
    if (!tensor.has_shape())
      shape.assign(fixed->begin(), fixed->end());
    if (fixed->size() != shape.size())
      return emitError(loc) << "has rank " << shape.size()
                            << ", but --input-shape gives " << fixed->size()
                            << " dimensions";
    for (auto [d, size] : llvm::enumerate(*fixed)) {
      if (ShapedType::isDynamic(size))
        continue;
      if (!ShapedType::isDynamic(shape[d]) && shape[d] != size)
        return emitError(loc) << "has static dimension " << d << " = "
                              << shape[d] << ", but --input-shape gives "
                              << size;
      shape[d] = size;
    }
  }
  if (!tensor.has_shape() && !fixed)
    return emitError(loc) << "has no shape; give one with --input-shape "
                          << name << "=DIMS";
  // Shape arithmetic on it must not overflow.
  int64_t count = 1;
  for (int64_t size : shape)
    if (!ShapedType::isDynamic(size) && size != 0 &&
        llvm::MulOverflow(count, size, count))
      return emitError(loc) << "has more than 2^63 elements";
  return RankedTensorType::get(shape, element);
}

FailureOr<GraphImporter::InputTensors>
GraphImporter::importInput(const onnx::ValueInfoProto &info) {
  const std::string &name = info.name();
  Location loc = NameLoc::get(StringAttr::get(&context, "input '" + name + "'"));
  auto found = options.inputShapes.find(name);
  const InputShape *fixed =
      found == options.inputShapes.end() ? nullptr : &found->second;
  InputTensors input;
  input.name = name;
  const onnx::TypeProto *type = &info.type();
  input.kind = type->has_sequence_type()   ? MOCC_VALUE_SEQUENCE
               : type->has_optional_type() ? MOCC_VALUE_OPTIONAL
                                           : MOCC_VALUE_TENSOR;
  if (type->has_optional_type()) {
    if (fixed && fixed->isAbsent) {
      input.isAbsent = true;
      return input;
    }
    type = &type->optional_type().elem_type();
  } else if (fixed && fixed->isAbsent) {
    return emitError(loc) << "is not an optional, but --input-shape says none";
  }
  if (type->has_sequence_type()) {
    const onnx::TypeProto &element = type->sequence_type().elem_type();
    if (!element.has_tensor_type())
      return emitError(loc) << "is a sequence of non-tensors, which mocc does "
                               "not support";
    if (!fixed || !fixed->isSequence)
      return emitError(loc)
             << "is a sequence: give its length and element shapes with "
                "--input-shape "
             << name << "=[DIMS,DIMS,...]";
    input.isSequence = true;
    input.elementType =
        importElementType(element.tensor_type().elem_type(), &context);
    for (auto [i, shape] : llvm::enumerate(fixed->shapes)) {
      std::string elementName = llvm::formatv("{0}[{1}]", name, i).str();
      FailureOr<RankedTensorType> elementType = importTensorType(
          element.tensor_type(), &shape,
          NameLoc::get(StringAttr::get(&context, "input '" + elementName + "'")),
          elementName);
      if (failed(elementType))
        return failure();
      input.types.push_back(*elementType);
      input.names.push_back(elementName);
    }
    return input;
  }
  if (!type->has_tensor_type())
    return emitError(loc) << "is neither a tensor, a sequence nor an optional";
  if (fixed && fixed->isSequence)
    return emitError(loc) << "is a tensor, but --input-shape gives a sequence";
  FailureOr<RankedTensorType> tensorType = importTensorType(
      type->tensor_type(), fixed ? &fixed->shapes.front() : nullptr, loc, name);
  if (failed(tensorType))
    return failure();
  input.types.push_back(*tensorType);
  input.names.push_back(name);
  return input;
}

FailureOr<SmallVector<GraphImporter::InputTensors>>
GraphImporter::importInputs() {
  SmallVector<InputTensors> inputs;
  for (const onnx::ValueInfoProto &info : graph.input()) {
    if (initializers.count(info.name()) || options.boundInputs.count(info.name()))
      continue;
    FailureOr<InputTensors> input = importInput(info);
    if (failed(input))
      return failure();
    inputs.push_back(std::move(*input));
  }
  // An option that names no input would silently leave it as it was.
  std::string inputNames;
  for (const onnx::ValueInfoProto &info : graph.input())
    if (!initializers.count(info.name()) ||
        options.boundInputs.count(info.name()))
      inputNames += (inputNames.empty() ? "" : ", ") + info.name();
  auto isInput = [&](StringRef name) {
    return llvm::any_of(graph.input(), [&](const onnx::ValueInfoProto &info) {
      return info.name() == name;
    });
  };
  for (const auto &bound : options.boundInputs)
    if (!isInput(bound.getKey()))
      return emitError(UnknownLoc::get(&context))
             << "--bind-input names '" << bound.getKey()
             << "', which is not an input of the model (inputs: "
             << inputNames << ")";
  for (const auto &shaped : options.inputShapes)
    if (!isInput(shaped.getKey()) ||
        (initializers.count(shaped.getKey()) &&
         !options.boundInputs.count(shaped.getKey())))
      return emitError(UnknownLoc::get(&context))
             << "--input-shape names '" << shaped.getKey()
             << "', which is not an input of the model (inputs: "
             << inputNames << ")";
  return inputs;
}

LogicalResult GraphImporter::bindInputs() {
  for (const auto &bound : options.boundInputs) {
    std::string error;
    std::unique_ptr<onnx::TensorProto> tensor =
        readTensorFile(bound.getValue(), error);
    if (!tensor)
      return emitError(UnknownLoc::get(&context)) << error;
    tensor->set_name(bound.getKey().str());
    initializers[bound.getKey()] = tensor.get();
    model.boundTensors.push_back(std::move(tensor));
  }
  return success();
}

FailureOr<GraphValue> GraphImporter::lookup(const std::string &name,
                                            Location user) {
  auto it = values.find(name);
  if (it != values.end())
    return it->second;
  auto init = initializers.find(name);
  if (init != initializers.end()) {
    std::string error;
    Value constant = importConstantTensor(
        builder,
        NameLoc::get(StringAttr::get(&context, "initializer '" + name + "'")),
        *init->second, model, error);
    if (!constant)
      return emitError(user) << error;
    values[name] = constant;
    return GraphValue(constant);
  }
  auto missing = unsupportedOutputs.find(name);
  if (missing != unsupportedOutputs.end())
    return emitError(user) << "uses '" << name << "', an output of "
                           << missing->second << " that mocc does not compute";
  return emitError(user) << "uses '" << name << "', which no node, input or "
                         << "initializer defines before it";
}

Location GraphImporter::nodeLocation(const onnx::NodeProto &node, size_t index) {
  std::string name = node.name().empty() ? llvm::formatv("#{0}", index).str()
                                         : "'" + node.name() + "'";
  return NameLoc::get(StringAttr::get(
      &context, llvm::formatv("node {0} ({1})", name, node.op_type()).str()));
}

/// Op importers may rely on the inputs that the op requires being present.
/// The checker ensures that up to opset 17; past it, the newest schema that
/// libonnx knows (<= 17) still tells which inputs are required: ONNX has made
/// inputs optional or added optional ones since, never made one required.
/// The importers of sequence and optional ops check their operands
/// themselves (OptionalHasElement's input became optional in opset 18).
LogicalResult GraphImporter::checkRequiredInputs(const onnx::NodeProto &node,
                                                 Location loc) {
  if (opset <= kNewestCheckedOpset || takesNonTensors(opKey(node)))
    return success();
  const onnx::OpSchema *schema =
      onnx::OpSchemaRegistry::Schema(node.op_type(), int(opset));
  if (!schema)
    return success();
  for (auto [i, formal] : llvm::enumerate(schema->inputs()))
    if (formal.GetOption() == onnx::OpSchema::Single &&
        (int(i) >= node.input_size() || node.input(int(i)).empty()))
      return emitError(loc) << "expects input " << i << " ('"
                            << formal.GetName() << "') to be present";
  return success();
}

LogicalResult GraphImporter::checkCodedFloats(const onnx::NodeProto &node,
                                              Location loc,
                                              ArrayRef<GraphValue> values) {
  if (takesCodedFloats(opKey(node)))
    return success();
  for (const GraphValue &value : values)
    for (Value tensor : value.tensors()) {
      Type element = getElementTypeOrSelf(tensor.getType());
      if (isCodedFloat(element))
        return emitError(loc)
               << "does not compute on " << codedFloatName(element, &context)
               << " (mocc converts it with Cast, CastLike, QuantizeLinear and "
                  "DequantizeLinear, and moves it with data movement ops only)";
    }
  return success();
}

LogicalResult GraphImporter::importNode(const onnx::NodeProto &node,
                                        size_t index) {
  Location loc = nodeLocation(node, index);
  if (failed(checkRequiredInputs(node, loc)))
    return failure();
  SmallVector<GraphValue> operands;
  for (const std::string &name : node.input()) {
    if (name.empty()) {
      operands.emplace_back();
      continue;
    }
    FailureOr<GraphValue> value = lookup(name, loc);
    if (failed(value))
      return failure();
    if (!value->isTensor() && !takesNonTensors(opKey(node)))
      return emitError(loc) << "takes tensors, but input '" << name << "' is "
                            << value->describe();
    operands.push_back(*value);
  }
  if (failed(checkCodedFloats(node, loc, operands)))
    return failure();
  NodeContext node_context(model, node, opset, std::move(operands), builder,
                           loc, *this);
  std::optional<LogicalResult> imported = importShapeArithmetic(node_context);
  if (!imported)
    imported = getOpImporters().lookup(opKey(node))(node_context);
  if (failed(*imported))
    return failure();
  ArrayRef<GraphValue> results = node_context.results();
  if (failed(checkCodedFloats(node, loc, results)))
    return failure();
  for (auto [i, name] : llvm::enumerate(node.output())) {
    if (name.empty())
      continue;
    if (i < results.size() && results[i].isGiven())
      values[name] = results[i];
    else
      unsupportedOutputs[name] =
          llvm::formatv("{0} (output {1})", loc, i).str();
  }
  return success();
}

FailureOr<SmallVector<GraphValue>>
GraphImporter::importGraph(const onnx::GraphProto &subgraph,
                           ArrayRef<GraphValue> inputs, Location loc) {
  if (int64_t(inputs.size()) != subgraph.input_size())
    return emitError(loc) << "binds " << inputs.size() << " values to a graph of "
                          << subgraph.input_size() << " inputs";
  // The subgraph's names shadow the enclosing ones only while it imports.
  llvm::StringMap<GraphValue> enclosingValues = values;
  llvm::StringMap<const onnx::TensorProto *> enclosingInitializers = initializers;
  llvm::StringMap<std::string> enclosingUnsupported = unsupportedOutputs;
  auto restore = llvm::make_scope_exit([&] {
    values = std::move(enclosingValues);
    initializers = std::move(enclosingInitializers);
    unsupportedOutputs = std::move(enclosingUnsupported);
  });
  for (const onnx::TensorProto &tensor : subgraph.initializer()) {
    values.erase(tensor.name());
    initializers[tensor.name()] = &tensor;
  }
  for (auto [input, value] : llvm::zip(subgraph.input(), inputs))
    values[input.name()] = value;
  for (auto [index, node] : llvm::enumerate(subgraph.node()))
    if (failed(importNode(node, index)))
      return failure();
  SmallVector<GraphValue> outputs;
  for (const onnx::ValueInfoProto &output : subgraph.output()) {
    FailureOr<GraphValue> value = lookup(output.name(), loc);
    if (failed(value))
      return failure();
    outputs.push_back(*value);
  }
  return outputs;
}

/// One [name, kind, tensor count] entry of kInputValuesAttr and
/// kOutputValuesAttr.
Attribute valueEntry(Builder &builder, llvm::StringRef name, int32_t kind,
                     size_t count) {
  return builder.getArrayAttr({builder.getStringAttr(name),
                               builder.getI32IntegerAttr(kind),
                               builder.getI64IntegerAttr(count)});
}

/// The kind of a graph output as the model declares it.
int32_t declaredKind(const onnx::TypeProto &type) {
  return type.has_sequence_type()   ? MOCC_VALUE_SEQUENCE
         : type.has_optional_type() ? MOCC_VALUE_OPTIONAL
                                    : MOCC_VALUE_TENSOR;
}

/// The element type the model declares for an output's tensors (0: none).
int32_t declaredElementType(const onnx::TypeProto &type) {
  if (type.has_optional_type())
    return declaredElementType(type.optional_type().elem_type());
  if (type.has_sequence_type())
    return declaredElementType(type.sequence_type().elem_type());
  return type.tensor_type().elem_type();
}

/// Returns the graph outputs' tensors in `results` and names them, and the
/// values they carry, on `func`.
LogicalResult GraphImporter::addOutputs(func::FuncOp func,
                                        SmallVectorImpl<Value> &results) {
  SmallVector<std::string> names;
  SmallVector<Attribute> entries;
  for (const onnx::ValueInfoProto &output : graph.output()) {
    Location loc = NameLoc::get(
        StringAttr::get(&context, "output '" + output.name() + "'"));
    FailureOr<GraphValue> value = lookup(output.name(), loc);
    if (failed(value))
      return failure();
    int32_t kind = declaredKind(output.type());
    bool fits = kind == MOCC_VALUE_OPTIONAL ? value->isGiven()
                : kind == MOCC_VALUE_SEQUENCE ? value->isSequence()
                                              : value->isTensor();
    if (!fits)
      return emitError(loc) << "is declared a "
                            << (kind == MOCC_VALUE_SEQUENCE ? "sequence"
                                                            : "tensor")
                            << " but computes " << value->describe();
    SmallVector<Value> tensors = value->tensors();
    int32_t declared = declaredElementType(output.type());
    for (auto [i, tensor] : llvm::enumerate(tensors)) {
      Type element = getElementTypeOrSelf(tensor.getType());
      if (declared != 0 && importElementType(declared, &context) != element)
        return emitError(loc) << "is declared " << onnxTypeName(declared)
                              << " but computes " << element;
      results.push_back(tensor);
      names.push_back(value->isSequence()
                          ? llvm::formatv("{0}[{1}]", output.name(), i).str()
                          : output.name());
    }
    entries.push_back(valueEntry(builder, output.name(), kind, tensors.size()));
  }
  builder.create<func::ReturnOp>(UnknownLoc::get(&context), results);
  func.setType(builder.getFunctionType(func.getArgumentTypes(),
                                       ValueRange(results).getTypes()));
  for (auto [i, name] : llvm::enumerate(names))
    func.setResultAttr(i, kTensorNameAttr, builder.getStringAttr(name));
  func->setAttr(kOutputValuesAttr, builder.getArrayAttr(entries));
  return success();
}

OwningOpRef<ModuleOp> GraphImporter::import() {
  if (failed(checkOpset()) || failed(checkSupported()) || failed(checkModel()))
    return nullptr;
  for (const onnx::TensorProto &tensor : graph.initializer())
    initializers[tensor.name()] = &tensor;
  if (failed(bindInputs()))
    return nullptr;
  FailureOr<SmallVector<InputTensors>> inputs = importInputs();
  if (failed(inputs))
    return nullptr;

  SmallVector<Type> inputTypes;
  for (const InputTensors &input : *inputs)
    llvm::append_range(inputTypes, input.types);
  OwningOpRef<ModuleOp> module = ModuleOp::create(UnknownLoc::get(&context));
  builder.setInsertionPointToEnd(module->getBody());
  auto func = builder.create<func::FuncOp>(
      UnknownLoc::get(&context), options.functionName,
      builder.getFunctionType(inputTypes, {}));
  Block *body = func.addEntryBlock();
  SmallVector<Attribute> entries;
  unsigned argument = 0;
  for (const InputTensors &input : *inputs) {
    SmallVector<Value> tensors;
    for (const std::string &name : input.names) {
      func.setArgAttr(argument, kTensorNameAttr, builder.getStringAttr(name));
      tensors.push_back(body->getArgument(argument++));
    }
    values[input.name] =
        input.isAbsent     ? GraphValue::none()
        : input.isSequence ? GraphValue::sequence(tensors, input.elementType)
                           : GraphValue(tensors.front());
    entries.push_back(
        valueEntry(builder, input.name, input.kind, tensors.size()));
  }
  func->setAttr(kInputValuesAttr, builder.getArrayAttr(entries));
  builder.setInsertionPointToEnd(body);
  for (auto [index, node] : llvm::enumerate(graph.node()))
    if (failed(importNode(node, index)))
      return nullptr;
  SmallVector<Value> results;
  if (failed(addOutputs(func, results)))
    return nullptr;
  return module;
}

} // namespace

OwningOpRef<ModuleOp> importOnnxModel(OnnxModel &model, MLIRContext &context,
                                      const ImportOptions &options) {
  // Shape arithmetic on symbolic dimensions is arith and tensor ops
  // (ShapeValues.cpp).
  context.loadDialect<moc::MocDialect, func::FuncDialect, arith::ArithDialect,
                      tensor::TensorDialect>();
  return GraphImporter(model, context, options).import();
}

} // namespace mocc
