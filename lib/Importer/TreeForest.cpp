//===- TreeForest.cpp - Decision trees compiled to tensor code ------------===//
#include "TreeForest.h"

#include "OpChain.h"

#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;

namespace mocc {

int64_t Forest::addNode(const ForestNode &node) {
  nodes.push_back(node);
  leafValues.append(targets, 0.0);
  leafGives.append(targets, false);
  return nodes.size() - 1;
}

int64_t Forest::addLeaf() {
  ForestNode leaf;
  leaf.onTrue = leaf.onFalse = nodes.size();
  return addNode(leaf);
}

void Forest::give(int64_t leaf, int64_t target, double value) {
  leafValues[leaf * targets + target] += value;
  leafGives[leaf * targets + target] = true;
}

namespace {

/// The most steps a walk takes (each a dozen ops): deeper trees are an
/// error.
constexpr int64_t kMaxDepth = 512;

/// The number of steps from `roots` to the deepest leaf, or failure for a
/// successor out of range or a cycle.
FailureOr<int64_t> forestDepth(NodeContext &node, const Forest &forest) {
  int64_t size = forest.nodes.size();
  // -1: not yet known; -2: on the current path (a cycle if reached again).
  SmallVector<int64_t> depth(size, -1);
  SmallVector<std::pair<int64_t, bool>> stack;
  auto isLeaf = [&](int64_t n) {
    return forest.nodes[n].onTrue == n && forest.nodes[n].onFalse == n;
  };
  for (int64_t root : forest.roots) {
    if (root < 0 || root >= size)
      return node.emitError() << "has a tree root out of range";
    stack.push_back({root, false});
    while (!stack.empty()) {
      auto [n, expanded] = stack.pop_back_val();
      const ForestNode &current = forest.nodes[n];
      if (isLeaf(n)) {
        depth[n] = 0;
        continue;
      }
      if (expanded) {
        depth[n] = 1 + std::max(depth[current.onTrue], depth[current.onFalse]);
        if (depth[n] > kMaxDepth)
          return node.emitError() << "has a tree deeper than " << kMaxDepth;
        continue;
      }
      if (depth[n] >= 0)
        continue;
      if (depth[n] == -2)
        return node.emitError() << "has a cycle in its trees";
      depth[n] = -2;
      stack.push_back({n, true});
      for (int64_t next : {current.onTrue, current.onFalse}) {
        if (next < 0 || next >= size)
          return node.emitError() << "has a successor out of range";
        if (depth[next] == -2)
          return node.emitError() << "has a cycle in its trees";
        if (depth[next] < 0)
          stack.push_back({next, false});
      }
    }
  }
  int64_t deepest = 0;
  for (int64_t root : forest.roots)
    deepest = std::max(deepest, depth[root]);
  return deepest;
}

/// A constant i1 table of `values`.
Value boolTable(NodeContext &node, ArrayRef<bool> values,
                ArrayRef<int64_t> shape) {
  auto type = RankedTensorType::get(shape, node.builder.getI1Type());
  return node.builder.create<moc::ConstantOp>(
      node.loc, DenseElementsAttr::get(type, values));
}

/// A column of the node table.
template <typename T, typename Field>
SmallVector<T> column(const Forest &forest, Field field) {
  return llvm::map_to_vector(forest.nodes, [&](const ForestNode &n) {
    return T(n.*field);
  });
}

} // namespace

FailureOr<Value> walkForest(NodeContext &node, const Forest &forest,
                            Value features, Value *given) {
  auto type = cast<RankedTensorType>(features.getType());
  int64_t featureCount = type.getDimSize(1);
  Type element = type.getElementType();
  int64_t size = forest.nodes.size(), trees = forest.roots.size();
  if (trees == 0)
    return node.emitError() << "has no trees";
  for (const ForestNode &n : forest.nodes)
    if (n.feature < 0 || n.feature >= featureCount)
      return node.emitError() << "compares feature " << n.feature
                              << " of rows of " << featureCount;
  FailureOr<int64_t> depth = forestDepth(node, forest);
  if (failed(depth))
    return failure();

  OpChain ops(node);
  Value feature = node.int64Constant(column<int64_t>(forest, &ForestNode::feature), {size});
  Value threshold = node.floatConstant(
      column<double>(forest, &ForestNode::threshold), {size}, element);
  Value onTrue = node.int64Constant(column<int64_t>(forest, &ForestNode::onTrue), {size});
  Value onFalse = node.int64Constant(column<int64_t>(forest, &ForestNode::onFalse), {size});
  auto flag = [&](bool ForestNode::*field) {
    return boolTable(node, column<bool>(forest, field), {size});
  };
  Value ifLess = flag(&ForestNode::trueIfLess);
  Value ifEqual = flag(&ForestNode::trueIfEqual);
  Value ifGreater = flag(&ForestNode::trueIfGreater);
  Value ifNaN = boolTable(node,
                          llvm::map_to_vector(forest.nodes,
                                              [](const ForestNode &n) {
                                                return n.trueIfUnordered ||
                                                       n.missingTrue;
                                              }),
                          {size});

  // The node each tree is at: the roots ([trees]) before the first step,
  // then per row ([rows, trees]). The first step is taken even when every
  // tree is a leaf, to make the positions per row.
  Value at = node.int64Constant(forest.roots, {trees});
  auto gather = [&](Value table) {
    return ops.create<moc::GatherOp>(table, at, int64_t(0));
  };
  for (int64_t step = 0; step < std::max<int64_t>(*depth, 1); ++step) {
    // A row's features at the trees' nodes: [rows, trees].
    Value value = step == 0 ? ops.create<moc::GatherOp>(features, gather(feature),
                                                        int64_t(1))
                            : ops.create<moc::GatherElementsOp>(
                                  features, gather(feature), int64_t(1));
    Value split = gather(threshold);
    Value goesTrue = ops.create<moc::OrOp>(
        ops.create<moc::OrOp>(
            ops.create<moc::AndOp>(ops.create<moc::LessOp>(value, split),
                                   gather(ifLess)),
            ops.create<moc::AndOp>(ops.create<moc::EqualOp>(value, split),
                                   gather(ifEqual))),
        ops.create<moc::OrOp>(
            ops.create<moc::AndOp>(ops.create<moc::GreaterOp>(value, split),
                                   gather(ifGreater)),
            ops.create<moc::AndOp>(
                ops.create<moc::NotOp>(ops.create<moc::EqualOp>(value, value)),
                gather(ifNaN))));
    at = ops.create<moc::SelectOp>(goesTrue, gather(onTrue), gather(onFalse));
    if (failed(ops.status()))
      return failure();
  }

  // What each tree's leaf gives each target: [rows, trees, targets].
  int64_t targets = forest.targets;
  Value values = gather(
      node.floatConstant(forest.leafValues, {size, targets}, element));
  Value gives = gather(boolTable(node, forest.leafGives, {size, targets}));
  SmallVector<int64_t> overTrees = {1};
  auto scalar = [&](double v) { return node.scalar(element, v); };
  const llvm::fltSemantics &semantics =
      cast<FloatType>(element).getFloatSemantics();
  Value result;
  switch (forest.aggregate) {
  case ForestAggregate::Sum:
  case ForestAggregate::Average:
    result = ops.create<moc::ReduceSumOp>(values, overTrees, false);
    if (forest.aggregate == ForestAggregate::Average)
      result = ops.create<moc::DivOp>(result, scalar(double(trees)));
    break;
  case ForestAggregate::Min:
    // A target no tree gives stays at the largest value, as in ONNX's
    // reference.
    result = ops.create<moc::ReduceMinOp>(
        ops.create<moc::SelectOp>(
            gives, values,
            scalar(APFloat::getLargest(semantics).convertToDouble())),
        overTrees, false);
    break;
  case ForestAggregate::Max:
    result = ops.create<moc::ReduceMaxOp>(
        ops.create<moc::SelectOp>(
            gives, values,
            scalar(APFloat::getLargest(semantics, true).convertToDouble())),
        overTrees, false);
    break;
  }
  if (given)
    *given = ops.create<moc::GreaterOp>(
        ops.create<moc::ReduceMaxOp>(ops.castTo(gives, element), overTrees,
                                     false),
        scalar(0));
  if (!forest.baseValues.empty())
    result = ops.create<moc::AddOp>(
        result, node.floatConstant(forest.baseValues, {targets}, element));
  if (failed(ops.status()))
    return failure();
  return result;
}

} // namespace mocc
