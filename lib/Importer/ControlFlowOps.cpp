//===- ControlFlowOps.cpp - Importers of If, Loop and Scan ----------------===//
//
// Control flow is imported by unrolling it into straight-line moc ops, which
// static shapes make possible: Scan runs over a static sequence length, Loop
// over a constant trip count, and an If whose condition is known at compile
// time imports its taken branch only. Each unrolled body is imported with its
// iteration number as a constant, so the shape arithmetic inside it folds.
//
// A condition known only at run time selects between values that are all
// computed: an If computes both branches (their outputs must have one type),
// and a Loop keeps its state unchanged once the condition turns false. Such
// a Loop cannot have scan outputs, whose length would be known at run time.
//
//===----------------------------------------------------------------------===//
#include "OpChain.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;

namespace mocc {
namespace {

/// Unrolling stops with an error beyond this many iterations.
constexpr int64_t kMaxUnrolledIterations = 4096;

/// The value of a condition known at compile time.
std::optional<bool> knownCondition(Value condition) {
  DenseElementsAttr attr;
  if (!condition || !matchPattern(condition, m_Constant(&attr)) ||
      attr.getNumElements() != 1 || !attr.getElementType().isInteger(1))
    return std::nullopt;
  return !(*attr.value_begin<APInt>()).isZero();
}

FailureOr<const onnx::GraphProto *> graphAttribute(NodeContext &node,
                                                    llvm::StringRef name) {
  const onnx::AttributeProto *attribute = node.attribute(name);
  if (!attribute || !attribute->has_g())
    return node.emitError() << "expects the graph attribute '" << name << "'";
  return &attribute->g();
}

/// The scalar form of a one-element condition.
Value scalarCondition(OpChain &ops, Value condition) {
  return ops.reshape(condition, {});
}

/// `whenTrue` where `predicate` holds, else `whenFalse`: tensors of one
/// type, or sequences of one length whose elements pair up so. Null when
/// they do not pair up (nothing is reported).
std::optional<GraphValue> select(OpChain &ops, Value predicate,
                                 const GraphValue &whenTrue,
                                 const GraphValue &whenFalse) {
  if (whenTrue.isTensor() && whenFalse.isTensor()) {
    if (whenTrue.tensor().getType() != whenFalse.tensor().getType())
      return std::nullopt;
    return GraphValue(ops.create<moc::SelectOp>(predicate, whenTrue.tensor(),
                                                whenFalse.tensor()));
  }
  if (!whenTrue.isSequence() || !whenFalse.isSequence() ||
      whenTrue.elements().size() != whenFalse.elements().size())
    return std::nullopt;
  SmallVector<Value> elements;
  for (auto [a, b] : llvm::zip(whenTrue.elements(), whenFalse.elements())) {
    if (a.getType() != b.getType())
      return std::nullopt;
    elements.push_back(ops.create<moc::SelectOp>(predicate, a, b));
  }
  return GraphValue::sequence(elements, whenTrue.elementType());
}

/// Fails, saying that operand `i` (a condition) must be a compile-time
/// constant `why`: the error names the graph inputs to bind.
LogicalResult requireConstant(NodeContext &node, size_t i,
                              const std::string &why) {
  if (failed(node.constantInput(i, why)))
    return failure();
  return node.emitError() << "needs conditions known at compile time " << why;
}

LogicalResult importIf(NodeContext &node) {
  FailureOr<Value> condition = node.requiredInput(0);
  FailureOr<const onnx::GraphProto *> thenBranch = graphAttribute(node, "then_branch");
  FailureOr<const onnx::GraphProto *> elseBranch = graphAttribute(node, "else_branch");
  if (failed(condition) || failed(thenBranch) || failed(elseBranch))
    return failure();
  if (std::optional<bool> known = knownCondition(*condition)) {
    FailureOr<SmallVector<GraphValue>> taken = node.subgraphs.importGraph(
        **(*known ? thenBranch : elseBranch), {}, node.loc);
    if (failed(taken))
      return failure();
    return node.setGraphResults(*taken);
  }
  FailureOr<SmallVector<GraphValue>> onTrue =
      node.subgraphs.importGraph(**thenBranch, {}, node.loc);
  if (failed(onTrue))
    return failure();
  FailureOr<SmallVector<GraphValue>> onFalse =
      node.subgraphs.importGraph(**elseBranch, {}, node.loc);
  if (failed(onFalse))
    return failure();
  if (onTrue->size() != onFalse->size())
    return node.emitError() << "has branches of " << onTrue->size() << " and "
                            << onFalse->size() << " outputs";
  OpChain ops(node);
  Value predicate = scalarCondition(ops, *condition);
  SmallVector<GraphValue> results;
  for (auto [i, pair] : llvm::enumerate(llvm::zip(*onTrue, *onFalse))) {
    auto [whenTrue, whenFalse] = pair;
    std::optional<GraphValue> merged = select(ops, predicate, whenTrue, whenFalse);
    if (!merged)
      return requireConstant(
          node, 0,
          llvm::formatv("to choose its output {0}, {1} in one branch and {2} "
                        "in the other",
                        i, whenTrue.describe(), whenFalse.describe()));
    results.push_back(*merged);
  }
  if (failed(ops.status()))
    return failure();
  return node.setGraphResults(results);
}

LogicalResult importLoop(NodeContext &node) {
  FailureOr<const onnx::GraphProto *> body = graphAttribute(node, "body");
  if (failed(body))
    return failure();
  std::optional<int64_t> tripCount;
  if (node.input(0)) {
    FailureOr<SmallVector<int64_t>> count = node.constantInts(0);
    if (failed(count))
      return failure();
    if (count->size() != 1)
      return node.emitError() << "expects a single trip count";
    tripCount = std::max<int64_t>(count->front(), 0);
  }
  Value condition = node.input(1);
  if (!condition)
    condition = node.splat(RankedTensorType::get({}, node.builder.getI1Type()), 1);
  if (!tripCount && !knownCondition(condition))
    return node.emitError() << "needs a constant trip count or condition";

  int64_t stateCount = int64_t(node.numInputs()) - 2;
  if (stateCount < 0)
    return node.emitError() << "expects a trip count and a condition (either "
                               "may be empty) before its loop-carried values";
  SmallVector<GraphValue> state;
  for (int64_t i = 0; i < stateCount; ++i)
    state.push_back(node.graphInput(i + 2));
  int64_t scanCount = (*body)->output_size() - 1 - stateCount;
  if (scanCount < 0)
    return node.emitError() << "has a body of too few outputs";
  // Scan outputs are as long as the loop runs, which must be known.
  if (scanCount && node.input(1) && failed(node.constantInput(1)))
    return failure();
  SmallVector<SmallVector<Value>> scanPieces(scanCount);
  OpChain ops(node);
  // Set once the condition is a run-time value: later iterations only take
  // effect while it holds.
  Value running;
  if (!knownCondition(condition))
    running = scalarCondition(ops, condition);
  for (int64_t i = 0;; ++i) {
    if (tripCount && i >= *tripCount)
      break;
    if (!running && !*knownCondition(condition))
      break;
    if (i >= kMaxUnrolledIterations)
      return node.emitError() << "runs more than " << kMaxUnrolledIterations
                              << " iterations, the most mocc unrolls";
    SmallVector<GraphValue> inputs{node.int64Constant({i}, {}), condition};
    llvm::append_range(inputs, state);
    FailureOr<SmallVector<GraphValue>> outputs =
        node.subgraphs.importGraph(**body, inputs, node.loc);
    if (failed(outputs))
      return failure();
    Value nextCondition = (*outputs)[0].tensor();
    if (!nextCondition)
      return node.emitError() << "has a body whose condition is not a tensor";
    for (int64_t s = 0; s < stateCount; ++s) {
      const GraphValue &next = (*outputs)[1 + s];
      if (!running) {
        state[s] = next;
        continue;
      }
      std::optional<GraphValue> kept = select(ops, running, next, state[s]);
      if (!kept)
        return requireConstant(
            node, 1,
            llvm::formatv("to carry loop value {0}, {1} before an iteration "
                          "and {2} after",
                          s, state[s].describe(), next.describe()));
      state[s] = *kept;
    }
    for (int64_t s = 0; s < scanCount; ++s) {
      Value piece = (*outputs)[1 + stateCount + s].tensor();
      if (!piece)
        return node.emitError() << "has a scan output that is not a tensor";
      scanPieces[s].push_back(piece);
    }
    if (running)
      running = ops.create<moc::AndOp>(running, scalarCondition(ops, nextCondition));
    else if (!knownCondition(nextCondition))
      running = scalarCondition(ops, nextCondition);
    condition = nextCondition;
    if (failed(ops.status()))
      return failure();
  }
  if (scanCount && running)
    return node.emitError() << "has scan outputs and a run-time condition; "
                               "their length is known only at run time";
  SmallVector<GraphValue> results(state);
  for (ArrayRef<Value> pieces : scanPieces) {
    if (pieces.empty())
      return node.emitError() << "runs no iteration, so its scan outputs have "
                                 "no known shape";
    results.push_back(ops.stack(pieces, 0));
  }
  if (failed(ops.status()))
    return failure();
  return node.setGraphResults(results);
}

/// The per-input (or per-output) attribute `name`, `count` values defaulting
/// to 0.
FailureOr<SmallVector<int64_t>> perOperand(NodeContext &node, llvm::StringRef name,
                                           int64_t count) {
  SmallVector<int64_t> values = node.intsAttr(name);
  if (values.empty())
    values.assign(count, 0);
  if (int64_t(values.size()) != count)
    return node.emitError() << "expects " << count << " values in '" << name
                            << "'";
  return values;
}

/// How a Scan walks its scan inputs and builds its scan outputs.
struct ScanLayout {
  SmallVector<int64_t> inputAxes, inputDirections, outputAxes, outputDirections;
};

/// Unrolls `body` over the scan inputs `sequences` (of one static length),
/// threading `state`; returns the final state and the stacked scan outputs.
FailureOr<SmallVector<Value>> unrollScan(NodeContext &node,
                                         const onnx::GraphProto &body,
                                         SmallVector<Value> state,
                                         ArrayRef<Value> sequences,
                                         const ScanLayout &layout) {
  int64_t stateCount = state.size();
  int64_t scanOutputs = body.output_size() - stateCount;
  int64_t length = -1;
  for (auto [j, sequence] : llvm::enumerate(sequences)) {
    int64_t size = cast<RankedTensorType>(sequence.getType())
                       .getDimSize(layout.inputAxes[j]);
    if (ShapedType::isDynamic(size) || (length >= 0 && size != length))
      return node.emitError() << "needs scan inputs of one static length";
    length = size;
  }
  if (length > kMaxUnrolledIterations)
    return node.emitError() << "scans " << length << " steps; mocc unrolls at most "
                            << kMaxUnrolledIterations;
  SmallVector<SmallVector<Value>> scanPieces(scanOutputs);
  OpChain ops(node);
  for (int64_t t = 0; t < length; ++t) {
    SmallVector<Value> inputs(state);
    for (auto [j, sequence] : llvm::enumerate(sequences)) {
      int64_t axis = layout.inputAxes[j];
      int64_t step = layout.inputDirections[j] ? length - 1 - t : t;
      auto type = cast<RankedTensorType>(sequence.getType());
      SmallVector<int64_t> sliceShape(type.getShape());
      sliceShape.erase(sliceShape.begin() + axis);
      inputs.push_back(ops.reshape(ops.slice(sequence, axis, step, step + 1),
                                   sliceShape));
    }
    if (failed(ops.status()))
      return failure();
    FailureOr<SmallVector<Value>> outputs =
        node.subgraphs.importSubgraph(body, inputs, node.loc);
    if (failed(outputs))
      return failure();
    for (int64_t s = 0; s < stateCount; ++s)
      state[s] = (*outputs)[s];
    for (int64_t s = 0; s < scanOutputs; ++s)
      scanPieces[s].push_back((*outputs)[stateCount + s]);
  }
  SmallVector<Value> results(state);
  for (int64_t s = 0; s < scanOutputs; ++s) {
    if (scanPieces[s].empty())
      return node.emitError() << "scans no step, so its scan outputs have no "
                                 "known shape";
    if (layout.outputDirections[s])
      std::reverse(scanPieces[s].begin(), scanPieces[s].end());
    int64_t rank = cast<RankedTensorType>(scanPieces[s][0].getType()).getRank() + 1;
    FailureOr<int64_t> axis =
        node.normalizeAxis(layout.outputAxes[s], rank, "scan_output_axes");
    if (failed(axis))
      return failure();
    results.push_back(ops.stack(scanPieces[s], *axis));
  }
  if (failed(ops.status()))
    return failure();
  return results;
}

/// Scan before opset 9 has a batch dimension in front of its states and
/// scan inputs (sequences along dimension 1) and scans each batch entry on
/// its own; sequence_lens must leave every sequence whole.
LogicalResult importBatchedScan(NodeContext &node, const onnx::GraphProto &body,
                                int64_t scanInputs) {
  int64_t stateCount = int64_t(node.numInputs()) - 1 - scanInputs;
  int64_t scanOutputs = body.output_size() - stateCount;
  if (scanInputs <= 0 || stateCount < 0 || scanOutputs < 0)
    return node.emitError() << "has inconsistent scan input and output counts";
  ScanLayout layout;
  layout.inputAxes.assign(scanInputs, 0);
  layout.inputDirections = node.intsAttr("directions");
  if (layout.inputDirections.empty())
    layout.inputDirections.assign(scanInputs, 0);
  if (int64_t(layout.inputDirections.size()) != scanInputs)
    return node.emitError() << "expects " << scanInputs << " directions";
  layout.outputAxes.assign(scanOutputs, 0);
  layout.outputDirections.assign(scanOutputs, 0);
  SmallVector<Value> operands;
  for (int64_t i = 1; i < int64_t(node.numInputs()); ++i) {
    FailureOr<Value> operand = node.requiredInput(i);
    if (failed(operand))
      return failure();
    auto type = cast<RankedTensorType>(operand->getType());
    if (!type.hasStaticShape() || type.getRank() < (i > stateCount ? 2 : 1))
      return node.emitError() << "needs static batched states and scan inputs";
    operands.push_back(*operand);
  }
  int64_t batch = cast<RankedTensorType>(operands.front().getType()).getDimSize(0);
  if (node.input(0)) {
    FailureOr<SmallVector<int64_t>> lengths = node.constantInts(0);
    if (failed(lengths))
      return failure();
    int64_t full = cast<RankedTensorType>(operands.back().getType()).getDimSize(1);
    if (llvm::any_of(*lengths, [&](int64_t l) { return l != full; }))
      return node.emitError() << "supports sequence_lens of whole sequences only";
  }
  OpChain ops(node);
  SmallVector<SmallVector<Value>> perBatch;
  for (int64_t b = 0; b < batch; ++b) {
    SmallVector<Value> entries;
    for (Value operand : operands) {
      auto type = cast<RankedTensorType>(operand.getType());
      entries.push_back(ops.reshape(ops.slice(operand, 0, b, b + 1),
                                    type.getShape().drop_front()));
    }
    if (failed(ops.status()))
      return failure();
    FailureOr<SmallVector<Value>> results = unrollScan(
        node, body, SmallVector<Value>(ArrayRef(entries).take_front(stateCount)),
        ArrayRef(entries).drop_front(stateCount), layout);
    if (failed(results))
      return failure();
    perBatch.push_back(*results);
  }
  SmallVector<Value> results;
  for (size_t r = 0; r < perBatch.front().size(); ++r) {
    SmallVector<Value> pieces;
    for (ArrayRef<Value> entry : perBatch)
      pieces.push_back(entry[r]);
    results.push_back(ops.stack(pieces, 0));
  }
  if (failed(ops.status()))
    return failure();
  return node.setResults(results);
}

LogicalResult importScan(NodeContext &node) {
  FailureOr<const onnx::GraphProto *> body = graphAttribute(node, "body");
  if (failed(body))
    return failure();
  int64_t scanInputs = node.intAttr("num_scan_inputs", 0);
  if (node.opset < 9)
    return importBatchedScan(node, **body, scanInputs);
  int64_t stateCount = int64_t(node.numInputs()) - scanInputs;
  int64_t scanOutputs = (*body)->output_size() - stateCount;
  if (scanInputs <= 0 || stateCount < 0 || scanOutputs < 0)
    return node.emitError() << "has inconsistent scan input and output counts";
  FailureOr<SmallVector<int64_t>> inputAxes =
      perOperand(node, "scan_input_axes", scanInputs);
  FailureOr<SmallVector<int64_t>> inputDirections =
      perOperand(node, "scan_input_directions", scanInputs);
  FailureOr<SmallVector<int64_t>> outputAxes =
      perOperand(node, "scan_output_axes", scanOutputs);
  FailureOr<SmallVector<int64_t>> outputDirections =
      perOperand(node, "scan_output_directions", scanOutputs);
  if (failed(inputAxes) || failed(inputDirections) || failed(outputAxes) ||
      failed(outputDirections))
    return failure();
  SmallVector<Value> sequences;
  for (int64_t j = 0; j < scanInputs; ++j) {
    FailureOr<Value> sequence = node.requiredInput(stateCount + j);
    if (failed(sequence))
      return failure();
    FailureOr<int64_t> axis = node.normalizeAxis(
        (*inputAxes)[j], node.inputType(stateCount + j).getRank(), "scan_input_axes");
    if (failed(axis))
      return failure();
    (*inputAxes)[j] = *axis;
    sequences.push_back(*sequence);
  }
  SmallVector<Value> state;
  for (int64_t i = 0; i < stateCount; ++i)
    state.push_back(node.input(i));
  FailureOr<SmallVector<Value>> results = unrollScan(
      node, **body, state, sequences,
      ScanLayout{*inputAxes, *inputDirections, *outputAxes, *outputDirections});
  if (failed(results))
    return failure();
  return node.setResults(*results);
}

} // namespace

void registerControlFlowImporters(OpImporterTable &table) {
  table["If"] = importIf;
  table["Loop"] = importLoop;
  table["Scan"] = importScan;
}

} // namespace mocc
