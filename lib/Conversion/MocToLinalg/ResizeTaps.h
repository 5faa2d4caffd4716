//===- ResizeTaps.h - Per-dimension taps of moc.resize ----------*- C++ -*-===//
//
// Private to lib/Conversion/MocToLinalg: the IR that computes, per run, which
// input positions every output position of one resized dimension reads and
// with which weights, as onnx's reference (op_resize.py) computes them.
//
//===----------------------------------------------------------------------===//
#ifndef MOCC_LIB_CONVERSION_MOCTOLINALG_RESIZETAPS_H
#define MOCC_LIB_CONVERSION_MOCTOLINALG_RESIZETAPS_H

#include "mocc/Dialect/Moc/IR/MocOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpDefinition.h"

namespace mocc::moc_to_linalg {

/// One resized dimension of a moc.resize, with the scalars its coordinates
/// depend on (constants or values known at run time).
struct ResizedAxis {
  int64_t dim;
  int64_t inputWidth;
  /// f64.
  mlir::Value scale;
  /// index.
  mlir::OpFoldResult outputSize;
  /// f32 bounds of the region of interest; null unless tf_crop_and_resize.
  mlir::Value roiStart, roiEnd;
};

/// The taps of an axis: `indices` (i64) into the input and `weights` (of the
/// accumulation type), both [output size x taps]. Linear reads 2 taps, cubic
/// 4, both more with antialias when downsampling (then a count known at run
/// time if the scale is).
struct AxisTaps {
  mlir::Value indices;
  mlir::Value weights;
};
AxisTaps buildAxisTaps(mlir::OpBuilder &b, mlir::Location loc, moc::ResizeOp op,
                       const ResizedAxis &axis, mlir::Type accType);

/// The one input index (i64) every output position of a nearest resize
/// reads, [output size].
mlir::Value buildNearestIndices(mlir::OpBuilder &b, mlir::Location loc,
                                moc::ResizeOp op, const ResizedAxis &axis);

/// Whether output `position` (index) of a tf_crop_and_resize maps outside the
/// input (it then reads extrapolation_value), as an i1.
mlir::Value isExtrapolated(mlir::OpBuilder &b, mlir::Location loc,
                           moc::ResizeOp op, const ResizedAxis &axis,
                           mlir::Value position);

} // namespace mocc::moc_to_linalg

#endif // MOCC_LIB_CONVERSION_MOCTOLINALG_RESIZETAPS_H
