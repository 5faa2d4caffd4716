//===- QuantizationOps.cpp - Importers of ONNX quantization ops -----------===//
//
// QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear and the integer and
// QLinear forms of MatMul and Conv, as their reference definitions in moc ops:
// integer products accumulate exactly in i32, rescaling happens in floating
// point, and rounding is half to even with saturation at the type's range.
// This is the correct reference lowering; integer kernels come later.
//
//===----------------------------------------------------------------------===//
#include "OpChain.h"

#include "mlir/IR/TypeUtilities.h"

using namespace mlir;

namespace mocc {
namespace {

/// The range of a quantized integer type, or failure for other types.
FailureOr<std::pair<double, double>> integerRange(NodeContext &node, Type element) {
  auto integer = dyn_cast<IntegerType>(element);
  if (!integer || integer.getWidth() > 32 || integer.getWidth() < 2)
    return node.emitError() << "quantizes to unsupported type " << element;
  double span = double(uint64_t(1) << integer.getWidth());
  if (integer.isUnsigned())
    return std::make_pair(0.0, span - 1);
  return std::make_pair(-span / 2, span / 2 - 1);
}

/// A scale or zero point made to broadcast against an input of `shape`: a
/// single value as a scalar, a vector along `axis`, or blocks of `blockSize`
/// along `axis` repeated to cover it.
Value alignToInput(NodeContext &node, OpChain &ops, Value parameter,
                   ArrayRef<int64_t> shape, int64_t axis, int64_t blockSize) {
  if (!parameter)
    return {};
  auto type = cast<RankedTensorType>(parameter.getType());
  if (type.getRank() == 0)
    return parameter;
  if (type.hasStaticShape() && type.getNumElements() == 1)
    return ops.reshape(parameter, {});
  if (axis < 0 || axis >= int64_t(shape.size())) {
    node.emitError() << "expects axis in [" << -int64_t(shape.size()) << ", "
                     << shape.size() << ")";
    return {};
  }
  if (blockSize <= 0) {
    if (type.getRank() != 1 || type.getDimSize(0) != shape[axis]) {
      node.emitError() << "expects a scale or zero point of " << shape[axis]
                       << " values along axis " << axis;
      return {};
    }
    SmallVector<int64_t> alongAxis(shape.size(), 1);
    alongAxis[axis] = shape[axis];
    return ops.reshape(parameter, alongAxis);
  }
  int64_t blocks = (shape[axis] + blockSize - 1) / blockSize;
  SmallVector<int64_t> expected(shape);
  expected[axis] = blocks;
  if (type.getShape() != ArrayRef<int64_t>(expected)) {
    node.emitError() << "expects blocked scales and zero points of "
                     << blocks << " blocks along axis " << axis;
    return {};
  }
  SmallVector<int64_t> split(expected), repeated(expected), joined(expected);
  split.insert(split.begin() + axis + 1, 1);
  repeated.insert(repeated.begin() + axis + 1, blockSize);
  joined[axis] = blocks * blockSize;
  Value blocked = ops.create<moc::BroadcastOp>(
      RankedTensorType::get(repeated, type.getElementType()),
      ops.reshape(parameter, split));
  Value flat = ops.reshape(blocked, joined);
  if (joined[axis] == shape[axis])
    return flat;
  return ops.slice(flat, axis, 0, shape[axis]);
}

/// The quantization axis of the node for an input of `rank`; checked where
/// a per-axis parameter uses it.
int64_t quantizationAxis(NodeContext &node, int64_t rank) {
  int64_t axis = node.intAttr("axis", 1);
  return axis < 0 ? axis + rank : axis;
}

/// Rounds half to even, adds the zero point and saturates to `element`.
Value roundAndSaturate(NodeContext &node, OpChain &ops, Value scaled,
                       Value zeroPoint, Type element,
                       std::pair<double, double> range) {
  auto floatType = cast<FloatType>(getElementTypeOrSelf(scaled.getType()));
  // Integers of the quantized types are exact in f32 (f64 for f64 inputs).
  Type wide = floatType.getWidth() == 64 ? floatType : Float32Type::get(node.context());
  Value rounded = ops.castTo(ops.create<moc::RoundOp>(scaled), wide);
  if (zeroPoint)
    rounded = ops.create<moc::AddOp>(rounded, ops.castTo(zeroPoint, wide));
  Value low = ops.create<moc::MaxOp>(rounded, node.scalar(wide, range.first));
  Value clamped = ops.create<moc::MinOp>(low, node.scalar(wide, range.second));
  return ops.castTo(clamped, element);
}

LogicalResult importQuantizeLinear(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0), scale = node.requiredInput(1);
  if (failed(input) || failed(scale))
    return failure();
  RankedTensorType type = node.inputType(0);
  int64_t axis = quantizationAxis(node, type.getRank());
  Value zeroPoint = node.input(2);
  Type element = IntegerType::get(node.context(), 8, IntegerType::Unsigned);
  if (zeroPoint)
    element = getElementTypeOrSelf(zeroPoint.getType());
  else if (int64_t dtype = node.intAttr("output_dtype", 0))
    element = importElementType(int32_t(dtype), node.context());
  if (!element)
    return node.emitError() << "quantizes to an unsupported output_dtype";
  // Float8 and float4 round to nearest even in the cast, saturating unless
  // told not to (their zero point must be 0).
  bool toFloat = !isa<IntegerType>(element);
  FailureOr<std::pair<double, double>> range =
      toFloat ? std::make_pair(0.0, 0.0) : integerRange(node, element);
  if (failed(range))
    return failure();
  int64_t blockSize = node.intAttr("block_size", 0);
  OpChain ops(node);
  // An integer input (int32) is divided in f32.
  Type computeElement = isa<FloatType>(type.getElementType())
                            ? type.getElementType()
                            : Float32Type::get(node.context());
  Value x = ops.castTo(*input, computeElement);
  Value alignedScale =
      alignToInput(node, ops, *scale, type.getShape(), axis, blockSize);
  if (!alignedScale)
    return failure();
  Value divisor = ops.castTo(alignedScale, computeElement);
  if (int64_t precision = node.intAttr("precision", 0)) {
    Type computeType = importElementType(int32_t(precision), node.context());
    if (!computeType || !isa<FloatType>(computeType))
      return node.emitError() << "unsupported precision " << precision;
    x = ops.castTo(x, computeType);
    divisor = ops.castTo(divisor, computeType);
  }
  Value scaled = ops.create<moc::DivOp>(x, divisor);
  if (toFloat) {
    if (failed(ops.status()))
      return failure();
    return node.setResult(castSaturating(node, scaled, element,
                                         node.intAttr("saturate", 1) != 0));
  }
  Value alignedZero =
      alignToInput(node, ops, zeroPoint, type.getShape(), axis, blockSize);
  if (failed(ops.status()) || (zeroPoint && !alignedZero))
    return failure();
  Value result = roundAndSaturate(node, ops, scaled, alignedZero, element, *range);
  if (failed(ops.status()))
    return failure();
  return node.setResults({result});
}

LogicalResult importDequantizeLinear(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0), scale = node.requiredInput(1);
  if (failed(input) || failed(scale))
    return failure();
  RankedTensorType type = node.inputType(0);
  int64_t axis = quantizationAxis(node, type.getRank());
  Type output = getElementTypeOrSelf(scale->getType());
  if (int64_t dtype = node.intAttr("output_dtype", 0))
    output = importElementType(int32_t(dtype), node.context());
  if (!output || !isa<FloatType>(output))
    return node.emitError() << "dequantizes to an unsupported output_dtype";
  int64_t blockSize = node.intAttr("block_size", 0);
  Type f32 = Float32Type::get(node.context());
  OpChain ops(node);
  Value x = ops.castTo(*input, f32);
  if (Value zeroPoint = node.input(2)) {
    Value aligned =
        alignToInput(node, ops, zeroPoint, type.getShape(), axis, blockSize);
    if (!aligned)
      return failure();
    x = ops.create<moc::SubOp>(x, ops.castTo(aligned, f32));
  }
  Value factor = alignToInput(node, ops, *scale, type.getShape(), axis, blockSize);
  if (!factor)
    return failure();
  Value result = ops.castTo(ops.create<moc::MulOp>(x, ops.castTo(factor, f32)), output);
  if (failed(ops.status()))
    return failure();
  return node.setResults({result});
}

/// DynamicQuantizeLinear: uint8 with the scale and zero point that map
/// [min(x, 0), max(x, 0)] onto [0, 255].
LogicalResult importDynamicQuantizeLinear(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  RankedTensorType type = node.inputType(0);
  Type element = type.getElementType();
  Type u8 = IntegerType::get(node.context(), 8, IntegerType::Unsigned);
  SmallVector<int64_t> all = llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()));
  OpChain ops(node);
  Value zero = node.scalar(element, 0.0);
  Value high = ops.create<moc::MaxOp>(
      ops.create<moc::ReduceMaxOp>(*input, all, false), zero);
  Value low = ops.create<moc::MinOp>(
      ops.create<moc::ReduceMinOp>(*input, all, false), zero);
  Value range = ops.create<moc::SubOp>(high, low);
  Value empty = ops.create<moc::EqualOp>(high, low);
  Value span = ops.create<moc::SelectOp>(empty, node.scalar(element, 1.0), range);
  Value scale = ops.create<moc::DivOp>(span, node.scalar(element, 255.0));
  Value initialZero = ops.create<moc::SubOp>(zero, ops.create<moc::DivOp>(low, scale));
  Value zeroPoint = ops.create<moc::RoundOp>(ops.create<moc::MinOp>(
      ops.create<moc::MaxOp>(initialZero, zero), node.scalar(element, 255.0)));
  Value scaled = ops.create<moc::DivOp>(*input, scale);
  if (failed(ops.status()))
    return failure();
  Value quantized = roundAndSaturate(node, ops, scaled, zeroPoint, u8, {0.0, 255.0});
  Value zeroPointU8 = ops.castTo(zeroPoint, u8);
  if (failed(ops.status()))
    return failure();
  return node.setResults({quantized, scale, zeroPointU8});
}

/// A per-channel vector (more than one value) shaped to broadcast along
/// dimension `axis` of a rank-`rank` tensor; anything else as it is.
Value alongAxis(OpChain &ops, Value value, int64_t rank, int64_t axis) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getRank() != 1 || type.getDimSize(0) == 1)
    return value;
  SmallVector<int64_t> shape(rank, 1);
  shape[axis] = type.getDimSize(0);
  return ops.reshape(value, shape);
}

/// `value - zeroPoint` in `wide` (numpy broadcasting, as the reference).
Value centered(OpChain &ops, Value value, Value zeroPoint, Type wide) {
  Value widened = ops.castTo(value, wide);
  return zeroPoint ? ops.create<moc::SubOp>(widened, ops.castTo(zeroPoint, wide))
                   : widened;
}

/// The integer convolution of the node's quantized input and weight minus
/// their zero points, plus `bias`. moc.conv is a floating-point op: it runs in
/// f64, where products of 8- and 16-bit integers and their sums below 2^53
/// are exact, and the result is converted to i32.
Value integerConv(NodeContext &node, OpChain &ops, Value input, Value inputZero,
                  Value weight, Value weightZero, Value bias) {
  Type f64 = Float64Type::get(node.context());
  int64_t rank = cast<RankedTensorType>(weight.getType()).getRank();
  if (weightZero) // One per output channel: dimension 0 of the weight.
    weightZero = alongAxis(ops, weightZero, rank, 0);
  Value x = centered(ops, input, inputZero, f64);
  Value w = centered(ops, weight, weightZero, f64);
  if (bias)
    bias = ops.castTo(bias, f64);
  if (failed(ops.status()))
    return {};
  FailureOr<Value> result = createConv(node, x, w, bias);
  if (failed(result))
    return {};
  return ops.castTo(*result, IntegerType::get(node.context(), 32));
}

/// The i32 product of the node's quantized matrices minus their zero points
/// (inputs `a`, `aZero`, `b`, `bZero`).
Value integerMatMul(NodeContext &node, OpChain &ops, size_t a, size_t aZero,
                    size_t b, size_t bZero) {
  Type i32 = IntegerType::get(node.context(), 32);
  return ops.create<moc::MatMulOp>(
      centered(ops, node.input(a), node.input(aZero), i32),
      centered(ops, node.input(b), node.input(bZero), i32));
}

LogicalResult importMatMulInteger(NodeContext &node) {
  if (failed(node.requiredInput(0)) || failed(node.requiredInput(1)))
    return failure();
  OpChain ops(node);
  Value product = integerMatMul(node, ops, 0, 2, 1, 3);
  if (failed(ops.status()))
    return failure();
  return node.setResults({product});
}

LogicalResult importConvInteger(NodeContext &node) {
  if (failed(node.requiredInput(0)) || failed(node.requiredInput(1)))
    return failure();
  OpChain ops(node);
  Value result = integerConv(node, ops, node.input(0), node.input(2),
                             node.input(1), node.input(3), Value());
  if (!result || failed(ops.status()))
    return failure();
  return node.setResults({result});
}

/// Requantizes an i32 accumulator: round(acc * scale + zero point) saturated
/// to `element`, with the product in f64 as the reference computes it.
Value requantize(NodeContext &node, OpChain &ops, Value accumulator, Value scale,
                 Value zeroPoint, Type element) {
  FailureOr<std::pair<double, double>> range = integerRange(node, element);
  if (failed(range))
    return {};
  Type f64 = Float64Type::get(node.context());
  Value scaled = ops.create<moc::MulOp>(ops.castTo(accumulator, f64),
                                        ops.castTo(scale, f64));
  return roundAndSaturate(node, ops, scaled, zeroPoint, element, *range);
}

/// The rescaling factor `a_scale * b_scale / y_scale` in the scales' type.
Value rescalingFactor(OpChain &ops, Value inputScale, Value weightScale,
                      Value outputScale) {
  return ops.create<moc::DivOp>(ops.create<moc::MulOp>(inputScale, weightScale),
                                outputScale);
}

/// The inputs every QLinear op needs: x, x_scale, w, w_scale, y_scale.
LogicalResult requireQLinearInputs(NodeContext &node) {
  for (size_t i : {0, 1, 3, 4, 6})
    if (failed(node.requiredInput(i)))
      return failure();
  return success();
}

/// Requantizes the i32 `accumulator` of a QLinear op to its output type (of
/// y_zero_point, else of x) with the rescaling factor
/// x_scale * w_scale / y_scale.
LogicalResult setQLinearResult(NodeContext &node, OpChain &ops,
                               Value accumulator, Value weightScale) {
  Value factor = rescalingFactor(ops, node.input(1), weightScale, node.input(6));
  if (!accumulator || failed(ops.status()))
    return failure();
  Value zeroPoint = node.input(7);
  Type element = getElementTypeOrSelf(zeroPoint ? zeroPoint : node.input(0));
  Value result = requantize(node, ops, accumulator, factor, zeroPoint, element);
  if (!result || failed(ops.status()))
    return failure();
  return node.setResults({result});
}

LogicalResult importQLinearMatMul(NodeContext &node) {
  if (failed(requireQLinearInputs(node)))
    return failure();
  OpChain ops(node);
  Value product = integerMatMul(node, ops, 0, 2, 3, 5);
  return setQLinearResult(node, ops, product, node.input(4));
}

LogicalResult importQLinearConv(NodeContext &node) {
  if (failed(requireQLinearInputs(node)))
    return failure();
  OpChain ops(node);
  Value accumulator = integerConv(node, ops, node.input(0), node.input(2),
                                  node.input(3), node.input(5), node.input(8));
  // A per-channel weight scale applies along the output's channels.
  Value weightScale =
      alongAxis(ops, node.input(4), node.inputType(3).getRank(), 1);
  return setQLinearResult(node, ops, accumulator, weightScale);
}

} // namespace

void registerQuantizationImporters(OpImporterTable &table) {
  table["QuantizeLinear"] = importQuantizeLinear;
  table["DequantizeLinear"] = importDequantizeLinear;
  table["DynamicQuantizeLinear"] = importDynamicQuantizeLinear;
  table["MatMulInteger"] = importMatMulInteger;
  table["ConvInteger"] = importConvInteger;
  table["QLinearMatMul"] = importQLinearMatMul;
  table["QLinearConv"] = importQLinearConv;
}

} // namespace mocc
