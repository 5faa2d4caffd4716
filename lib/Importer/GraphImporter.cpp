//===- GraphImporter.cpp - ONNX graph to a func of moc ops ----------------===//
#include "NodeContext.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"

#include <onnx/defs/schema.h>

using namespace mlir;

namespace mocc {
namespace {

// 28 is the newest opset of the pinned onnx release (1.23.2), whose node
// tests check the per-op handling of the versions after 23.
constexpr int64_t kMinOpset = 1, kMaxOpset = 28;
// libonnx's checker knows opsets up to 17 only.
constexpr int64_t kNewestCheckedOpset = 17;

bool isDefaultDomain(llvm::StringRef domain) {
  return domain.empty() || domain == "ai.onnx";
}

/// The key of a node's op in the importer table: its type, prefixed with its
/// domain outside the default one ("ai.onnx.ml.Binarizer").
std::string opKey(const onnx::NodeProto &node) {
  return isDefaultDomain(node.domain()) ? node.op_type()
                                        : node.domain() + "." + node.op_type();
}

class GraphImporter : public SubgraphImporter {
public:
  GraphImporter(OnnxModel &model, MLIRContext &context,
                const ImportOptions &options)
      : model(model), graph(model.proto.graph()), context(context),
        options(options), builder(&context) {}

  OwningOpRef<ModuleOp> import();
  FailureOr<SmallVector<Value>>
  importSubgraph(const onnx::GraphProto &subgraph, ArrayRef<Value> inputs,
                 Location loc) override;

private:
  LogicalResult checkOpset();
  LogicalResult checkSupported();
  LogicalResult checkModel();
  LogicalResult importInputs(SmallVectorImpl<Type> &types,
                             SmallVectorImpl<std::string> &names);
  FailureOr<RankedTensorType> importInputType(const onnx::ValueInfoProto &info);
  LogicalResult bindInputs();
  FailureOr<Value> lookup(const std::string &name, Location user);
  LogicalResult checkRequiredInputs(const onnx::NodeProto &node, Location loc);
  LogicalResult importNode(const onnx::NodeProto &node, size_t index);
  Location nodeLocation(const onnx::NodeProto &node, size_t index);

  OnnxModel &model;
  const onnx::GraphProto &graph;
  MLIRContext &context;
  const ImportOptions &options;
  OpBuilder builder;
  int64_t opset = 0;
  llvm::StringMap<Value> values;
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
  if (opset > kNewestCheckedOpset)
    return success();
  std::string complaint = checkOnnxModel(model);
  if (complaint.empty())
    return success();
  return emitError(UnknownLoc::get(&context))
         << "invalid ONNX model: " << complaint;
}

FailureOr<RankedTensorType>
GraphImporter::importInputType(const onnx::ValueInfoProto &info) {
  Location loc = NameLoc::get(StringAttr::get(&context, "input '" + info.name() + "'"));
  if (!info.type().has_tensor_type())
    return emitError(loc) << "is not a tensor; mocc supports tensor inputs only";
  const onnx::TypeProto_Tensor &tensor = info.type().tensor_type();
  Type element = importElementType(tensor.elem_type(), &context);
  if (!element)
    return emitError(loc) << "has unsupported element type "
                          << onnxTypeName(tensor.elem_type());
  SmallVector<int64_t> shape;
  for (const onnx::TensorShapeProto_Dimension &dim : tensor.shape().dim()) {
    if (dim.has_dim_value() && dim.dim_value() < 0)
      return emitError(loc) << "has a negative dimension " << dim.dim_value();
    shape.push_back(dim.has_dim_value() ? dim.dim_value() : ShapedType::kDynamic);
  }
  auto fixed = options.inputShapes.find(info.name());
  if (fixed != options.inputShapes.end()) {
    if (!tensor.has_shape())
      shape.assign(fixed->second.begin(), fixed->second.end());
    if (fixed->second.size() != shape.size())
      return emitError(loc) << "has rank " << shape.size()
                            << ", but --input-shape gives "
                            << fixed->second.size() << " dimensions";
    for (auto [d, size] : llvm::enumerate(fixed->second)) {
      if (!ShapedType::isDynamic(shape[d]) && shape[d] != size)
        return emitError(loc) << "has static dimension " << d << " = "
                              << shape[d] << ", but --input-shape gives "
                              << size;
      shape[d] = size;
    }
  }
  if (!tensor.has_shape())
    return emitError(loc) << "has no shape; give one with --input-shape "
                          << info.name() << "=DIMS";
  // Shape arithmetic on it must not overflow.
  int64_t count = 1;
  for (int64_t size : shape)
    if (!ShapedType::isDynamic(size) && size != 0 &&
        llvm::MulOverflow(count, size, count))
      return emitError(loc) << "has more than 2^63 elements";
  return RankedTensorType::get(shape, element);
}

LogicalResult GraphImporter::importInputs(SmallVectorImpl<Type> &types,
                                          SmallVectorImpl<std::string> &names) {
  for (const onnx::ValueInfoProto &info : graph.input()) {
    if (initializers.count(info.name()) || options.boundInputs.count(info.name()))
      continue;
    FailureOr<RankedTensorType> type = importInputType(info);
    if (failed(type))
      return failure();
    types.push_back(*type);
    names.push_back(info.name());
  }
  for (const auto &bound : options.boundInputs)
    if (llvm::none_of(graph.input(), [&](const onnx::ValueInfoProto &info) {
          return info.name() == bound.getKey();
        }))
      return emitError(UnknownLoc::get(&context))
             << "--bind-input names '" << bound.getKey()
             << "', which is not an input of the model";
  return success();
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

FailureOr<Value> GraphImporter::lookup(const std::string &name, Location user) {
  auto it = values.find(name);
  if (it != values.end())
    return it->second;
  auto init = initializers.find(name);
  if (init != initializers.end()) {
    std::string error;
    ElementsAttr value = importTensor(*init->second, model, &context, error);
    if (!value)
      return emitError(user) << error;
    Value constant = builder.create<moc::ConstantOp>(
        NameLoc::get(StringAttr::get(&context, "initializer '" + name + "'")),
        value);
    values[name] = constant;
    return constant;
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
LogicalResult GraphImporter::checkRequiredInputs(const onnx::NodeProto &node,
                                                 Location loc) {
  if (opset <= kNewestCheckedOpset)
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

LogicalResult GraphImporter::importNode(const onnx::NodeProto &node,
                                        size_t index) {
  Location loc = nodeLocation(node, index);
  if (failed(checkRequiredInputs(node, loc)))
    return failure();
  SmallVector<Value> operands;
  for (const std::string &name : node.input()) {
    if (name.empty()) {
      operands.push_back(nullptr);
      continue;
    }
    FailureOr<Value> value = lookup(name, loc);
    if (failed(value))
      return failure();
    operands.push_back(*value);
  }
  NodeContext node_context(model, node, opset, std::move(operands), builder,
                           loc, *this);
  if (failed(getOpImporters().lookup(opKey(node))(node_context)))
    return failure();
  ArrayRef<Value> results = node_context.results();
  for (auto [i, name] : llvm::enumerate(node.output())) {
    if (name.empty())
      continue;
    if (i < results.size() && results[i])
      values[name] = results[i];
    else
      unsupportedOutputs[name] =
          llvm::formatv("{0} (output {1})", loc, i).str();
  }
  return success();
}

FailureOr<SmallVector<Value>>
GraphImporter::importSubgraph(const onnx::GraphProto &subgraph,
                              ArrayRef<Value> inputs, Location loc) {
  if (int64_t(inputs.size()) != subgraph.input_size())
    return emitError(loc) << "binds " << inputs.size() << " values to a graph of "
                          << subgraph.input_size() << " inputs";
  // The subgraph's names shadow the enclosing ones only while it imports.
  llvm::StringMap<Value> enclosingValues = values;
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
  SmallVector<Value> outputs;
  for (const onnx::ValueInfoProto &output : subgraph.output()) {
    FailureOr<Value> value = lookup(output.name(), loc);
    if (failed(value))
      return failure();
    outputs.push_back(*value);
  }
  return outputs;
}

OwningOpRef<ModuleOp> GraphImporter::import() {
  if (failed(checkOpset()) || failed(checkSupported()) || failed(checkModel()))
    return nullptr;
  for (const onnx::TensorProto &tensor : graph.initializer())
    initializers[tensor.name()] = &tensor;
  if (failed(bindInputs()))
    return nullptr;

  SmallVector<Type> inputTypes;
  SmallVector<std::string> inputNames;
  if (failed(importInputs(inputTypes, inputNames)))
    return nullptr;

  OwningOpRef<ModuleOp> module = ModuleOp::create(UnknownLoc::get(&context));
  builder.setInsertionPointToEnd(module->getBody());
  auto func = builder.create<func::FuncOp>(
      UnknownLoc::get(&context), options.functionName,
      builder.getFunctionType(inputTypes, {}));
  Block *body = func.addEntryBlock();
  for (auto [i, name] : llvm::enumerate(inputNames)) {
    values[name] = body->getArgument(i);
    func.setArgAttr(i, kTensorNameAttr, builder.getStringAttr(name));
  }
  builder.setInsertionPointToEnd(body);
  for (auto [index, node] : llvm::enumerate(graph.node()))
    if (failed(importNode(node, index)))
      return nullptr;

  SmallVector<Value> results;
  for (const onnx::ValueInfoProto &output : graph.output()) {
    Location loc = NameLoc::get(
        StringAttr::get(&context, "output '" + output.name() + "'"));
    FailureOr<Value> value = lookup(output.name(), loc);
    if (failed(value))
      return nullptr;
    int32_t declared = output.type().tensor_type().elem_type();
    Type element = getElementTypeOrSelf(value->getType());
    if (declared != 0 && importElementType(declared, &context) != element) {
      emitError(loc) << "is declared " << onnxTypeName(declared)
                     << " but computes " << element;
      return nullptr;
    }
    results.push_back(*value);
  }
  builder.create<func::ReturnOp>(UnknownLoc::get(&context), results);
  func.setType(builder.getFunctionType(inputTypes, ValueRange(results).getTypes()));
  for (auto [i, output] : llvm::enumerate(graph.output()))
    func.setResultAttr(i, kTensorNameAttr, builder.getStringAttr(output.name()));
  return module;
}

} // namespace

OwningOpRef<ModuleOp> importOnnxModel(OnnxModel &model, MLIRContext &context,
                                      const ImportOptions &options) {
  context.loadDialect<moc::MocDialect, func::FuncDialect>();
  return GraphImporter(model, context, options).import();
}

} // namespace mocc
