//===- RecurrentOps.cpp - Importers of RNN, GRU and LSTM ------------------===//
//
// The recurrent layers (opsets 7-22) are unrolled over their static sequence
// length into moc ops. Each direction projects every step's input at once
// (one matmul by W^T plus the input biases); each step then adds the
// projection of the previous hidden state (a matmul by R^T), applies the
// clip and the activation functions of the gates and updates the state.
//
// With sequence_lens, steps at or beyond a batch entry's length keep its state
// and output zeros (selects on step < length), so a reverse pass starts at
// each sequence's last element and Y_h / Y_c are the states after the last
// one, as onnxruntime computes them. Also as onnxruntime does, activation
// alphas and betas are consumed in order by the functions that take
// parameters, and clip bounds the inputs of the gate functions (not the cell
// state fed to LSTM's h).
//
//===----------------------------------------------------------------------===//
#include "OpChain.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"

#include <optional>

using namespace mlir;

namespace mocc {
namespace {

enum class Cell { RNN, GRU, LSTM };

enum class Function {
  Relu,
  Tanh,
  Sigmoid,
  Affine,
  LeakyRelu,
  ThresholdedRelu,
  ScaledTanh,
  HardSigmoid,
  Elu,
  Softsign,
  Softplus
};

/// An activation function of the layer with its parameters.
struct Activation {
  Function function;
  float alpha = 0, beta = 0;
};

/// The activation functions by (lower-case) name, whether they take alpha
/// and beta, and their defaults: those of the ONNX operators of that name.
struct FunctionInfo {
  llvm::StringLiteral name;
  Function function;
  bool takesAlpha, takesBeta;
  float alpha, beta;
};
constexpr FunctionInfo kFunctions[] = {
    {"relu", Function::Relu, false, false, 0, 0},
    {"tanh", Function::Tanh, false, false, 0, 0},
    {"sigmoid", Function::Sigmoid, false, false, 0, 0},
    {"affine", Function::Affine, true, true, 1.0f, 0.0f},
    {"leakyrelu", Function::LeakyRelu, true, false, 0.01f, 0},
    {"thresholdedrelu", Function::ThresholdedRelu, true, false, 1.0f, 0},
    {"scaledtanh", Function::ScaledTanh, true, true, 1.0f, 1.0f},
    {"hardsigmoid", Function::HardSigmoid, true, true, 0.2f, 0.5f},
    {"elu", Function::Elu, true, false, 1.0f, 0},
    {"softsign", Function::Softsign, false, false, 0, 0},
    {"softplus", Function::Softplus, false, false, 0, 0},
};

/// The activation functions of every direction, in order: `defaults.size()`
/// per direction (f for RNN; f, g for GRU; f, g, h for LSTM). A list of one
/// direction's functions serves both directions of a bidirectional layer.
FailureOr<SmallVector<Activation>>
parseActivations(NodeContext &node, ArrayRef<llvm::StringLiteral> defaults,
                 int64_t directions) {
  SmallVector<std::string> names;
  if (const onnx::AttributeProto *attr = node.attribute("activations"))
    names.assign(attr->strings().begin(), attr->strings().end());
  if (names.empty())
    for (int64_t d = 0; d < directions; ++d)
      names.append(defaults.begin(), defaults.end());
  size_t perDirection = defaults.size();
  if (names.size() == perDirection && directions == 2)
    names.append(SmallVector<std::string>(names));
  if (names.size() != perDirection * directions)
    return node.emitError() << "expects " << perDirection * directions
                            << " activations, got " << names.size();

  SmallVector<float> alphas = node.floatsAttr("activation_alpha");
  SmallVector<float> betas = node.floatsAttr("activation_beta");
  size_t nextAlpha = 0, nextBeta = 0;
  SmallVector<Activation> activations;
  for (const std::string &name : names) {
    const FunctionInfo *info =
        llvm::find_if(kFunctions, [&](const FunctionInfo &f) {
          return f.name.equals_insensitive(name);
        });
    if (info == std::end(kFunctions))
      return node.emitError()
             << "unsupported activation function '" << name << "'";
    Activation activation{info->function, info->alpha, info->beta};
    if (info->takesAlpha && nextAlpha < alphas.size())
      activation.alpha = alphas[nextAlpha++];
    if (info->takesBeta && nextBeta < betas.size())
      activation.beta = betas[nextBeta++];
    activations.push_back(activation);
  }
  return activations;
}

/// What the steps of one direction read.
struct DirectionInputs {
  /// X W^T plus the input-side biases: (sequence, batch, gates * hidden).
  Value projected;
  /// R^T: (hidden, gates * hidden); for GRU without linear_before_reset,
  /// only its update and reset columns.
  Value recurrence;
  /// GRU without linear_before_reset: the hidden gate's columns of R^T.
  Value hiddenRecurrence;
  /// GRU with linear_before_reset: Rbh, added before the reset gate applies.
  Value hiddenBias;
  /// LSTM: the peephole weights of the input, output and forget gates.
  Value peepholeInput, peepholeOutput, peepholeForget;
  ArrayRef<Activation> functions;
};

struct State {
  Value hidden, cell;
};

/// One recurrent layer being unrolled.
class RecurrentLayer {
public:
  RecurrentLayer(NodeContext &node, Cell cell)
      : node(node), ops(node), cell(cell) {}

  LogicalResult import();

private:
  LogicalResult readShapes();
  /// Slice `d` of a (directions, ...) tensor, without its leading axis.
  Value direction(Value value, int64_t d, ArrayRef<int64_t> shape);
  DirectionInputs readDirection(int64_t d, Value input);
  State initialState(int64_t d, Value initialHidden, Value initialCell);
  State step(const DirectionInputs &inputs, Value projected, State state);
  Value activate(const Activation &activation, Value value);
  /// `activation` of `value` bounded to [-clip, clip].
  Value gate(const Activation &activation, Value value);

  NodeContext &node;
  OpChain ops;
  Cell cell;
  int64_t gates = 0, length = 0, batch = 0, inputSize = 0, hidden = 0;
  int64_t directions = 1;
  Type element;
  std::optional<float> clip;
  SmallVector<Activation> activations;
};

LogicalResult RecurrentLayer::readShapes() {
  for (size_t i = 0; i < 3; ++i)
    if (failed(node.requiredInput(i)))
      return failure();
  RankedTensorType x = node.inputType(0), w = node.inputType(1),
                   r = node.inputType(2);
  if (x.getRank() != 3 || w.getRank() != 3 || r.getRank() != 3)
    return node.emitError() << "expects X, W and R of rank 3";
  int64_t layout = node.intAttr("layout", 0);
  if (layout != 0 && layout != 1)
    return node.emitError() << "expects layout 0 or 1, got " << layout;
  if (x.isDynamicDim(layout == 0 ? 0 : 1))
    return node.emitError() << "needs a static sequence length";
  if (!x.hasStaticShape() || !w.hasStaticShape() || !r.hasStaticShape())
    return node.emitError() << "needs static shapes for X, W and R";
  element = x.getElementType();
  if (!isa<FloatType>(element))
    return node.emitError() << "expects a floating-point X, got " << element;
  length = x.getDimSize(layout == 0 ? 0 : 1);
  batch = x.getDimSize(layout == 0 ? 1 : 0);
  inputSize = x.getDimSize(2);
  hidden = r.getDimSize(2);
  gates = cell == Cell::RNN ? 1 : cell == Cell::GRU ? 3 : 4;
  std::string directionName = node.stringAttr("direction", "forward");
  if (directionName == "bidirectional")
    directions = 2;
  else if (directionName != "forward" && directionName != "reverse")
    return node.emitError() << "unknown direction '" << directionName << "'";
  if (node.hasAttribute("hidden_size") &&
      node.intAttr("hidden_size", 0) != hidden)
    return node.emitError() << "expects hidden_size " << hidden
                            << " (the last dimension of R), got "
                            << node.intAttr("hidden_size", 0);
  if (w.getShape() !=
          ArrayRef<int64_t>{directions, gates * hidden, inputSize} ||
      r.getShape() != ArrayRef<int64_t>{directions, gates * hidden, hidden})
    return node.emitError()
           << "expects W of (" << directions << ", " << gates * hidden << ", "
           << inputSize << ") and R of (" << directions << ", "
           << gates * hidden << ", " << hidden << ")";
  auto expectShape = [&](size_t i, StringRef name,
                         ArrayRef<int64_t> shape) -> LogicalResult {
    if (!node.input(i) || node.inputType(i).getShape() == shape)
      return success();
    InFlightDiagnostic error = node.emitError();
    error << "expects " << name << " of shape (";
    llvm::interleaveComma(shape, error);
    return error << ")";
  };
  SmallVector<int64_t> stateShape =
      layout == 0 ? SmallVector<int64_t>{directions, batch, hidden}
                  : SmallVector<int64_t>{batch, directions, hidden};
  if (failed(expectShape(3, "B", {directions, 2 * gates * hidden})) ||
      failed(expectShape(4, "sequence_lens", {batch})) ||
      failed(expectShape(5, "initial_h", stateShape)) ||
      (cell == Cell::LSTM &&
       (failed(expectShape(6, "initial_c", stateShape)) ||
        failed(expectShape(7, "P", {directions, 3 * hidden})))))
    return failure();
  if (node.hasAttribute("clip"))
    clip = node.floatAttr("clip", 0);

  static constexpr llvm::StringLiteral rnnDefaults[] = {"Tanh"};
  static constexpr llvm::StringLiteral gruDefaults[] = {"Sigmoid", "Tanh"};
  static constexpr llvm::StringLiteral lstmDefaults[] = {"Sigmoid", "Tanh",
                                                         "Tanh"};
  ArrayRef<llvm::StringLiteral> defaults =
      cell == Cell::RNN   ? ArrayRef(rnnDefaults)
      : cell == Cell::GRU ? ArrayRef(gruDefaults)
                          : ArrayRef(lstmDefaults);
  FailureOr<SmallVector<Activation>> parsed =
      parseActivations(node, defaults, directions);
  if (failed(parsed))
    return failure();
  activations = std::move(*parsed);
  return success();
}

Value RecurrentLayer::direction(Value value, int64_t d,
                                ArrayRef<int64_t> shape) {
  return ops.reshape(ops.slice(value, 0, d, d + 1), shape);
}

DirectionInputs RecurrentLayer::readDirection(int64_t d, Value input) {
  DirectionInputs inputs;
  int64_t width = gates * hidden;
  int64_t perDirection = activations.size() / directions;
  inputs.functions =
      ArrayRef(activations).slice(d * perDirection, perDirection);

  Value weight = direction(node.input(1), d, {width, inputSize});
  Value recurrence =
      ops.transpose(direction(node.input(2), d, {width, hidden}), {1, 0});
  inputs.projected =
      ops.create<moc::MatMulOp>(input, ops.transpose(weight, {1, 0}));
  bool linearBeforeReset =
      cell == Cell::GRU && node.intAttr("linear_before_reset", 0);
  if (Value bias = node.input(3)) {
    Value both = direction(bias, d, {2 * width});
    Value inputBias = ops.slice(both, 0, 0, width);
    Value recurrenceBias = ops.slice(both, 0, width, 2 * width);
    if (linearBeforeReset) {
      // Rbh is added to the hidden state's projection, inside the reset.
      inputs.hiddenBias = ops.slice(recurrenceBias, 0, 2 * hidden, width);
      recurrenceBias = ops.create<moc::ConcatOp>(
          ValueRange{ops.slice(recurrenceBias, 0, 0, 2 * hidden),
                     node.splat(RankedTensorType::get({hidden}, element), 0)},
          int64_t(0));
    }
    inputs.projected = ops.create<moc::AddOp>(
        inputs.projected, ops.create<moc::AddOp>(inputBias, recurrenceBias));
  }
  if (cell == Cell::GRU && !linearBeforeReset) {
    inputs.hiddenRecurrence = ops.slice(recurrence, 1, 2 * hidden, width);
    recurrence = ops.slice(recurrence, 1, 0, 2 * hidden);
  }
  inputs.recurrence = recurrence;
  if (Value peepholes = cell == Cell::LSTM ? node.input(7) : Value()) {
    Value weights = direction(peepholes, d, {3 * hidden});
    inputs.peepholeInput = ops.slice(weights, 0, 0, hidden);
    inputs.peepholeOutput = ops.slice(weights, 0, hidden, 2 * hidden);
    inputs.peepholeForget = ops.slice(weights, 0, 2 * hidden, 3 * hidden);
  }
  return inputs;
}

State RecurrentLayer::initialState(int64_t d, Value initialHidden,
                                   Value initialCell) {
  auto stateType = RankedTensorType::get({batch, hidden}, element);
  auto read = [&](Value initial) {
    return initial ? direction(initial, d, {batch, hidden})
                   : node.splat(stateType, 0);
  };
  State state{read(initialHidden), Value()};
  if (cell == Cell::LSTM)
    state.cell = read(initialCell);
  return state;
}

Value RecurrentLayer::activate(const Activation &activation, Value value) {
  auto f32 = [&](float v) { return node.builder.getF32FloatAttr(v); };
  auto constant = [&](float v) { return node.scalar(element, v); };
  switch (activation.function) {
  case Function::Relu:
    return ops.create<moc::ReluOp>(value);
  case Function::Tanh:
    return ops.create<moc::TanhOp>(value);
  case Function::Sigmoid:
    return ops.create<moc::SigmoidOp>(value);
  case Function::Affine:
    return ops.create<moc::AddOp>(
        ops.create<moc::MulOp>(value, constant(activation.alpha)),
        constant(activation.beta));
  case Function::LeakyRelu:
    return ops.create<moc::LeakyReluOp>(value, f32(activation.alpha));
  case Function::ThresholdedRelu:
    return ops.create<moc::ThresholdedReluOp>(value, f32(activation.alpha));
  case Function::ScaledTanh:
    return ops.create<moc::MulOp>(
        ops.create<moc::TanhOp>(
            ops.create<moc::MulOp>(value, constant(activation.beta))),
        constant(activation.alpha));
  case Function::HardSigmoid:
    return ops.create<moc::HardSigmoidOp>(value, f32(activation.alpha),
                                          f32(activation.beta));
  case Function::Elu:
    return ops.create<moc::EluOp>(value, f32(activation.alpha));
  case Function::Softsign:
    return ops.create<moc::SoftsignOp>(value);
  case Function::Softplus:
    return ops.create<moc::SoftplusOp>(value);
  }
  llvm_unreachable("unknown activation function");
}

Value RecurrentLayer::gate(const Activation &activation, Value value) {
  if (clip) {
    value = ops.create<moc::MaxOp>(value, node.scalar(element, -*clip));
    value = ops.create<moc::MinOp>(value, node.scalar(element, *clip));
  }
  return activate(activation, value);
}

State RecurrentLayer::step(const DirectionInputs &inputs, Value projected,
                           State state) {
  Value h = state.hidden;
  auto matmul = [&](Value lhs, Value rhs) {
    return ops.create<moc::MatMulOp>(lhs, rhs);
  };
  auto add = [&](Value a, Value b) { return ops.create<moc::AddOp>(a, b); };
  auto mul = [&](Value a, Value b) { return ops.create<moc::MulOp>(a, b); };
  auto columns = [&](Value value, int64_t gate) {
    return ops.slice(value, 1, gate * hidden, (gate + 1) * hidden);
  };

  switch (cell) {
  case Cell::RNN:
    return {
        gate(inputs.functions[0], add(projected, matmul(h, inputs.recurrence))),
        Value()};
  case Cell::GRU: {
    // Gates z, r, h.
    Value recurrent = matmul(h, inputs.recurrence);
    Value updateReset =
        gate(inputs.functions[0], add(ops.slice(projected, 1, 0, 2 * hidden),
                                      ops.slice(recurrent, 1, 0, 2 * hidden)));
    Value update = columns(updateReset, 0), reset = columns(updateReset, 1);
    Value hiddenTerm =
        inputs.hiddenRecurrence
            ? matmul(mul(reset, h), inputs.hiddenRecurrence)
            : mul(reset, inputs.hiddenBias
                             ? add(columns(recurrent, 2), inputs.hiddenBias)
                             : columns(recurrent, 2));
    Value candidate =
        gate(inputs.functions[1], add(columns(projected, 2), hiddenTerm));
    Value kept = ops.create<moc::SubOp>(node.scalar(element, 1.0), update);
    return {add(mul(kept, candidate), mul(update, h)), Value()};
  }
  case Cell::LSTM: {
    // Gates i, o, f, c.
    Value c = state.cell;
    Value all = add(projected, matmul(h, inputs.recurrence));
    Value inputGate = columns(all, 0), outputGate = columns(all, 1),
          forgetGate = columns(all, 2), cellGate = columns(all, 3);
    if (inputs.peepholeInput) {
      inputGate = add(inputGate, mul(inputs.peepholeInput, c));
      forgetGate = add(forgetGate, mul(inputs.peepholeForget, c));
    }
    inputGate = gate(inputs.functions[0], inputGate);
    forgetGate =
        node.intAttr("input_forget", 0)
            ? ops.create<moc::SubOp>(node.scalar(element, 1.0), inputGate)
            : gate(inputs.functions[0], forgetGate);
    cellGate = gate(inputs.functions[1], cellGate);
    Value newCell = add(mul(forgetGate, c), mul(inputGate, cellGate));
    if (inputs.peepholeOutput)
      outputGate = add(outputGate, mul(inputs.peepholeOutput, newCell));
    outputGate = gate(inputs.functions[0], outputGate);
    return {mul(outputGate, activate(inputs.functions[2], newCell)), newCell};
  }
  }
  llvm_unreachable("unknown cell");
}

LogicalResult RecurrentLayer::import() {
  if (failed(readShapes()))
    return failure();
  bool batchFirst = node.intAttr("layout", 0) == 1;
  Value input = node.input(0);
  Value initialHidden = node.input(5);
  Value initialCell = cell == Cell::LSTM ? node.input(6) : Value();
  if (batchFirst) {
    input = ops.transpose(input, {1, 0, 2});
    if (initialHidden)
      initialHidden = ops.transpose(initialHidden, {1, 0, 2});
    if (initialCell)
      initialCell = ops.transpose(initialCell, {1, 0, 2});
  }

  // Per-batch lengths as (batch, 1), unless they are constants that cover
  // the whole sequence.
  Value lengths = node.input(4);
  if (lengths && matchPattern(lengths, m_Constant())) {
    FailureOr<SmallVector<int64_t>> values = node.constantInts(4);
    if (failed(values))
      return failure();
    if (llvm::all_of(*values, [&](int64_t n) { return n >= length; }))
      lengths = {};
  }
  if (lengths)
    lengths = ops.reshape(lengths, {batch, 1});
  if (failed(ops.status()))
    return failure();

  bool wantSequence =
      node.node.output_size() > 0 && !node.node.output(0).empty();
  bool reverse = node.stringAttr("direction", "forward") == "reverse";
  Value zero = node.scalar(element, 0.0);
  SmallVector<Value> sequences, hiddens, cells;
  for (int64_t d = 0; d < directions; ++d) {
    DirectionInputs inputs = readDirection(d, input);
    State state = initialState(d, initialHidden, initialCell);
    if (failed(ops.status()))
      return failure();
    SmallVector<Value> outputs(length);
    for (int64_t s = 0; s < length; ++s) {
      int64_t t = reverse || d == 1 ? length - 1 - s : s;
      Value projected = ops.reshape(ops.slice(inputs.projected, 0, t, t + 1),
                                    {batch, gates * hidden});
      State next = step(inputs, projected, state);
      Value output = next.hidden;
      if (lengths) {
        Value valid = ops.create<moc::LessOp>(
            node.scalar(getElementTypeOrSelf(lengths.getType()), double(t)),
            lengths);
        output = ops.create<moc::SelectOp>(valid, next.hidden, zero);
        next.hidden =
            ops.create<moc::SelectOp>(valid, next.hidden, state.hidden);
        if (next.cell)
          next.cell = ops.create<moc::SelectOp>(valid, next.cell, state.cell);
      }
      if (failed(ops.status()))
        return failure();
      if (wantSequence)
        outputs[t] = ops.reshape(output, {1, 1, batch, hidden});
      state = next;
    }
    if (wantSequence)
      sequences.push_back(ops.create<moc::ConcatOp>(outputs, int64_t(0)));
    hiddens.push_back(ops.reshape(state.hidden, {1, batch, hidden}));
    if (state.cell)
      cells.push_back(ops.reshape(state.cell, {1, batch, hidden}));
  }

  auto joined = [&](ArrayRef<Value> parts, int64_t axis,
                    ArrayRef<int64_t> batchFirstPermutation) -> Value {
    if (parts.empty())
      return {};
    Value value = parts.size() == 1 ? parts.front()
                                    : ops.create<moc::ConcatOp>(parts, axis);
    return batchFirst ? ops.transpose(value, batchFirstPermutation) : value;
  };
  // Y: (sequence, directions, batch, hidden); Y_h, Y_c: (directions, batch,
  // hidden); batch first with layout 1.
  Value sequence = joined(sequences, 1, {2, 0, 1, 3});
  Value lastHidden = joined(hiddens, 0, {1, 0, 2});
  Value lastCell = joined(cells, 0, {1, 0, 2});
  if (failed(ops.status()))
    return failure();
  return node.setResults({sequence, lastHidden, lastCell});
}

template <Cell cell> LogicalResult importRecurrent(NodeContext &node) {
  return RecurrentLayer(node, cell).import();
}

} // namespace

void registerRecurrentImporters(OpImporterTable &table) {
  table["RNN"] = importRecurrent<Cell::RNN>;
  table["GRU"] = importRecurrent<Cell::GRU>;
  table["LSTM"] = importRecurrent<Cell::LSTM>;
}

} // namespace mocc
