//===- SequenceOps.cpp - Importers of the Sequence and Optional ops -------===//
//
// A sequence is imported as the list of its tensors (GraphValue.h), so these
// ops rearrange that list at compile time: positions must be constants, and
// what they produce is ordinary tensor code. SequenceMap unrolls its body
// over the elements.
//
//===----------------------------------------------------------------------===//
#include "OpChain.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;

namespace mocc {
namespace {

/// The most tensors a sequence the importer builds holds: each is code.
constexpr int64_t kMaxSequenceLength = 4096;

/// Operand `i` as a sequence, or an error.
FailureOr<GraphValue> sequenceInput(NodeContext &node, size_t i) {
  GraphValue value = node.graphInput(i);
  if (!value.isSequence())
    return node.emitError() << "expects a sequence as input " << i << ", got "
                            << value.describe();
  return value;
}

/// Operand `i` as a tensor of the sequence's element type, or an error.
FailureOr<Value> elementInput(NodeContext &node, const GraphValue &sequence,
                              size_t i) {
  FailureOr<Value> tensor = node.requiredInput(i);
  if (failed(tensor))
    return failure();
  Type element = getElementTypeOrSelf(tensor->getType());
  if (sequence.elementType() && element != sequence.elementType())
    return node.emitError() << "inserts a tensor of " << element
                            << " into a sequence of " << sequence.elementType();
  return tensor;
}

/// The constant position of operand `i` in a sequence of `length` (a
/// negative one counts from the back); `fallback` when absent. `end` allows
/// the position just past the last element.
FailureOr<int64_t> position(NodeContext &node, size_t i, int64_t length,
                            int64_t fallback, bool end) {
  FailureOr<int64_t> given = node.optionalInt(i, fallback);
  if (failed(given))
    return failure();
  int64_t value = *given, limit = end ? length : length - 1;
  if (value < -length || value > limit)
    return node.emitError() << "has position " << value
                            << " outside a sequence of " << length;
  return value < 0 ? value + length : value;
}

LogicalResult importSequenceConstruct(NodeContext &node) {
  SmallVector<Value> elements;
  for (size_t i = 0; i < node.numInputs(); ++i) {
    FailureOr<Value> element = node.requiredInput(i);
    if (failed(element))
      return failure();
    if (!elements.empty() && getElementTypeOrSelf(element->getType()) !=
                                 getElementTypeOrSelf(elements[0].getType()))
      return node.emitError() << "mixes element types";
    elements.push_back(*element);
  }
  if (elements.empty())
    return node.emitError() << "expects at least one tensor";
  Type element = getElementTypeOrSelf(elements[0].getType());
  return node.setGraphResults({GraphValue::sequence(elements, element)});
}

LogicalResult importSequenceEmpty(NodeContext &node) {
  int64_t dtype = node.intAttr("dtype", 1);
  Type element = importElementType(dtype, node.context());
  if (!element)
    return node.emitError() << "has unsupported dtype " << dtype;
  return node.setGraphResults({GraphValue::sequence({}, element)});
}

LogicalResult importSequenceInsert(NodeContext &node) {
  FailureOr<GraphValue> sequence = sequenceInput(node, 0);
  if (failed(sequence))
    return failure();
  FailureOr<Value> tensor = elementInput(node, *sequence, 1);
  int64_t length = sequence->elements().size();
  if (failed(tensor))
    return failure();
  if (length >= kMaxSequenceLength)
    return node.emitError() << "grows a sequence beyond " << kMaxSequenceLength
                            << " tensors";
  FailureOr<int64_t> at = position(node, 2, length, length, /*end=*/true);
  if (failed(at))
    return failure();
  SmallVector<Value> elements(sequence->elements());
  elements.insert(elements.begin() + *at, *tensor);
  return node.setGraphResults(
      {GraphValue::sequence(elements, getElementTypeOrSelf(tensor->getType()))});
}

LogicalResult importSequenceErase(NodeContext &node) {
  FailureOr<GraphValue> sequence = sequenceInput(node, 0);
  if (failed(sequence))
    return failure();
  int64_t length = sequence->elements().size();
  if (length == 0)
    return node.emitError() << "erases from an empty sequence";
  FailureOr<int64_t> at = position(node, 1, length, length - 1, /*end=*/false);
  if (failed(at))
    return failure();
  SmallVector<Value> elements(sequence->elements());
  elements.erase(elements.begin() + *at);
  return node.setGraphResults(
      {GraphValue::sequence(elements, sequence->elementType())});
}

LogicalResult importSequenceAt(NodeContext &node) {
  FailureOr<GraphValue> sequence = sequenceInput(node, 0);
  if (failed(sequence))
    return failure();
  int64_t length = sequence->elements().size();
  FailureOr<Value> present = node.requiredInput(1);
  if (failed(present))
    return failure();
  FailureOr<int64_t> at = position(node, 1, length, 0, /*end=*/false);
  if (failed(at))
    return failure();
  return node.setResults({sequence->elements()[*at]});
}

LogicalResult importSequenceLength(NodeContext &node) {
  FailureOr<GraphValue> sequence = sequenceInput(node, 0);
  if (failed(sequence))
    return failure();
  return node.setResults(
      {node.int64Constant({int64_t(sequence->elements().size())}, {})});
}

/// The sizes SplitToSequence cuts a dimension of `size` into.
FailureOr<SmallVector<int64_t>> splitSizes(NodeContext &node, int64_t size) {
  if (!node.input(1))
    return SmallVector<int64_t>(size, 1);
  FailureOr<SmallVector<int64_t>> split = node.constantInts(1);
  if (failed(split))
    return failure();
  if (node.inputType(1).getRank() == 0) {
    int64_t chunk = split->front();
    if (chunk <= 0)
      return node.emitError() << "expects a positive split, got " << chunk;
    SmallVector<int64_t> sizes;
    for (int64_t begin = 0; begin < size; begin += chunk)
      sizes.push_back(std::min(chunk, size - begin));
    return sizes;
  }
  int64_t total = 0;
  for (int64_t piece : *split) {
    if (piece < 0 || llvm::AddOverflow(total, piece, total))
      return node.emitError() << "expects non-negative split sizes";
  }
  if (total != size)
    return node.emitError() << "splits " << total << " elements of a dimension of "
                            << size;
  return *split;
}

/// An error unless a sequence holds `count` pieces.
LogicalResult checkPieceCount(NodeContext &node, size_t count) {
  if (int64_t(count) <= kMaxSequenceLength)
    return success();
  return node.emitError() << "splits into " << count
                          << " tensors; mocc builds sequences of at most "
                          << kMaxSequenceLength;
}

LogicalResult importSplitToSequence(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  RankedTensorType type = node.inputType(0);
  FailureOr<int64_t> axis = node.normalizeAxis(node.intAttr("axis", 0), type.getRank());
  if (failed(axis))
    return failure();
  // Sizes read at run time: as many pieces as the split lists.
  if (node.isReadAtRunTime(1) && node.inputType(1).getRank() == 1) {
    FailureOr<SmallVector<OpFoldResult>> elements = node.sizeElements(1);
    if (failed(elements))
      return failure();
    if (failed(checkPieceCount(node, elements->size())))
      return failure();
    return node.setGraphResults({GraphValue::sequence(
        node.splitBySizes(*input, *axis, *elements), type.getElementType())});
  }
  int64_t size = type.getDimSize(*axis);
  if (ShapedType::isDynamic(size))
    return node.emitError() << "splits dimension " << *axis
                            << ", which is dynamic";
  if (size > kMaxComputedConstantElements)
    return node.emitError() << "splits a dimension of more than "
                            << kMaxComputedConstantElements << " elements";
  FailureOr<SmallVector<int64_t>> sizes = splitSizes(node, size);
  if (failed(sizes))
    return failure();
  if (failed(checkPieceCount(node, sizes->size())))
    return failure();
  // Without `split`, keepdims=0 drops the split dimension of each piece.
  bool squeeze = !node.input(1) && node.intAttr("keepdims", 1) == 0;
  SmallVector<int64_t> squeezed(type.getShape());
  squeezed.erase(squeezed.begin() + *axis);
  OpChain ops(node);
  SmallVector<Value> pieces;
  int64_t begin = 0;
  for (int64_t piece : *sizes) {
    Value slice = ops.slice(*input, *axis, begin, begin + piece);
    pieces.push_back(squeeze ? ops.reshape(slice, squeezed) : slice);
    begin += piece;
  }
  if (failed(ops.status()))
    return failure();
  return node.setGraphResults(
      {GraphValue::sequence(pieces, type.getElementType())});
}

LogicalResult importConcatFromSequence(NodeContext &node) {
  FailureOr<GraphValue> sequence = sequenceInput(node, 0);
  if (failed(sequence))
    return failure();
  ArrayRef<Value> elements = sequence->elements();
  if (elements.empty())
    return node.emitError() << "concatenates an empty sequence";
  bool newAxis = node.intAttr("new_axis", 0) != 0;
  int64_t rank = cast<RankedTensorType>(elements[0].getType()).getRank();
  FailureOr<int64_t> axis =
      node.normalizeAxis(node.intAttr("axis", 0), rank + (newAxis ? 1 : 0));
  if (failed(axis))
    return failure();
  OpChain ops(node);
  Value result = newAxis ? ops.stack(elements, *axis)
                         : ops.create<moc::ConcatOp>(ValueRange(elements), *axis);
  if (failed(ops.status()))
    return failure();
  return node.setResults({result});
}

LogicalResult importSequenceMap(NodeContext &node) {
  const onnx::AttributeProto *body = node.attribute("body");
  if (!body || !body->has_g())
    return node.emitError() << "expects the graph attribute 'body'";
  FailureOr<GraphValue> first = sequenceInput(node, 0);
  if (failed(first))
    return failure();
  size_t length = first->elements().size();
  for (size_t i = 1; i < node.numInputs(); ++i) {
    GraphValue operand = node.graphInput(i);
    if (operand.isSequence() && operand.elements().size() != length)
      return node.emitError() << "maps sequences of " << length << " and "
                              << operand.elements().size() << " tensors";
  }
  int64_t outputs = body->g().output_size();
  SmallVector<SmallVector<Value>> mapped(outputs);
  for (size_t step = 0; step < length; ++step) {
    SmallVector<Value> inputs;
    for (size_t i = 0; i < node.numInputs(); ++i) {
      GraphValue operand = node.graphInput(i);
      inputs.push_back(operand.isSequence() ? operand.elements()[step]
                                            : operand.tensor());
    }
    FailureOr<SmallVector<Value>> results =
        node.subgraphs.importSubgraph(body->g(), inputs, node.loc);
    if (failed(results))
      return failure();
    for (int64_t o = 0; o < outputs; ++o)
      mapped[o].push_back((*results)[o]);
  }
  SmallVector<GraphValue> results;
  for (int64_t o = 0; o < outputs; ++o) {
    // An empty input leaves the type to what the body declares.
    int32_t declared =
        body->g().output(o).type().tensor_type().elem_type();
    Type element = mapped[o].empty()
                       ? importElementType(declared, node.context())
                       : getElementTypeOrSelf(mapped[o][0].getType());
    if (!element)
      return node.emitError() << "maps an empty sequence with a body whose "
                                 "output " << o << " has no element type";
    results.push_back(GraphValue::sequence(mapped[o], element));
  }
  return node.setGraphResults(results);
}

LogicalResult importOptional(NodeContext &node) {
  GraphValue content = node.graphInput(0);
  return node.setGraphResults(
      {content.isGiven() ? content : GraphValue::none()});
}

LogicalResult importOptionalHasElement(NodeContext &node) {
  GraphValue content = node.graphInput(0);
  bool present = content.isGiven() && !content.isNone();
  return node.setResults({node.scalar(node.builder.getI1Type(), present)});
}

LogicalResult importOptionalGetElement(NodeContext &node) {
  GraphValue content = node.graphInput(0);
  if (!content.isGiven() || content.isNone())
    return node.emitError() << "gets the element of an empty optional";
  return node.setGraphResults({content});
}

LogicalResult importIdentity(NodeContext &node) {
  GraphValue input = node.graphInput(0);
  if (!input.isGiven())
    return node.emitError() << "expects input 0 to be present";
  return node.setGraphResults({input});
}

const llvm::StringSet<> &nonTensorOps() {
  static const llvm::StringSet<> ops = {
      "ConcatFromSequence", "Identity",       "If",
      "Loop",               "Optional",       "OptionalGetElement",
      "OptionalHasElement", "SequenceAt",     "SequenceConstruct",
      "SequenceEmpty",      "SequenceErase",  "SequenceInsert",
      "SequenceLength",     "SequenceMap"};
  return ops;
}

} // namespace

bool takesNonTensors(llvm::StringRef opKey) {
  return nonTensorOps().contains(opKey);
}

void registerSequenceImporters(OpImporterTable &table) {
  table["ConcatFromSequence"] = importConcatFromSequence;
  table["Identity"] = importIdentity;
  table["Optional"] = importOptional;
  table["OptionalGetElement"] = importOptionalGetElement;
  table["OptionalHasElement"] = importOptionalHasElement;
  table["SequenceAt"] = importSequenceAt;
  table["SequenceConstruct"] = importSequenceConstruct;
  table["SequenceEmpty"] = importSequenceEmpty;
  table["SequenceErase"] = importSequenceErase;
  table["SequenceInsert"] = importSequenceInsert;
  table["SequenceLength"] = importSequenceLength;
  table["SequenceMap"] = importSequenceMap;
  table["SplitToSequence"] = importSplitToSequence;
}

} // namespace mocc
