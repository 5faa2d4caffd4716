//===- SignalOps.cpp - Importers of the ONNX signal processing ops --------===//
//
// HannWindow, HammingWindow, BlackmanWindow and MelWeightMatrix of constant
// sizes are constants, computed with the formulas (and in the precisions) of
// onnx's reference, then converted to `output_datatype`. A window whose size
// is read at run time computes the same formula per run.
//
//===----------------------------------------------------------------------===//
#include "NodeContext.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/BuiltinAttributes.h"

#include <cmath>
#include <limits>

using namespace mlir;

namespace mocc {
namespace {

/// A generalized cosine window: element n of period N is
/// a0 - a1 cos(2 pi n / N) + a2 cos(4 pi n / N).
struct CosineWindow {
  double a0, a1, a2;
};
constexpr CosineWindow kHann{0.5, 0.5, 0.0};
constexpr CosineWindow kHamming{25.0 / 46.0, 21.0 / 46.0, 0.0};
constexpr CosineWindow kBlackman{0.42, 0.5, 0.08};

/// The output_datatype, or null after an error.
Type outputElementType(NodeContext &node) {
  int64_t dataType = node.intAttr("output_datatype", 1);
  Type element = importElementType(int32_t(dataType), node.context());
  if (!element || element.isInteger(1)) {
    node.emitError() << "unsupported output_datatype " << dataType;
    return {};
  }
  return element;
}

/// `values` (double, of `shape`) as a constant of the output_datatype.
LogicalResult setConstantResult(NodeContext &node, ArrayRef<int64_t> shape,
                                ArrayRef<double> values) {
  Type element = outputElementType(node);
  if (!element)
    return failure();
  auto doubles = RankedTensorType::get(shape, node.builder.getF64Type());
  Value constant = node.builder.create<moc::ConstantOp>(
      node.loc, DenseElementsAttr::get(doubles, values));
  return node.setResult(
      node.create<moc::CastOp>(doubles.clone(element), constant));
}

/// A window whose size is read at run time: the same formula in f32 moc
/// ops (no libm in the library for f64 cosines) over 0, 1, ..., size - 1.
LogicalResult windowAtRunTime(NodeContext &node, const CosineWindow &window,
                              Value size, bool periodic) {
  Type element = outputElementType(node);
  if (!element)
    return failure();
  OpBuilder &b = node.builder;
  Location loc = node.loc;
  Type f32 = b.getF32Type();
  FailureOr<Value> n = node.iota(size, f32);
  if (failed(n))
    return failure();
  Value period =
      periodic ? size
               : b.createOrFold<arith::SubIOp>(
                     loc, size, b.create<arith::ConstantIntOp>(loc, 1, 64));
  Value periodTensor = b.create<tensor::FromElementsOp>(
      loc, RankedTensorType::get({}, f32),
      ValueRange{b.create<arith::SIToFPOp>(loc, f32, period)});
  FailureOr<Value> angle =
      node.create<moc::MulOp>(*n, node.scalar(f32, 2 * M_PI));
  if (succeeded(angle))
    angle = node.create<moc::DivOp>(*angle, periodTensor);
  if (failed(angle))
    return failure();
  // a0 - a1 cos(angle) + a2 cos(2 angle), term by term.
  FailureOr<Value> result = node.scalar(f32, window.a0);
  for (auto [harmonic, coefficient] :
       {std::pair{1.0, -window.a1}, {2.0, window.a2}}) {
    if (coefficient == 0 || failed(result))
      continue;
    FailureOr<Value> term =
        node.create<moc::MulOp>(*angle, node.scalar(f32, harmonic));
    if (succeeded(term))
      term = node.create<moc::CosOp>(*term);
    if (succeeded(term))
      term = node.create<moc::MulOp>(*term, node.scalar(f32, coefficient));
    result = failed(term) ? term : node.create<moc::AddOp>(*result, *term);
  }
  if (failed(result))
    return failure();
  auto type = cast<RankedTensorType>(result->getType());
  return node.setResult(node.create<moc::CastOp>(type.clone(element), *result));
}

/// A window of the size of input 0; the period is the size (periodic) or
/// the size - 1 (symmetric). A constant size gives a constant, computed in
/// doubles as onnx's reference does.
template <const CosineWindow &window>
LogicalResult importWindow(NodeContext &node) {
  FailureOr<SmallVector<OpFoldResult>> sizes = node.sizeElements(0);
  if (failed(sizes))
    return failure();
  if (sizes->size() != 1)
    return node.emitError() << "expects one size";
  bool periodic = node.intAttr("periodic", 1);
  std::optional<int64_t> constant = getConstantIntValue(sizes->front());
  if (!constant)
    return windowAtRunTime(node, window, node.int64Value(sizes->front()),
                           periodic);
  int64_t size = *constant;
  if (size < 0 || size > kMaxComputedConstantElements)
    return node.emitError()
           << "expects one size in [0, " << kMaxComputedConstantElements << "]";
  double period = periodic ? double(size) : double(size - 1);
  SmallVector<double> values;
  for (int64_t n = 0; n < size; ++n)
    values.push_back(window.a0 - window.a1 * std::cos(2 * M_PI * n / period) +
                     window.a2 * std::cos(4 * M_PI * n / period));
  return setConstantResult(node, {size}, values);
}

/// MelWeightMatrix: triangular filters between mel-spaced frequencies, as
/// (dft_length / 2 + 1) x num_mel_bins. The edges are float32 in the
/// reference, the mel arithmetic float64 after its first division by ln 10.
LogicalResult importMelWeightMatrix(NodeContext &node) {
  SmallVector<double> scalars;
  for (size_t i = 0; i < 5; ++i) {
    FailureOr<SmallVector<double>> value = node.constantFloats(i);
    if (failed(value))
      return failure();
    if (value->size() != 1)
      return node.emitError() << "expects a scalar input " << i;
    scalars.push_back(value->front());
  }
  int64_t bins = int64_t(scalars[0]), dftLength = int64_t(scalars[1]);
  double sampleRate = scalars[2];
  if (bins < 1 || dftLength < 1 || sampleRate <= 0 ||
      bins > kMaxComputedConstantElements / (dftLength / 2 + 1))
    return node.emitError() << "expects positive sizes and sample rate";
  auto toMel = [](double hertz) {
    float scaled = float(2595) * std::log1p(float(hertz) / 700.0f);
    return double(scaled) / std::log(10.0);
  };
  double low = toMel(scalars[3]), high = toMel(scalars[4]);
  double step = (high - low) / double(bins + 2);
  SmallVector<int64_t> edges;
  for (int64_t i = 0; i < bins + 2; ++i) {
    double mel = double(i) * step + low;
    double hertz = 700 * std::expm1(mel / 2595 * std::log(10.0));
    edges.push_back(int64_t(std::floor(double(dftLength + 1) * hertz / sampleRate)));
  }
  int64_t rows = dftLength / 2 + 1;
  SmallVector<double> matrix(rows * bins, 0.0);
  auto set = [&](int64_t row, int64_t bin, double value) {
    if (row < 0 || row >= rows)
      return false;
    matrix[row * bins + bin] = value;
    return true;
  };
  for (int64_t i = 0; i < bins; ++i) {
    int64_t left = edges[i], center = edges[i + 1], right = edges[i + 2];
    bool inside = true;
    if (center == left)
      inside &= set(center, i, 1.0);
    for (int64_t j = left; center != left && j <= center; ++j)
      inside &= set(j, i, double(j - left) / double(center - left));
    for (int64_t j = center; j < right; ++j)
      inside &= set(j, i, double(right - j) / double(right - center));
    if (!inside)
      return node.emitError() << "has a filter beyond the spectrogram's "
                              << rows << " bins";
  }
  return setConstantResult(node, {rows, bins}, matrix);
}

} // namespace

void registerSignalImporters(OpImporterTable &table) {
  table["MelWeightMatrix"] = importMelWeightMatrix;
  table["HannWindow"] = importWindow<kHann>;
  table["HammingWindow"] = importWindow<kHamming>;
  table["BlackmanWindow"] = importWindow<kBlackman>;
}

} // namespace mocc
