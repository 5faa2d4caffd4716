//===- OpChain.h - Building a chain of moc ops, checking once ---*- C++ -*-===//
//
// Importers that decompose an ONNX op into many moc ops build them through an
// OpChain: the first failure (already reported at the node) stops the chain,
// every later value is null, and the importer checks `status()` once.
//
//===----------------------------------------------------------------------===//
#ifndef MOCC_LIB_IMPORTER_OPCHAIN_H
#define MOCC_LIB_IMPORTER_OPCHAIN_H

#include "NodeContext.h"

namespace mocc {

/// Builds a chain of ops and remembers whether one failed, so an importer
/// checks once at the end. After a failure nothing more is built and every
/// value is null.
class OpChain {
public:
  explicit OpChain(NodeContext &node) : node(node) {}

  template <typename OpTy, typename... Args>
  mlir::Value create(Args &&...args) {
    if (broken)
      return {};
    return take(node.create<OpTy>(std::forward<Args>(args)...));
  }
  mlir::Value reshape(mlir::Value value, llvm::ArrayRef<int64_t> shape) {
    return broken ? mlir::Value() : take(node.reshape(value, shape));
  }
  mlir::Value transpose(mlir::Value value, llvm::ArrayRef<int64_t> permutation) {
    return create<moc::TransposeOp>(value, permutation);
  }
  /// `value[begin:end:step]` along dimension `axis`.
  mlir::Value slice(mlir::Value value, int64_t axis, int64_t begin, int64_t end,
                    int64_t step = 1) {
    if (broken)
      return {};
    auto type = llvm::cast<mlir::RankedTensorType>(value.getType());
    llvm::SmallVector<int64_t> starts(type.getRank(), 0), steps(type.getRank(), 1);
    llvm::SmallVector<int64_t> ends(type.getShape());
    starts[axis] = begin;
    ends[axis] = end;
    steps[axis] = step;
    return create<moc::SliceOp>(value, starts, ends, steps);
  }
  mlir::Value castTo(mlir::Value value, mlir::Type element) {
    if (broken)
      return {};
    auto type = llvm::cast<mlir::RankedTensorType>(value.getType());
    if (type.getElementType() == element)
      return value;
    return create<moc::CastOp>(type.clone(element), value);
  }
  /// Joins `pieces` of one shape along a new dimension `axis`.
  mlir::Value stack(llvm::ArrayRef<mlir::Value> pieces, int64_t axis) {
    llvm::SmallVector<mlir::Value> expanded;
    for (mlir::Value piece : pieces) {
      if (broken)
        return {};
      auto type = llvm::cast<mlir::RankedTensorType>(piece.getType());
      llvm::SmallVector<int64_t> shape(type.getShape());
      shape.insert(shape.begin() + axis, 1);
      expanded.push_back(reshape(piece, shape));
    }
    return create<moc::ConcatOp>(mlir::ValueRange(expanded), axis);
  }
  /// Failure if an op of the chain failed (its error has been reported).
  mlir::LogicalResult status() const { return mlir::failure(broken); }
  /// `value`, made outside the chain, or null (breaking the chain) if it
  /// failed.
  mlir::Value take(mlir::FailureOr<mlir::Value> value) {
    if (mlir::failed(value)) {
      broken = true;
      return {};
    }
    return *value;
  }

private:
  NodeContext &node;
  bool broken = false;
};

/// The permutation that moves dimension `axis` of a rank-`rank` tensor last,
/// keeping the others in order.
inline llvm::SmallVector<int64_t> permutationMovingLast(int64_t axis,
                                                        int64_t rank) {
  llvm::SmallVector<int64_t> permutation;
  for (int64_t d = 0; d < rank; ++d)
    if (d != axis)
      permutation.push_back(d);
  permutation.push_back(axis);
  return permutation;
}

/// The permutation that undoes `permutation`.
inline llvm::SmallVector<int64_t>
inversePermutation(llvm::ArrayRef<int64_t> permutation) {
  llvm::SmallVector<int64_t> inverse(permutation.size());
  for (auto [i, p] : llvm::enumerate(permutation))
    inverse[p] = i;
  return inverse;
}

} // namespace mocc

#endif // MOCC_LIB_IMPORTER_OPCHAIN_H
