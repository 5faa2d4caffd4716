//===- SignalOps.cpp - Importers of the ONNX signal processing ops --------===//
//
// HannWindow, HammingWindow, BlackmanWindow and MelWeightMatrix: their
// sizes are compile-time constants, so their results are constants, computed
// with the formulas (and in the precisions) of onnx's reference, then
// converted to `output_datatype`.
//
//===----------------------------------------------------------------------===//
#include "NodeContext.h"

#include "mlir/IR/BuiltinAttributes.h"

#include <cmath>
#include <limits>

using namespace mlir;

namespace mocc {
namespace {

/// Element `n` of a window whose period is `period`.
using WindowFunction = double (*)(double n, double period);

double hann(double n, double period) {
  double root = std::sin(n * M_PI / period);
  return root * root;
}

double hamming(double n, double period) {
  double alpha = 25.0 / 46.0;
  return alpha - std::cos(n * M_PI * 2 / period) * (1 - alpha);
}

double blackman(double n, double period) {
  return std::cos(n * (M_PI * 2) / period) * -0.5 +
         std::cos(n * (M_PI * 4) / period) * 0.08 + 0.42;
}

/// `values` (double, of `shape`) as a constant of the output_datatype.
LogicalResult setConstantResult(NodeContext &node, ArrayRef<int64_t> shape,
                                ArrayRef<double> values) {
  int64_t dataType = node.intAttr("output_datatype", 1);
  Type element = importElementType(int32_t(dataType), node.context());
  if (!element || element.isInteger(1))
    return node.emitError() << "unsupported output_datatype " << dataType;
  auto doubles = RankedTensorType::get(shape, node.builder.getF64Type());
  Value constant = node.builder.create<moc::ConstantOp>(
      node.loc, DenseElementsAttr::get(doubles, values));
  return node.setResult(
      node.create<moc::CastOp>(doubles.clone(element), constant));
}

/// A window of the constant size of input 0; the period is the size
/// (periodic) or the size - 1 (symmetric).
template <WindowFunction window>
LogicalResult importWindow(NodeContext &node) {
  FailureOr<SmallVector<int64_t>> sizes = node.constantInts(0);
  if (failed(sizes))
    return failure();
  if (sizes->size() != 1 || sizes->front() < 0 ||
      sizes->front() > kMaxComputedConstantElements)
    return node.emitError()
           << "expects one size in [0, " << kMaxComputedConstantElements << "]";
  int64_t size = sizes->front();
  double period = node.intAttr("periodic", 1) ? double(size) : double(size - 1);
  SmallVector<double> values;
  for (int64_t n = 0; n < size; ++n)
    values.push_back(window(double(n), period));
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
  table["HannWindow"] = importWindow<hann>;
  table["HammingWindow"] = importWindow<hamming>;
  table["BlackmanWindow"] = importWindow<blackman>;
}

} // namespace mocc
