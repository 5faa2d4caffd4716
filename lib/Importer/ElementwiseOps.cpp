//===- ElementwiseOps.cpp - Importers of ONNX elementwise ops -------------===//
#include "NodeContext.h"

#include "mlir/IR/TypeUtilities.h"

using namespace mlir;

namespace mocc {
namespace {

template <typename OpTy>
LogicalResult importUnary(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  return node.setResult(node.create<OpTy>(*input));
}

template <typename OpTy>
LogicalResult importBinary(NodeContext &node) {
  FailureOr<Value> lhs = node.requiredInput(0), rhs = node.requiredInput(1);
  if (failed(lhs) || failed(rhs))
    return failure();
  if (node.opset < 7 && node.hasAttribute("axis"))
    return node.emitError() << "legacy broadcasting with 'axis' is not supported";
  return node.setResult(node.create<OpTy>(*lhs, *rhs));
}

/// Sum, Mean, Max, Min: a left fold of the binary op over all inputs.
template <typename OpTy>
FailureOr<Value> foldVariadic(NodeContext &node) {
  FailureOr<Value> result = node.requiredInput(0);
  for (size_t i = 1; i < node.numInputs() && succeeded(result); ++i) {
    FailureOr<Value> next = node.requiredInput(i);
    if (failed(next))
      return failure();
    result = node.create<OpTy>(*result, *next);
  }
  return result;
}

template <typename OpTy>
LogicalResult importVariadic(NodeContext &node) {
  return node.setResult(foldVariadic<OpTy>(node));
}

LogicalResult importMean(NodeContext &node) {
  FailureOr<Value> sum = foldVariadic<moc::AddOp>(node);
  if (failed(sum))
    return failure();
  Value count = node.scalar(getElementTypeOrSelf(sum->getType()),
                            double(node.numInputs()));
  return node.setResult(node.create<moc::DivOp>(*sum, count));
}

LogicalResult importPow(NodeContext &node) {
  FailureOr<Value> base = node.requiredInput(0), exponent = node.requiredInput(1);
  if (failed(base) || failed(exponent))
    return failure();
  // ONNX lets the exponent have another type; compute in the base's.
  Type element = getElementTypeOrSelf(base->getType());
  if (getElementTypeOrSelf(exponent->getType()) != element) {
    auto type = node.inputType(1).clone(element);
    exponent = node.create<moc::CastOp>(type, *exponent);
    if (failed(exponent))
      return failure();
  }
  return node.setResult(node.create<moc::PowOp>(*base, *exponent));
}

/// Mod: the divisor's sign (Python) unless fmod = 1 asks for C's fmod.
LogicalResult importMod(NodeContext &node) {
  if (node.intAttr("fmod", 0))
    return importBinary<moc::FmodOp>(node);
  return importBinary<moc::ModOp>(node);
}

LogicalResult importBitShift(NodeContext &node) {
  std::string direction = node.stringAttr("direction", "");
  if (direction == "LEFT")
    return importBinary<moc::ShiftLeftOp>(node);
  if (direction == "RIGHT")
    return importBinary<moc::ShiftRightOp>(node);
  return node.emitError() << "expects direction LEFT or RIGHT, got '"
                          << direction << "'";
}

LogicalResult importWhere(NodeContext &node) {
  FailureOr<Value> condition = node.requiredInput(0),
                   onTrue = node.requiredInput(1),
                   onFalse = node.requiredInput(2);
  if (failed(condition) || failed(onTrue) || failed(onFalse))
    return failure();
  return node.setResult(
      node.create<moc::SelectOp>(*condition, *onTrue, *onFalse));
}

LogicalResult importCastTo(NodeContext &node, Type element) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  return node.setResult(castSaturating(node, *input, element,
                                       node.intAttr("saturate", 1) != 0));
}

LogicalResult importCast(NodeContext &node) {
  int64_t to = node.intAttr("to", 0);
  Type element = importElementType(int32_t(to), node.context());
  if (!element)
    return node.emitError() << "casts to unsupported element type "
                            << onnxTypeName(int32_t(to));
  return importCastTo(node, element);
}

/// BitCast: the same bits read as `to`, of the same size. ONNX's bool is a
/// byte holding 0 or 1, so to and from it the values are cast; types that
/// differ only in signedness cast without changing a bit.
LogicalResult importBitCast(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  int64_t to = node.intAttr("to", 0);
  Type element = importElementType(int32_t(to), node.context());
  if (!element)
    return node.emitError() << "bit-casts to unsupported element type "
                            << onnxTypeName(int32_t(to));
  RankedTensorType type = node.inputType(0);
  Type from = type.getElementType();
  auto byteWidth = [](Type t) {
    if (moc::isByteCodedFloat(t))
      return isa<moc::Float4E2M1FNType>(t) ? 4u : 8u;
    return t.isInteger(1) ? 8u : t.getIntOrFloatBitWidth();
  };
  if (byteWidth(from) != byteWidth(element))
    return node.emitError() << "bit-casts " << from << " to " << element
                            << ", of another width";
  bool integers = isa<IntegerType>(from) && isa<IntegerType>(element);
  if (integers)
    return node.setResult(node.create<moc::CastOp>(type.clone(element), *input));
  return node.setResult(node.create<moc::BitcastOp>(type.clone(element), *input));
}

LogicalResult importCastLike(NodeContext &node) {
  FailureOr<Value> like = node.requiredInput(1);
  if (failed(like))
    return failure();
  return importCastTo(node, getElementTypeOrSelf(like->getType()));
}

LogicalResult importDropout(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  // Inference: the output is the input; the optional mask is all true.
  Value mask = node.splat(node.inputType(0).clone(node.builder.getI1Type()), 1);
  return node.setResults({*input, mask});
}

/// Clip: opset < 11 takes bounds as attributes, later ones as inputs.
LogicalResult importClip(NodeContext &node) {
  FailureOr<Value> result = node.requiredInput(0);
  if (failed(result))
    return failure();
  Type element = getElementTypeOrSelf(result->getType());
  auto bound = [&](size_t index, llvm::StringRef attr) -> Value {
    if (node.opset < 11)
      return node.hasAttribute(attr)
                 ? node.scalar(element, node.floatAttr(attr, 0))
                 : Value();
    return node.input(index);
  };
  if (Value low = bound(1, "min"))
    result = node.create<moc::MaxOp>(*result, low);
  if (failed(result))
    return failure();
  if (Value high = bound(2, "max"))
    result = node.create<moc::MinOp>(*result, high);
  return node.setResult(result);
}

template <typename OpTy>
LogicalResult importAlpha(NodeContext &node, float alpha) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  return node.setResult(node.create<OpTy>(
      *input, node.builder.getF32FloatAttr(node.floatAttr("alpha", alpha))));
}

LogicalResult importSelu(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  return node.setResult(node.create<moc::SeluOp>(
      *input,
      node.builder.getF32FloatAttr(node.floatAttr("alpha", 1.67326319217681884765625f)),
      node.builder.getF32FloatAttr(node.floatAttr("gamma", 1.05070102214813232421875f))));
}

FailureOr<Value> hardSigmoid(NodeContext &node, Value input, float alpha,
                             float beta) {
  return node.create<moc::HardSigmoidOp>(input,
                                         node.builder.getF32FloatAttr(alpha),
                                         node.builder.getF32FloatAttr(beta));
}

LogicalResult importHardSigmoid(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  return node.setResult(hardSigmoid(node, *input, node.floatAttr("alpha", 0.2f),
                                    node.floatAttr("beta", 0.5f)));
}

LogicalResult importHardSwish(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  FailureOr<Value> gate = hardSigmoid(node, *input, 1.0f / 6, 0.5f);
  if (failed(gate))
    return failure();
  return node.setResult(node.create<moc::MulOp>(*input, *gate));
}

/// Swish: x * sigmoid(alpha * x), alpha from the node.
FailureOr<Value> swish(NodeContext &node, Value input) {
  float alpha = node.floatAttr("alpha", 1.0f);
  FailureOr<Value> scaled = input;
  if (alpha != 1.0f)
    scaled = node.create<moc::MulOp>(
        input, node.scalar(getElementTypeOrSelf(input.getType()), alpha));
  if (failed(scaled))
    return failure();
  FailureOr<Value> gate = node.create<moc::SigmoidOp>(*scaled);
  if (failed(gate))
    return failure();
  return node.create<moc::MulOp>(input, *gate);
}

LogicalResult importSwish(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  return node.setResult(swish(node, *input));
}

/// SwiGLU: Swish(A) * B, for A and B of one shape.
LogicalResult importSwiGLU(NodeContext &node) {
  FailureOr<Value> gate = node.requiredInput(0), value = node.requiredInput(1);
  if (failed(gate) || failed(value))
    return failure();
  if (gate->getType() != value->getType())
    return node.emitError() << "expects A and B of one type, got "
                            << gate->getType() << " and " << value->getType();
  FailureOr<Value> activated = swish(node, *gate);
  if (failed(activated))
    return failure();
  return node.setResult(node.create<moc::MulOp>(*activated, *value));
}

/// Shrink: x + bias below -lambd, x - bias above lambd, 0 between. Integers
/// are compared and shifted as doubles, then truncated back (as numpy does).
LogicalResult importShrink(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  RankedTensorType type = node.inputType(0);
  Type element = type.getElementType();
  Type compute = isa<FloatType>(element) ? element : node.builder.getF64Type();
  FailureOr<Value> x = *input;
  if (compute != element)
    x = node.create<moc::CastOp>(type.clone(compute), *input);
  if (failed(x))
    return failure();
  float lambd = node.floatAttr("lambd", 0.5f), bias = node.floatAttr("bias", 0.0f);
  Value zero = node.scalar(compute, 0.0), shift = node.scalar(compute, bias);
  FailureOr<Value> below =
      node.create<moc::LessOp>(*x, node.scalar(compute, -lambd));
  FailureOr<Value> above =
      node.create<moc::GreaterOp>(*x, node.scalar(compute, lambd));
  FailureOr<Value> raised = node.create<moc::AddOp>(*x, shift);
  FailureOr<Value> lowered = node.create<moc::SubOp>(*x, shift);
  if (failed(below) || failed(above) || failed(raised) || failed(lowered))
    return failure();
  FailureOr<Value> upper = node.create<moc::SelectOp>(*above, *lowered, zero);
  if (failed(upper))
    return failure();
  FailureOr<Value> result = node.create<moc::SelectOp>(*below, *raised, *upper);
  if (failed(result) || compute == element)
    return node.setResult(result);
  return node.setResult(node.create<moc::CastOp>(type, *result));
}

LogicalResult importMish(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  FailureOr<Value> softplus = node.create<moc::SoftplusOp>(*input);
  if (failed(softplus))
    return failure();
  FailureOr<Value> tanh = node.create<moc::TanhOp>(*softplus);
  if (failed(tanh))
    return failure();
  return node.setResult(node.create<moc::MulOp>(*input, *tanh));
}

LogicalResult importGelu(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  std::string approximate = node.stringAttr("approximate", "none");
  if (approximate != "none" && approximate != "tanh")
    return node.emitError() << "expects approximate 'none' or 'tanh', got '"
                            << approximate << "'";
  return node.setResult(node.create<moc::GeluOp>(
      *input, node.builder.getBoolAttr(approximate == "tanh")));
}

LogicalResult importIsNaN(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  FailureOr<Value> ordered = node.create<moc::EqualOp>(*input, *input);
  if (failed(ordered))
    return failure();
  return node.setResult(node.create<moc::NotOp>(*ordered));
}

LogicalResult importIsInf(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  Type element = node.inputType(0).getElementType();
  double infinity = std::numeric_limits<double>::infinity();
  FailureOr<Value> result = failure();
  for (auto [attr, value] : {std::pair{"detect_positive", infinity},
                             std::pair{"detect_negative", -infinity}}) {
    if (!node.intAttr(attr, 1))
      continue;
    FailureOr<Value> match =
        node.create<moc::EqualOp>(*input, node.scalar(element, value));
    if (failed(match))
      return failure();
    result = succeeded(result) ? node.create<moc::OrOp>(*result, *match) : match;
  }
  if (failed(result)) // Detecting neither: all false.
    return node.setResults(
        {node.splat(node.inputType(0).clone(node.builder.getI1Type()), 0)});
  return node.setResult(result);
}

} // namespace

bool isFloat8(Type element) {
  return isa<Float8E4M3FNType, Float8E4M3FNUZType, Float8E5M2Type,
             Float8E5M2FNUZType>(element);
}

FailureOr<Value> castSaturating(NodeContext &node, Value value, Type element,
                                bool saturate) {
  auto type = cast<RankedTensorType>(value.getType());
  if (saturate && isFloat8(element)) {
    // Clamped where the float8 maximum is exact: in the input's float type,
    // or in f32 for integers.
    if (!isa<FloatType>(type.getElementType())) {
      type = type.clone(Float32Type::get(node.context()));
      FailureOr<Value> wide = node.create<moc::CastOp>(type, value);
      if (failed(wide))
        return failure();
      value = *wide;
    }
    double largest =
        APFloat::getLargest(cast<FloatType>(element).getFloatSemantics())
            .convertToDouble();
    FailureOr<Value> low = node.create<moc::MaxOp>(
        value, node.scalar(type.getElementType(), -largest));
    if (failed(low))
      return failure();
    FailureOr<Value> clamped = node.create<moc::MinOp>(
        *low, node.scalar(type.getElementType(), largest));
    if (failed(clamped))
      return failure();
    value = *clamped;
  }
  if (type.getElementType() == element)
    return value;
  if (isa<moc::Float8E8M0FNUType>(element)) {
    std::string mode = node.stringAttr("round_mode", "up");
    std::optional<moc::PowerRounding> rounding =
        moc::symbolizePowerRounding(mode);
    if (!rounding)
      return node.emitError()
             << "rounds by unknown round_mode '" << mode << "'";
    return node.create<moc::CastOp>(
        type.clone(element), value,
        moc::PowerRoundingAttr::get(node.context(), *rounding), saturate);
  }
  return node.create<moc::CastOp>(type.clone(element), value);
}

void registerElementwiseImporters(OpImporterTable &table) {
  table["Abs"] = importUnary<moc::AbsOp>;
  table["Neg"] = importUnary<moc::NegOp>;
  table["Sign"] = importUnary<moc::SignOp>;
  table["Relu"] = importUnary<moc::ReluOp>;
  table["Exp"] = importUnary<moc::ExpOp>;
  table["Log"] = importUnary<moc::LogOp>;
  table["Sqrt"] = importUnary<moc::SqrtOp>;
  table["Reciprocal"] = importUnary<moc::ReciprocalOp>;
  table["Sin"] = importUnary<moc::SinOp>;
  table["Cos"] = importUnary<moc::CosOp>;
  table["Tan"] = importUnary<moc::TanOp>;
  table["Asin"] = importUnary<moc::AsinOp>;
  table["Acos"] = importUnary<moc::AcosOp>;
  table["Atan"] = importUnary<moc::AtanOp>;
  table["Sinh"] = importUnary<moc::SinhOp>;
  table["Cosh"] = importUnary<moc::CoshOp>;
  table["Tanh"] = importUnary<moc::TanhOp>;
  table["Asinh"] = importUnary<moc::AsinhOp>;
  table["Acosh"] = importUnary<moc::AcoshOp>;
  table["Atanh"] = importUnary<moc::AtanhOp>;
  table["Erf"] = importUnary<moc::ErfOp>;
  table["Sigmoid"] = importUnary<moc::SigmoidOp>;
  table["Softplus"] = importUnary<moc::SoftplusOp>;
  table["Softsign"] = importUnary<moc::SoftsignOp>;
  table["Floor"] = importUnary<moc::FloorOp>;
  table["Ceil"] = importUnary<moc::CeilOp>;
  table["Round"] = importUnary<moc::RoundOp>;
  table["Not"] = importUnary<moc::NotOp>;
  table["BitwiseNot"] = importUnary<moc::BitwiseNotOp>;
  table["LeakyRelu"] = [](NodeContext &n) { return importAlpha<moc::LeakyReluOp>(n, 0.01f); };
  table["Elu"] = [](NodeContext &n) { return importAlpha<moc::EluOp>(n, 1.0f); };
  table["Celu"] = [](NodeContext &n) { return importAlpha<moc::CeluOp>(n, 1.0f); };
  table["ThresholdedRelu"] = [](NodeContext &n) {
    return importAlpha<moc::ThresholdedReluOp>(n, 1.0f);
  };
  table["Selu"] = importSelu;
  table["HardSigmoid"] = importHardSigmoid;
  table["HardSwish"] = importHardSwish;
  table["Mish"] = importMish;
  table["Swish"] = importSwish;
  table["SwiGLU"] = importSwiGLU;
  table["Shrink"] = importShrink;
  table["Gelu"] = importGelu;

  table["Add"] = importBinary<moc::AddOp>;
  table["Sub"] = importBinary<moc::SubOp>;
  table["Mul"] = importBinary<moc::MulOp>;
  table["Div"] = importBinary<moc::DivOp>;
  table["Pow"] = importPow;
  table["Mod"] = importMod;
  table["PRelu"] = importBinary<moc::PReluOp>;
  table["And"] = importBinary<moc::AndOp>;
  table["Or"] = importBinary<moc::OrOp>;
  table["Xor"] = importBinary<moc::XorOp>;
  table["BitwiseAnd"] = importBinary<moc::BitwiseAndOp>;
  table["BitwiseOr"] = importBinary<moc::BitwiseOrOp>;
  table["BitwiseXor"] = importBinary<moc::BitwiseXorOp>;
  table["BitShift"] = importBitShift;
  table["Equal"] = importBinary<moc::EqualOp>;
  table["Less"] = importBinary<moc::LessOp>;
  table["LessOrEqual"] = importBinary<moc::LessEqualOp>;
  table["Greater"] = importBinary<moc::GreaterOp>;
  table["GreaterOrEqual"] = importBinary<moc::GreaterEqualOp>;
  table["Sum"] = importVariadic<moc::AddOp>;
  table["Max"] = importVariadic<moc::MaxOp>;
  table["Min"] = importVariadic<moc::MinOp>;
  table["Mean"] = importMean;
  table["Where"] = importWhere;
  table["IsNaN"] = importIsNaN;
  table["IsInf"] = importIsInf;
  table["BitCast"] = importBitCast;
  table["Cast"] = importCast;
  table["CastLike"] = importCastLike;
  table["Clip"] = importClip;
  table["Dropout"] = importDropout;
}

} // namespace mocc
