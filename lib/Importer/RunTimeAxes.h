//===- RunTimeAxes.h - Axes operands known at run time only -----*- C++ -*-===//
//
// Reduce*, Squeeze, Unsqueeze, CumSum and Pad take their axes as a tensor
// operand, which a graph may compute or feed as an input. The output's rank
// does not depend on which axes they are (only on how many), so such a node
// still imports to tensors of static rank: the axes become one i1 scalar per
// dimension, "this dimension is named", read at run time, and the node is
// built from ops that take the choice per dimension at run time.
//
//===----------------------------------------------------------------------===//
#ifndef MOCC_LIB_IMPORTER_RUNTIMEAXES_H
#define MOCC_LIB_IMPORTER_RUNTIMEAXES_H

#include "NodeContext.h"

namespace mocc {

/// The highest rank whose axes runTimeAxisMatches takes at run time.
constexpr int64_t kMaxRunTimeAxesRank = 64;

/// For each axis in operand `i` (a 0-d or 1-D integer tensor of static
/// length, at most `rank` values in [-rank, rank), read at run time;
/// `rank` at most kMaxRunTimeAxesRank), one i1 scalar per
/// dimension of a rank-`rank` tensor that holds where the axis names that
/// dimension. An axis out of range fails the run with an error naming the
/// operand.
mlir::FailureOr<llvm::SmallVector<llvm::SmallVector<mlir::Value>>>
runTimeAxisMatches(NodeContext &node, size_t i, int64_t rank);

/// For each dimension of a rank-`rank` tensor, an i1 scalar that holds when
/// one of the axes in operand `i` names it (as runTimeAxisMatches).
mlir::FailureOr<llvm::SmallVector<mlir::Value>>
runTimeAxisMask(NodeContext &node, size_t i, int64_t rank);

/// `build(d)` for the one dimension d where `named` holds: every candidate
/// is built (all of one type), and the run takes the one named.
mlir::FailureOr<mlir::Value>
chooseByAxis(NodeContext &node, llvm::ArrayRef<mlir::Value> named,
             llvm::function_ref<mlir::FailureOr<mlir::Value>(int64_t)> build);

/// The sizes that remain of `sizes` (i64 scalars) once the dimensions where
/// `dropped` holds are removed, in order: `count` sizes, which the run checks
/// is how many `dropped` leaves (fewer: the axes named one twice).
llvm::SmallVector<mlir::Value>
remainingSizes(NodeContext &node, llvm::ArrayRef<mlir::Value> sizes,
               llvm::ArrayRef<mlir::Value> dropped, int64_t count);

/// The sizes of a tensor of `sizes` (i64 scalars) with a dimension of size
/// 1 inserted where `inserted` holds (one per result dimension), which the
/// run checks leaves exactly `sizes` for the others (else the axes named one
/// twice).
llvm::SmallVector<mlir::Value>
insertedSizes(NodeContext &node, llvm::ArrayRef<mlir::Value> sizes,
              llvm::ArrayRef<mlir::Value> inserted);

} // namespace mocc

#endif // MOCC_LIB_IMPORTER_RUNTIMEAXES_H
