//===- TreeForest.h - Decision trees compiled to tensor code ----*- C++ -*-===//
//
// The tree ensembles of ai.onnx.ml carry their trees as constant
// attributes. Their importers build a Forest: every branch and leaf of every
// tree as one node of a flat table, a leaf pointing to itself. `walkForest`
// then emits moc ops that walk all trees for all rows at once: as many
// steps as the deepest tree, each gathering the rows' features at the
// current nodes, comparing them with the thresholds and moving to a
// successor; the leaves reached give their values per target.
//
//===----------------------------------------------------------------------===//
#ifndef MOCC_LIB_IMPORTER_TREEFOREST_H
#define MOCC_LIB_IMPORTER_TREEFOREST_H

#include "NodeContext.h"

namespace mocc {

/// One node of a Forest. A branch takes its true successor when the feature
/// compares with the threshold in one of the ways it lists (less, equal,
/// greater, unordered: NaN, which `!=` takes), or is NaN and `missingTrue`.
/// A leaf never does and is its own successor.
struct ForestNode {
  int64_t feature = 0;
  double threshold = 0;
  bool trueIfLess = false, trueIfEqual = false, trueIfGreater = false,
       trueIfUnordered = false;
  bool missingTrue = false;
  int64_t onTrue = 0, onFalse = 0;
};

/// How the trees' values for one target combine.
enum class ForestAggregate { Sum, Average, Min, Max };

struct Forest {
  llvm::SmallVector<ForestNode> nodes;
  /// The node each tree starts at.
  llvm::SmallVector<int64_t> roots;
  int64_t targets = 0;
  /// nodes x targets: what a leaf gives each target, and whether it gives
  /// it one at all (Min and Max skip the others).
  llvm::SmallVector<double> leafValues;
  llvm::SmallVector<bool> leafGives;
  ForestAggregate aggregate = ForestAggregate::Sum;
  /// Added to each target's aggregate (none: zeros).
  llvm::SmallVector<double> baseValues;

  /// Adds `node`, which gives no target, and returns its index.
  int64_t addNode(const ForestNode &node);
  /// Adds a leaf (its own successor) and returns its index.
  int64_t addLeaf();
  /// Adds `value` to what leaf `leaf` gives `target`.
  void give(int64_t leaf, int64_t target, double value);
};

/// The forest's aggregated values for every row of `features` [rows,
/// features] (a float tensor; rows may be dynamic), as [rows, targets] of
/// its element type. Fails with an error at the node for a successor out of range, a
/// cycle, or a feature index out of range.
/// With `given`, also sets it to [rows, targets] i1: whether some tree's
/// leaf gives the target.
mlir::FailureOr<mlir::Value> walkForest(NodeContext &node, const Forest &forest,
                                        mlir::Value features,
                                        mlir::Value *given = nullptr);

} // namespace mocc

#endif // MOCC_LIB_IMPORTER_TREEFOREST_H
