//===- FourierOps.cpp - Importers of ONNX DFT and STFT --------------------===//
//
// The discrete Fourier transform as matrix products with constant cosine
// and sine matrices, in f64 (like numpy's FFT that ONNX's reference uses):
// for a signal a + ib of length n along the axis,
//   forward: Re X_k = sum a cos t + b sin t,  Im X_k = sum b cos t - a sin t,
//   inverse: x_n = (1/N) sum (a cos t - b sin t) + i (a sin t + b cos t),
// with t = 2 pi k n / N. A one-sided inverse (irfft) weighs each frequency
// but the first and the Nyquist one twice, its conjugate's share. STFT
// gathers the windowed frames and transforms each.
//
//===----------------------------------------------------------------------===//
#include "OpChain.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/TypeUtilities.h"

#include <cmath>

using namespace mlir;

namespace mocc {
namespace {

struct Transform {
  int64_t length;  // N
  bool inverse = false;
  bool onesided = false;
};

/// The longest transform: its N x N cosine and sine matrices are constants.
constexpr int64_t kMaxTransformLength = int64_t(1) << 12;
static_assert(kMaxTransformLength * kMaxTransformLength <=
              kMaxComputedConstantElements);

/// A (rows x columns) f64 constant with `entry(row, column)`.
template <typename Entry>
Value matrixConstant(NodeContext &node, int64_t rows, int64_t columns, Entry entry) {
  auto type = RankedTensorType::get({rows, columns}, node.builder.getF64Type());
  SmallVector<double> values;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < columns; ++c)
      values.push_back(entry(r, c));
  return node.builder.create<moc::ConstantOp>(
      node.loc, DenseElementsAttr::get(type, ArrayRef<double>(values)));
}

/// Transforms the f64 parts `real`, `imaginary` (may be null) along their
/// last dimension; returns the real and imaginary parts of the result (the
/// imaginary one null for an irfft, whose result is real).
std::pair<Value, Value> transformLast(NodeContext &node, OpChain &ops, Value real,
                                      Value imaginary, const Transform &t) {
  int64_t available = cast<RankedTensorType>(real.getType()).getShape().back();
  // Inputs used: the first N samples (N/2+1 frequencies for an irfft); the
  // missing ones are zeros and contribute nothing.
  int64_t used = std::min(available, t.inverse && t.onesided ? t.length / 2 + 1 : t.length);
  int64_t outputs = !t.inverse && t.onesided ? t.length / 2 + 1 : t.length;
  int64_t last = cast<RankedTensorType>(real.getType()).getRank() - 1;
  if (used < available) {
    real = ops.slice(real, last, 0, used);
    if (imaginary)
      imaginary = ops.slice(imaginary, last, 0, used);
  }
  double scale = t.inverse ? 1.0 / double(t.length) : 1.0;
  auto weight = [&](int64_t row) {
    if (!(t.inverse && t.onesided) || row == 0 || 2 * row == t.length)
      return scale;
    return 2 * scale;
  };
  // Rows: input position (sample or frequency); columns: output position.
  auto angle = [&](int64_t row, int64_t column) {
    return 2 * M_PI * double((row * column) % t.length) / double(t.length);
  };
  Value cosines = matrixConstant(node, used, outputs, [&](int64_t r, int64_t c) {
    return weight(r) * std::cos(angle(r, c));
  });
  Value sines = matrixConstant(node, used, outputs, [&](int64_t r, int64_t c) {
    return weight(r) * std::sin(angle(r, c));
  });
  Value aCos = ops.create<moc::MatMulOp>(real, cosines);
  Value aSin = ops.create<moc::MatMulOp>(real, sines);
  Value bCos = imaginary ? ops.create<moc::MatMulOp>(imaginary, cosines) : Value();
  Value bSin = imaginary ? ops.create<moc::MatMulOp>(imaginary, sines) : Value();
  if (!t.inverse) {
    Value re = bSin ? ops.create<moc::AddOp>(aCos, bSin) : aCos;
    Value im = bCos ? ops.create<moc::SubOp>(bCos, aSin) : ops.create<moc::NegOp>(aSin);
    return {re, im};
  }
  Value re = bSin ? ops.create<moc::SubOp>(aCos, bSin) : aCos;
  if (t.onesided)
    return {re, Value()};
  Value im = bCos ? ops.create<moc::AddOp>(aSin, bCos) : aSin;
  return {re, im};
}

/// Transforms `signal` (..., 1 or 2: real or complex) along `axis` (a
/// dimension before the last); the result has the same layout, with one
/// component for an irfft.
Value transformSignal(NodeContext &node, OpChain &ops, Value signal, int64_t axis,
                      const Transform &t) {
  auto type = cast<RankedTensorType>(signal.getType());
  int64_t rank = type.getRank(), parts = type.getShape().back();
  Type f64 = node.builder.getF64Type();
  Value wide = ops.castTo(signal, f64);
  SmallVector<int64_t> dataShape(type.getShape().drop_back());
  SmallVector<int64_t> toLast = permutationMovingLast(axis, rank - 1);
  auto component = [&](int64_t c) {
    return ops.transpose(ops.reshape(ops.slice(wide, rank - 1, c, c + 1), dataShape),
                         toLast);
  };
  Value real = component(0);
  Value imaginary = parts == 2 ? component(1) : Value();
  if (failed(ops.status()))
    return {};
  auto [re, im] = transformLast(node, ops, real, imaginary, t);
  SmallVector<int64_t> back = inversePermutation(toLast);
  SmallVector<Value> results;
  for (Value part : {re, im}) {
    if (!part)
      continue;
    Value moved = ops.transpose(part, back);
    if (!moved)
      return {};
    SmallVector<int64_t> shape(cast<RankedTensorType>(moved.getType()).getShape());
    shape.push_back(1);
    results.push_back(ops.reshape(moved, shape));
  }
  Value joined = results.size() == 1
                     ? results.front()
                     : ops.create<moc::ConcatOp>(ValueRange(results), rank - 1);
  return ops.castTo(joined, type.getElementType());
}

LogicalResult importDFT(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  RankedTensorType type = node.inputType(0);
  int64_t rank = type.getRank();
  if (!type.hasStaticShape() || rank < 2 ||
      (type.getShape().back() != 1 && type.getShape().back() != 2))
    return node.emitError() << "expects a static signal whose last dimension "
                               "(real or complex) is 1 or 2";
  int64_t axisValue = node.intAttr("axis", node.opset < 20 ? 1 : -2);
  if (node.opset >= 20 && node.input(2)) {
    FailureOr<int64_t> fromInput = node.optionalInt(2, axisValue);
    if (failed(fromInput))
      return failure();
    axisValue = *fromInput;
  }
  // The axis counts the signal's dimensions, the last one (parts) included.
  FailureOr<int64_t> axis = node.normalizeAxis(axisValue, rank);
  if (failed(axis))
    return failure();
  if (*axis == rank - 1)
    return node.emitError() << "cannot transform along the real/imaginary dimension";
  Transform t;
  t.inverse = node.intAttr("inverse", 0);
  t.onesided = node.intAttr("onesided", 0);
  int64_t size = type.getDimSize(*axis);
  FailureOr<int64_t> length =
      node.optionalInt(1, t.inverse && t.onesided ? 2 * (size - 1) : size);
  if (failed(length))
    return failure();
  if (*length <= 0 || *length > kMaxTransformLength)
    return node.emitError()
           << "expects a dft_length in [1, " << kMaxTransformLength << "]";
  t.length = *length;
  OpChain ops(node);
  Value result = transformSignal(node, ops, *input, *axis, t);
  if (!result || failed(ops.status()))
    return failure();
  return node.setResults({result});
}

/// The positions (i64, frames x frameLength) of the samples of every frame:
/// frame f starts at f * step, which may be known at run time only.
Value framePositions(NodeContext &node, OpChain &ops, Value frames, Value step,
                     int64_t frameLength) {
  OpBuilder &b = node.builder;
  Type i64 = b.getI64Type();
  FailureOr<Value> starts = node.iota(frames, i64);
  FailureOr<Value> offsets =
      node.iota(b.create<arith::ConstantIntOp>(node.loc, frameLength, 64), i64);
  if (failed(starts) || failed(offsets))
    return {};
  Value stepTensor = node.scalarTensor(step);
  Value firsts = ops.create<moc::MulOp>(*starts, stepTensor);
  FailureOr<Value> column = node.createOfSizes<moc::ReshapeOp>(
      firsts, {frames, b.create<arith::ConstantIntOp>(node.loc, 1, 64)});
  return ops.create<moc::AddOp>(ops.take(column),
                                ops.reshape(*offsets, {1, frameLength}));
}

/// STFT: the one-sided (or full) DFT of each windowed frame of length
/// frame_length, frame_step apart: (batch, frames, bins, 2). The step may be
/// known at run time only; the frame length, the DFT's size, may not.
LogicalResult importSTFT(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  FailureOr<SmallVector<OpFoldResult>> steps = node.sizeElements(1);
  if (failed(input) || failed(steps))
    return failure();
  RankedTensorType type = node.inputType(0);
  if (!type.hasStaticShape() || type.getRank() != 3)
    return node.emitError() << "expects a static (batch, length, 1 or 2) signal";
  if (steps->size() != 1)
    return node.emitError() << "expects one frame_step";
  Value window = node.input(2);
  int64_t windowLength =
      window ? cast<RankedTensorType>(window.getType()).getDimSize(0) : 0;
  FailureOr<int64_t> frameLength = node.optionalInt(3, windowLength);
  if (failed(frameLength))
    return failure();
  int64_t length = type.getDimSize(1);
  if (*frameLength <= 0 || *frameLength > length ||
      (window && windowLength != *frameLength))
    return node.emitError() << "expects a positive frame_step and a frame_length "
                               "within the signal, matching the window";
  if (*frameLength > kMaxTransformLength)
    return node.emitError()
           << "expects a frame_length of at most " << kMaxTransformLength;
  OpBuilder &b = node.builder;
  Location loc = node.loc;
  Value step = node.int64Value(steps->front());
  if (failed(node.require(
          b.createOrFold<arith::CmpIOp>(
              loc, arith::CmpIPredicate::sgt, step,
              b.create<arith::ConstantIntOp>(loc, 0, 64)),
          "expects a positive frame_step and a frame_length within the "
          "signal, matching the window")))
    return failure();
  Value frames = b.createOrFold<arith::AddIOp>(
      loc,
      b.createOrFold<arith::DivSIOp>(
          loc, b.create<arith::ConstantIntOp>(loc, length - *frameLength, 64),
          step),
      b.create<arith::ConstantIntOp>(loc, 1, 64));
  if (std::optional<int64_t> known = getConstantIntValue(frames);
      known && *known > kMaxComputedConstantElements / *frameLength)
    return node.emitError() << "has more than " << kMaxComputedConstantElements
                            << " frame samples";
  OpChain ops(node);
  // (batch, frames, frame_length, parts)
  Value framed = ops.create<moc::GatherOp>(
      *input, framePositions(node, ops, frames, step, *frameLength),
      int64_t(1));
  if (window)
    framed = ops.create<moc::MulOp>(
        framed, ops.reshape(ops.castTo(window, type.getElementType()),
                            {*frameLength, 1}));
  if (failed(ops.status()))
    return failure();
  Transform t{*frameLength, false, bool(node.intAttr("onesided", 1))};
  Value result = transformSignal(node, ops, framed, 2, t);
  if (!result || failed(ops.status()))
    return failure();
  return node.setResults({result});
}

} // namespace

void registerFourierImporters(OpImporterTable &table) {
  table["DFT"] = importDFT;
  table["STFT"] = importSTFT;
}

} // namespace mocc
