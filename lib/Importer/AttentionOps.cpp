//===- AttentionOps.cpp - Importers of the transformer ops ----------------===//
//
// The sequence-mixing ops of the newest opsets: Attention (opsets 23-25:
// scaled dot-product attention with boolean or additive masks, causal and
// sliding-window masking, a KV cache, grouped heads and a soft cap),
// LinearAttention, RotaryEmbedding, CausalConvWithState and the preview
// FlexAttention (with its score and probability modifier subgraphs) are
// imported as their definitions
// written in moc ops, the way ONNX's reference computes them, so they fuse
// and lower like an exported graph of the same ops.
//
//===----------------------------------------------------------------------===//
#include "OpChain.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/TypeUtilities.h"

#include <cmath>

using namespace mlir;

namespace mocc {
namespace {

int64_t dimOf(Value value, int64_t d) {
  return cast<RankedTensorType>(value.getType()).getDimSize(d);
}

/// (batch, sequence, heads * size) -> (batch, heads, sequence, size).
Value splitHeads(OpChain &ops, Value value, int64_t heads) {
  if (!value)
    return {};
  int64_t hidden = dimOf(value, 2);
  Value split = ops.reshape(
      value, {dimOf(value, 0), dimOf(value, 1), heads, hidden / heads});
  return ops.transpose(split, {0, 2, 1, 3});
}

/// (batch, heads, sequence, size) -> (batch, sequence, heads * size).
Value mergeHeads(OpChain &ops, Value value) {
  if (!value)
    return {};
  Value moved = ops.transpose(value, {0, 2, 1, 3});
  return ops.reshape(moved, {dimOf(value, 0), dimOf(value, 2),
                             dimOf(value, 1) * dimOf(value, 3)});
}

/// Repeats each head `times` times in place: [h0, h0, h1, h1, ...].
Value repeatHeads(OpChain &ops, Value value, int64_t times) {
  if (!value)
    return {};
  auto type = cast<RankedTensorType>(value.getType());
  ArrayRef<int64_t> s = type.getShape();
  Value single = ops.reshape(value, {s[0], s[1], 1, s[2], s[3]});
  Value repeated = ops.create<moc::BroadcastOp>(
      RankedTensorType::get({s[0], s[1], times, s[2], s[3]},
                            type.getElementType()),
      single);
  return ops.reshape(repeated, {s[0], s[1] * times, s[2], s[3]});
}

/// The float type of the softmax_precision attribute, else `fallback`.
FailureOr<Type> softmaxPrecision(NodeContext &node, Type fallback) {
  int64_t precision = node.intAttr("softmax_precision", 0);
  if (!precision)
    return fallback;
  Type element = importElementType(int32_t(precision), node.context());
  if (!element || !isa<FloatType>(element))
    return node.emitError() << "unsupported softmax_precision " << precision;
  return element;
}

/// 0 where `allowed`, -inf elsewhere.
Value allowedToBias(NodeContext &node, OpChain &ops, Value allowed, Type element) {
  return ops.create<moc::SelectOp>(allowed, node.scalar(element, 0.0),
                                   node.scalar(element, -INFINITY));
}

struct AttentionShapes {
  int64_t batch, queryLength, keyLength, pastLength;
};

/// The additive bias of the masks (null when nothing is masked):
/// `attn_mask`, causal and sliding-window masking aligned at the end of the
/// cache, and the padding of `nonpad_kv_seqlen`.
Value buildAttentionBias(NodeContext &node, OpChain &ops,
                         const AttentionShapes &shapes, Type element) {
  Value bias;
  auto addBias = [&](Value term) {
    bias = bias ? ops.create<moc::AddOp>(bias, term) : term;
  };
  if (Value mask = node.input(3)) {
    auto maskType = cast<RankedTensorType>(mask.getType());
    bool isBoolean = maskType.getElementType().isInteger(1);
    int64_t missing = shapes.keyLength - maskType.getShape().back();
    if (missing > 0) { // A short mask leaves the last keys masked.
      SmallVector<int64_t> pads(2 * maskType.getRank(), 0);
      pads.back() = missing;
      Value fill = isBoolean ? node.scalar(maskType.getElementType(), 0.0)
                             : node.scalar(maskType.getElementType(), -INFINITY);
      mask = ops.create<moc::PadOp>(mask, fill, pads, moc::PadMode::constant);
    }
    addBias(isBoolean ? allowedToBias(node, ops, mask, element)
                      : ops.castTo(mask, element));
  }

  // Positions: query i sits at i + offset among the keys, where offset is the
  // cache length (per batch with an external cache).
  Type i64 = node.builder.getI64Type();
  SmallVector<int64_t> queryPositions, keyPositions;
  for (int64_t i = 0; i < shapes.queryLength; ++i)
    queryPositions.push_back(i + shapes.pastLength);
  for (int64_t j = 0; j < shapes.keyLength; ++j)
    keyPositions.push_back(j);
  Value query = node.int64Constant(queryPositions, {shapes.queryLength, 1});
  Value key = node.int64Constant(keyPositions, {1, shapes.keyLength});
  Value validKeys = node.input(6);
  if (validKeys && !node.input(4)) {
    Value perBatch = ops.reshape(ops.castTo(validKeys, i64), {shapes.batch, 1, 1});
    Value offset = ops.create<moc::SubOp>(
        perBatch, node.scalar(i64, double(shapes.queryLength)));
    query = ops.create<moc::AddOp>(query, offset);
  }

  Value allowed;
  auto allowOnly = [&](Value condition) {
    allowed = allowed ? ops.create<moc::AndOp>(allowed, condition) : condition;
  };
  if (node.intAttr("is_causal", 0))
    allowOnly(ops.create<moc::LessEqualOp>(key, query));
  int64_t left = node.intAttr("left_window_size", -1);
  int64_t right = node.intAttr("right_window_size", -1);
  if (left >= 0 || right >= 0) {
    Value distance = ops.create<moc::SubOp>(query, key);
    if (left >= 0)
      allowOnly(ops.create<moc::LessEqualOp>(distance, node.scalar(i64, double(left))));
    if (right >= 0)
      allowOnly(ops.create<moc::GreaterEqualOp>(distance,
                                                node.scalar(i64, -double(right))));
  }
  if (allowed) {
    Value structural = allowedToBias(node, ops, allowed, element);
    // A per-batch mask (batch, q, kv) gets its batch axis in front of the heads.
    if (structural && cast<RankedTensorType>(structural.getType()).getRank() == 3)
      structural = ops.reshape(
          structural, {shapes.batch, 1, shapes.queryLength, shapes.keyLength});
    addBias(structural);
  }
  if (validKeys) {
    Value limit = ops.reshape(ops.castTo(validKeys, i64), {shapes.batch, 1});
    Value padding = ops.create<moc::LessOp>(key, limit);
    addBias(ops.reshape(allowedToBias(node, ops, padding, element),
                        {shapes.batch, 1, 1, shapes.keyLength}));
  }
  return bias;
}

LogicalResult importAttention(NodeContext &node) {
  FailureOr<Value> q = node.requiredInput(0), k = node.requiredInput(1),
                   v = node.requiredInput(2);
  if (failed(q) || failed(k) || failed(v))
    return failure();
  int64_t rank = node.inputType(0).getRank();
  if ((rank != 3 && rank != 4) || node.inputType(1).getRank() != rank ||
      node.inputType(2).getRank() != rank)
    return node.emitError() << "expects Q, K and V of rank 3 or 4 alike";
  if (!node.inputType(0).hasStaticShape() || !node.inputType(1).hasStaticShape() ||
      !node.inputType(2).hasStaticShape())
    return node.emitError() << "needs static shapes for Q, K and V";
  if (node.input(4).operator bool() != node.input(5).operator bool())
    return node.emitError() << "expects past_key and past_value together";
  if (Value mask = node.input(3))
    if (auto maskType = cast<RankedTensorType>(mask.getType());
        maskType.getRank() == 0 || !maskType.hasStaticShape())
      return node.emitError() << "expects a static attn_mask of rank 1 or more";
  Type element = node.inputType(0).getElementType();
  OpChain ops(node);

  Value query = *q, key = *k, value = *v;
  if (rank == 3) {
    int64_t queryHeads = node.intAttr("q_num_heads", 0);
    int64_t keyHeads = node.intAttr("kv_num_heads", 0);
    if (queryHeads <= 0 || keyHeads <= 0 || dimOf(query, 2) % queryHeads ||
        dimOf(key, 2) % keyHeads || dimOf(value, 2) % keyHeads)
      return node.emitError()
             << "3-d inputs need q_num_heads and kv_num_heads dividing the "
                "hidden sizes";
    query = splitHeads(ops, query, queryHeads);
    key = splitHeads(ops, key, keyHeads);
    value = splitHeads(ops, value, keyHeads);
  }
  int64_t pastLength = 0;
  if (Value pastKey = node.input(4)) {
    pastLength = cast<RankedTensorType>(pastKey.getType()).getDimSize(2);
    key = ops.create<moc::ConcatOp>(ValueRange{pastKey, key}, 2);
    value = ops.create<moc::ConcatOp>(ValueRange{node.input(5), value}, 2);
  }
  if (failed(ops.status()))
    return failure();
  Value presentKey = key, presentValue = value;

  int64_t queryHeads = dimOf(query, 1), keyHeads = dimOf(key, 1);
  if (queryHeads != keyHeads) {
    if (queryHeads % keyHeads)
      return node.emitError() << "expects the query heads (" << queryHeads
                              << ") to be a multiple of the key heads ("
                              << keyHeads << ")";
    key = repeatHeads(ops, key, queryHeads / keyHeads);
    value = repeatHeads(ops, value, queryHeads / keyHeads);
  }

  // Q and K are each scaled by sqrt(scale), in the inputs' type.
  double scale = node.hasAttribute("scale")
                     ? node.floatAttr("scale", 1.0f)
                     : 1.0 / std::sqrt(double(dimOf(query, 3)));
  Value rootScale = node.scalar(element, std::sqrt(scale));
  Value scaledQuery = ops.create<moc::MulOp>(query, rootScale);
  Value scaledKey = ops.create<moc::MulOp>(ops.transpose(key, {0, 1, 3, 2}),
                                           rootScale);
  Value scores = ops.create<moc::MatMulOp>(scaledQuery, scaledKey);
  float softcap = node.floatAttr("softcap", 0.0f);
  if (softcap > 0) {
    Value cap = node.scalar(element, softcap);
    Value squashed = ops.create<moc::TanhOp>(ops.create<moc::DivOp>(scores, cap));
    scores = ops.create<moc::MulOp>(squashed, cap);
  }

  AttentionShapes shapes{dimOf(query, 0), dimOf(query, 2), dimOf(key, 2),
                         pastLength};
  // The masks are built from constant positions of the queries and keys.
  if (shapes.queryLength > kMaxComputedConstantElements ||
      shapes.keyLength > kMaxComputedConstantElements)
    return node.emitError() << "expects sequences of at most "
                            << kMaxComputedConstantElements << " positions";
  Value bias = buildAttentionBias(node, ops, shapes, element);
  Value biased = bias ? ops.create<moc::AddOp>(scores, bias) : scores;

  FailureOr<Type> softmaxElement = softmaxPrecision(node, element);
  if (failed(softmaxElement))
    return failure();
  Value probabilities = ops.create<moc::SoftmaxOp>(
      ops.castTo(biased, *softmaxElement), int64_t(3));
  if (bias) { // A row with every key masked attends nothing: zeros, not NaN.
    Value rowBias = ops.create<moc::ReduceMaxOp>(
        bias, ArrayRef<int64_t>{cast<RankedTensorType>(bias.getType()).getRank() - 1},
        true);
    Value fullyMasked = ops.create<moc::EqualOp>(rowBias, node.scalar(element, -INFINITY));
    probabilities = ops.create<moc::SelectOp>(
        fullyMasked, node.scalar(*softmaxElement, 0.0), probabilities);
  }
  probabilities = ops.castTo(probabilities, element);
  Value output = ops.create<moc::MatMulOp>(probabilities, value);
  if (rank == 3)
    output = mergeHeads(ops, output);

  Value scoresOutput;
  switch (node.intAttr("qk_matmul_output_mode", 0)) {
  case 0:
  case 1:
    scoresOutput = scores;
    break;
  case 2:
    scoresOutput = biased;
    break;
  case 3:
    scoresOutput = probabilities;
    break;
  default:
    return node.emitError() << "unsupported qk_matmul_output_mode "
                            << node.intAttr("qk_matmul_output_mode", 0);
  }
  if (failed(ops.status()))
    return failure();
  return node.setResults({output, presentKey, presentValue, scoresOutput});
}

/// RotaryEmbedding: rotates pairs of the first `rotary_embedding_dim`
/// features of each head by the cached angles of its position.
LogicalResult importRotaryEmbedding(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0), cosines = node.requiredInput(1),
                   sines = node.requiredInput(2);
  if (failed(input) || failed(cosines) || failed(sines))
    return failure();
  RankedTensorType type = node.inputType(0);
  if (!type.hasStaticShape() || (type.getRank() != 3 && type.getRank() != 4))
    return node.emitError() << "expects an input of static rank-3 or rank-4 shape";
  OpChain ops(node);
  // To (batch, sequence, heads, head size).
  Value x;
  if (type.getRank() == 4) {
    x = ops.transpose(*input, {0, 2, 1, 3});
  } else {
    int64_t heads = node.intAttr("num_heads", 0);
    if (heads <= 0 || type.getDimSize(2) % heads)
      return node.emitError() << "a rank-3 input needs num_heads dividing its "
                                 "hidden size";
    x = ops.reshape(*input, {type.getDimSize(0), type.getDimSize(1), heads,
                             type.getDimSize(2) / heads});
  }
  if (failed(ops.status()))
    return failure();
  int64_t headSize = dimOf(x, 3);
  int64_t rotated = node.intAttr("rotary_embedding_dim", 0);
  if (rotated == 0)
    rotated = headSize;
  if (rotated < 0 || rotated > headSize || rotated % 2)
    return node.emitError() << "rotary_embedding_dim " << rotated
                            << " must be even and at most the head size "
                            << headSize;

  Value cosine = *cosines, sine = *sines;
  if (Value positions = node.input(3)) {
    cosine = ops.create<moc::GatherOp>(cosine, positions, int64_t(0));
    sine = ops.create<moc::GatherOp>(sine, positions, int64_t(0));
  }
  if (failed(ops.status()))
    return failure();
  if (cast<RankedTensorType>(cosine.getType()).getRank() != 3 ||
      dimOf(cosine, 2) != rotated / 2 || sine.getType() != cosine.getType())
    return node.emitError() << "expects cos and sin caches of (batch, sequence, "
                            << rotated / 2 << ")";
  cosine = ops.reshape(cosine, {dimOf(cosine, 0), dimOf(cosine, 1), 1, rotated / 2});
  sine = ops.reshape(sine, {dimOf(sine, 0), dimOf(sine, 1), 1, rotated / 2});

  bool interleaved = node.intAttr("interleaved", 0);
  Value first = interleaved ? ops.slice(x, 3, 0, rotated, 2)
                            : ops.slice(x, 3, 0, rotated / 2);
  Value second = interleaved ? ops.slice(x, 3, 1, rotated, 2)
                             : ops.slice(x, 3, rotated / 2, rotated);
  Value real = ops.create<moc::SubOp>(ops.create<moc::MulOp>(cosine, first),
                                      ops.create<moc::MulOp>(sine, second));
  Value imaginary = ops.create<moc::AddOp>(ops.create<moc::MulOp>(sine, first),
                                           ops.create<moc::MulOp>(cosine, second));
  if (failed(ops.status()))
    return failure();
  SmallVector<int64_t> rotatedShape{dimOf(x, 0), dimOf(x, 1), dimOf(x, 2), rotated};
  Value result;
  if (interleaved) {
    SmallVector<int64_t> pairShape{dimOf(x, 0), dimOf(x, 1), dimOf(x, 2),
                                   rotated / 2, 1};
    Value pairs = ops.create<moc::ConcatOp>(
        ValueRange{ops.reshape(real, pairShape), ops.reshape(imaginary, pairShape)},
        int64_t(4));
    result = ops.reshape(pairs, rotatedShape);
  } else {
    result = ops.create<moc::ConcatOp>(ValueRange{real, imaginary}, int64_t(3));
  }
  if (rotated < headSize)
    result = ops.create<moc::ConcatOp>(
        ValueRange{result, ops.slice(x, 3, rotated, headSize)}, int64_t(3));
  result = type.getRank() == 4 ? ops.transpose(result, {0, 2, 1, 3})
                               : ops.reshape(result, type.getShape());
  if (failed(ops.status()))
    return failure();
  return node.setResults({result});
}

/// LinearAttention: attention through a running (d_k x d_v) state per key
/// head, updated at every step t by the rule "linear" (S += k v^T), "gated"
/// (S = S * exp(decay) first), "delta" (v is replaced by beta * (v - S^T k))
/// or "gated_delta" (both), and read as scale * q^T S. Unrolled over the
/// static sequence length, in f32.
LogicalResult importLinearAttention(NodeContext &node) {
  FailureOr<Value> q = node.requiredInput(0), k = node.requiredInput(1),
                   v = node.requiredInput(2);
  if (failed(q) || failed(k) || failed(v))
    return failure();
  for (size_t i = 0; i < 3; ++i)
    if (!node.inputType(i).hasStaticShape() || node.inputType(i).getRank() != 3)
      return node.emitError() << "expects static (batch, length, hidden) query, "
                                 "key and value";
  int64_t queryHeads = node.intAttr("q_num_heads", 0);
  int64_t keyHeads = node.intAttr("kv_num_heads", 0);
  if (queryHeads <= 0 || keyHeads <= 0 || queryHeads % keyHeads ||
      dimOf(*q, 2) % queryHeads || dimOf(*k, 2) % keyHeads || dimOf(*v, 2) % keyHeads)
    return node.emitError() << "expects q_num_heads a multiple of kv_num_heads, "
                               "both dividing the hidden sizes";
  std::string rule = node.stringAttr("update_rule", "gated_delta");
  if (rule != "linear" && rule != "gated" && rule != "delta" && rule != "gated_delta")
    return node.emitError() << "unsupported update_rule '" << rule << "'";
  bool gated = rule == "gated" || rule == "gated_delta";
  bool delta = rule == "delta" || rule == "gated_delta";
  Value decay = node.input(4), beta = node.input(5);
  if (gated != bool(decay) || delta != bool(beta))
    return node.emitError() << "update_rule '" << rule << "' "
                            << (gated ? "needs" : "forbids") << " decay and "
                            << (delta ? "needs" : "forbids") << " beta";

  Type f32 = node.builder.getF32Type();
  Type outputType = node.inputType(0).getElementType();
  int64_t batch = dimOf(*q, 0), length = dimOf(*q, 1);
  int64_t keySize = dimOf(*q, 2) / queryHeads, valueSize = dimOf(*v, 2) / keyHeads;
  OpChain ops(node);
  Value query = splitHeads(ops, ops.castTo(*q, f32), queryHeads);
  Value key = splitHeads(ops, ops.castTo(*k, f32), keyHeads);
  Value value = splitHeads(ops, ops.castTo(*v, f32), keyHeads);
  // Decay per head or per key feature, beta per head or shared: both as
  // (batch, heads, length, 1 or d_k).
  auto perStep = [&](Value input) -> Value {
    if (!input)
      return {};
    int64_t last = dimOf(input, 2);
    int64_t heads = last == 1 ? 1 : keyHeads;
    return splitHeads(ops, ops.castTo(input, f32), heads);
  };
  decay = perStep(decay);
  beta = perStep(beta);
  Value state = node.input(3);
  Type stateType = state ? getElementTypeOrSelf(state.getType()) : outputType;
  state = state ? ops.castTo(state, f32)
                : node.splat(RankedTensorType::get(
                                 {batch, keyHeads, keySize, valueSize}, f32),
                             0.0);
  float scaleAttr = node.floatAttr("scale", 0.0f);
  double scale = scaleAttr != 0 ? scaleAttr : 1.0 / std::sqrt(double(keySize));
  SmallVector<Value> steps;
  for (int64_t t = 0; t < length; ++t) {
    Value queryStep = ops.slice(query, 2, t, t + 1); // (b, hq, 1, d_k)
    Value keyStep = ops.slice(key, 2, t, t + 1);     // (b, hkv, 1, d_k)
    Value valueStep = ops.slice(value, 2, t, t + 1); // (b, hkv, 1, d_v)
    if (gated) {
      Value factor = ops.create<moc::ExpOp>(
          ops.transpose(ops.slice(decay, 2, t, t + 1), {0, 1, 3, 2}));
      state = ops.create<moc::MulOp>(state, factor);
    }
    if (delta) {
      Value retrieved = ops.create<moc::MatMulOp>(keyStep, state);
      valueStep = ops.create<moc::MulOp>(
          ops.slice(beta, 2, t, t + 1),
          ops.create<moc::SubOp>(valueStep, retrieved));
    }
    state = ops.create<moc::AddOp>(
        state, ops.create<moc::MulOp>(ops.transpose(keyStep, {0, 1, 3, 2}),
                                      valueStep));
    if (failed(ops.status()))
      return failure();
    Value readable = queryHeads == keyHeads
                         ? state
                         : repeatHeads(ops, state, queryHeads / keyHeads);
    steps.push_back(ops.create<moc::MulOp>(
        ops.create<moc::MatMulOp>(queryStep, readable), node.scalar(f32, scale)));
  }
  Value outputs = ops.create<moc::ConcatOp>(ValueRange(steps), int64_t(2));
  if (failed(ops.status()))
    return failure();
  Value output = ops.castTo(mergeHeads(ops, outputs), outputType);
  Value present = ops.castTo(state, stateType);
  if (failed(ops.status()))
    return failure();
  return node.setResults({output, present});
}

/// CausalConvWithState: a depthwise 1-d convolution over (batch, channels,
/// length) that sees the last k - 1 steps of the previous call (past_state,
/// zeros when absent) and returns its own last k - 1 steps as present_state;
/// activation "silu" (or "swish") applies x * sigmoid(x), in f32.
LogicalResult importCausalConvWithState(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0), weight = node.requiredInput(1);
  if (failed(input) || failed(weight))
    return failure();
  RankedTensorType type = node.inputType(0), weightType = node.inputType(1);
  if (!type.hasStaticShape() || type.getRank() != 3 || weightType.getRank() != 3 ||
      weightType.getDimSize(1) != 1 || weightType.getDimSize(0) != type.getDimSize(1))
    return node.emitError() << "expects a static (batch, channels, length) input "
                               "and a (channels, 1, k) weight";
  std::string activation = node.stringAttr("activation", "none");
  if (activation != "none" && activation != "silu" && activation != "swish")
    return node.emitError() << "unsupported activation '" << activation << "'";
  int64_t batch = type.getDimSize(0), channels = type.getDimSize(1);
  int64_t history = weightType.getDimSize(2) - 1;
  OpChain ops(node);
  Value past = node.input(3);
  if (!past)
    past = node.splat(RankedTensorType::get({batch, channels, history},
                                            type.getElementType()),
                      0.0);
  Value padded = ops.create<moc::ConcatOp>(ValueRange{past, *input}, int64_t(2));
  Value output = ops.create<moc::ConvOp>(
      padded, *weight, node.input(2), ArrayRef<int64_t>{1}, ArrayRef<int64_t>{1},
      ArrayRef<int64_t>{0, 0}, channels);
  if (activation != "none") {
    Type f32 = node.builder.getF32Type();
    Value wide = ops.castTo(output, f32);
    output = ops.castTo(
        ops.create<moc::MulOp>(wide, ops.create<moc::SigmoidOp>(wide)),
        type.getElementType());
  }
  int64_t total = type.getDimSize(2) + history;
  Value present = ops.slice(padded, 2, total - history, total);
  if (failed(ops.status()))
    return failure();
  return node.setResults({output, present});
}

/// `value` through the optional modifier subgraph attribute `name` of a
/// FlexAttention node: one rank-4 tensor in, one of the same type out.
FailureOr<Value> applyModifier(NodeContext &node, llvm::StringRef name,
                               Value value) {
  const onnx::AttributeProto *attribute = node.attribute(name);
  if (!attribute)
    return value;
  if (!attribute->has_g())
    return node.emitError() << "expects a graph in '" << name << "'";
  FailureOr<SmallVector<Value>> outputs =
      node.subgraphs.importSubgraph(attribute->g(), {value}, node.loc);
  if (failed(outputs))
    return failure();
  if (outputs->size() != 1 || (*outputs)[0].getType() != value.getType())
    return node.emitError() << "expects '" << name << "' to return one "
                            << value.getType();
  return (*outputs)[0];
}

/// FlexAttention (ai.onnx.preview) as its function body computes it: Q and K
/// scaled by sqrt(scale) in the inputs' type and multiplied there; the
/// scores (through score_mod), the softmax, the probabilities (through
/// prob_mod) and their product with V in softmax_precision (f32, or f64 for
/// f64 inputs); K/V heads shared by groups of query heads.
LogicalResult importFlexAttention(NodeContext &node) {
  FailureOr<Value> query = node.requiredInput(0), key = node.requiredInput(1),
                   value = node.requiredInput(2);
  if (failed(query) || failed(key) || failed(value))
    return failure();
  for (size_t i = 0; i < 3; ++i)
    if (node.inputType(i).getRank() != 4 || !node.inputType(i).hasStaticShape())
      return node.emitError() << "expects static rank-4 Q, K and V";
  int64_t queryHeads = dimOf(*query, 1), keyHeads = dimOf(*key, 1);
  if (keyHeads < 1 || queryHeads % keyHeads != 0)
    return node.emitError() << "expects query heads (" << queryHeads
                            << ") a multiple of key/value heads (" << keyHeads
                            << ")";
  Type element = node.inputType(0).getElementType();
  FailureOr<Type> softmaxElement = softmaxPrecision(
      node, element.isF64() ? element : Float32Type::get(node.context()));
  if (failed(softmaxElement))
    return failure();
  OpChain ops(node);
  Value keys = repeatHeads(ops, *key, queryHeads / keyHeads);
  Value values = repeatHeads(ops, *value, queryHeads / keyHeads);
  float scale = node.hasAttribute("scale")
                    ? node.floatAttr("scale", 1.0f)
                    : 1.0f / std::sqrt(float(dimOf(*query, 3)));
  Value rootScale = node.scalar(element, std::sqrt(scale));
  Value scores = ops.create<moc::MatMulOp>(
      ops.create<moc::MulOp>(*query, rootScale),
      ops.transpose(ops.create<moc::MulOp>(keys, rootScale), {0, 1, 3, 2}));
  scores = ops.castTo(scores, *softmaxElement);
  if (failed(ops.status()))
    return failure();
  FailureOr<Value> modified = applyModifier(node, "score_mod", scores);
  if (failed(modified))
    return failure();
  Value probabilities = ops.create<moc::SoftmaxOp>(*modified, int64_t(3));
  if (failed(ops.status()))
    return failure();
  modified = applyModifier(node, "prob_mod", probabilities);
  if (failed(modified))
    return failure();
  Value output = ops.castTo(
      ops.create<moc::MatMulOp>(*modified, ops.castTo(values, *softmaxElement)),
      element);
  if (failed(ops.status()))
    return failure();
  return node.setResults({output});
}

} // namespace

void registerAttentionImporters(OpImporterTable &table) {
  table["ai.onnx.preview.FlexAttention"] = importFlexAttention;
  table["Attention"] = importAttention;
  table["CausalConvWithState"] = importCausalConvWithState;
  table["LinearAttention"] = importLinearAttention;
  table["RotaryEmbedding"] = importRotaryEmbedding;
}

} // namespace mocc
