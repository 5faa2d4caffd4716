//===- SignalOps.cpp - Importers of the ONNX signal processing ops --------===//
//
// HannWindow, HammingWindow and BlackmanWindow: the window length is a
// compile-time constant, so the window is one, computed in double precision
// with the formulas (and order of operations) of onnx's reference, then
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
  int64_t dataType = node.intAttr("output_datatype", 1);
  Type element = importElementType(int32_t(dataType), node.context());
  if (!element || element.isInteger(1))
    return node.emitError() << "unsupported output_datatype " << dataType;
  double period = node.intAttr("periodic", 1) ? double(size) : double(size - 1);
  SmallVector<double> values;
  for (int64_t n = 0; n < size; ++n)
    values.push_back(window(double(n), period));
  auto doubles = RankedTensorType::get({size}, node.builder.getF64Type());
  Value constant = node.builder.create<moc::ConstantOp>(
      node.loc, DenseElementsAttr::get(doubles, ArrayRef<double>(values)));
  return node.setResult(
      node.create<moc::CastOp>(doubles.clone(element), constant));
}

} // namespace

void registerSignalImporters(OpImporterTable &table) {
  table["HannWindow"] = importWindow<hann>;
  table["HammingWindow"] = importWindow<hamming>;
  table["BlackmanWindow"] = importWindow<blackman>;
}

} // namespace mocc
