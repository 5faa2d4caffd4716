//===- TreeEnsembleOps.cpp - Importers of the tree ensembles --------------===//
//
// ai.onnx.ml's TreeEnsemble (opset 5), and TreeEnsembleRegressor and
// TreeEnsembleClassifier (opsets 1 and 3), describe their trees in two
// layouts; both are read into a Forest
// (TreeForest.h), which compiles to tensor code. A set membership branch of
// TreeEnsemble becomes a chain of equality branches, one per member.
//
//===----------------------------------------------------------------------===//
#include "OpChain.h"
#include "TreeForest.h"

#include "llvm/ADT/StringSwitch.h"

#include <map>
#include <set>

using namespace mlir;

namespace mocc {
namespace {

/// Fails unless a forest of `nodes` nodes and `targets` targets has tables
/// (nodes x targets) the importer may build.
LogicalResult checkForestSize(NodeContext &node, size_t nodes,
                              int64_t targets) {
  if (nodes > size_t(kMaxComputedConstantElements) ||
      int64_t(nodes) * targets > kMaxComputedConstantElements)
    return node.emitError() << "has " << nodes << " nodes and " << targets
                            << " targets, more table entries than "
                            << kMaxComputedConstantElements;
  return success();
}

/// Sets the comparisons that take a branch's true successor from a mode
/// (TreeEnsemble's numbering: LEQ, LT, GTE, GT, EQ, NEQ); false for others.
/// Like the operator it names, NEQ holds for NaN.
bool setComparison(ForestNode &branch, int64_t mode) {
  static const bool table[6][4] = {
      {true, true, false, false},  {true, false, false, false},
      {false, true, true, false},  {false, false, true, false},
      {false, true, false, false}, {true, false, true, true}};
  if (mode < 0 || mode >= 6)
    return false;
  branch.trueIfLess = table[mode][0];
  branch.trueIfEqual = table[mode][1];
  branch.trueIfGreater = table[mode][2];
  branch.trueIfUnordered = table[mode][3];
  return true;
}

/// The forest's scores [rows, targets] for the node's features (input 0,
/// [rows, features], rows may be dynamic), computed in `element` if given,
/// else in the features' own float type (f32 for integers).
FailureOr<Value> forestScores(NodeContext &node, const Forest &forest,
                              Type element, Value *given = nullptr) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  RankedTensorType type = node.inputType(0);
  if (type.getRank() < 1 || type.getRank() > 2 ||
      type.isDynamicDim(type.getRank() - 1))
    return node.emitError() << "needs features [rows, features] of a static "
                               "feature count";
  if (!element)
    element = isa<FloatType>(type.getElementType())
                  ? type.getElementType()
                  : Float32Type::get(node.context());
  OpChain ops(node);
  Value matrix = *input;
  if (type.getRank() == 1)
    matrix = ops.reshape(matrix, {1, type.getDimSize(0)});
  matrix = ops.castTo(matrix, element);
  if (failed(ops.status()))
    return failure();
  return walkForest(node, forest, matrix, given);
}

/// Applies a post_transform to [rows, targets] scores: NONE, LOGISTIC or
/// SOFTMAX (over the targets).
FailureOr<Value> postTransform(NodeContext &node, OpChain &ops, Value scores,
                               llvm::StringRef transform) {
  if (transform == "NONE")
    return scores;
  if (transform == "LOGISTIC")
    return ops.create<moc::SigmoidOp>(scores);
  if (transform == "SOFTMAX")
    return ops.create<moc::SoftmaxOp>(scores, int64_t(1));
  return node.emitError() << "has post_transform " << transform
                          << ", which mocc does not support";
}

/// Reads the node and leaf tables of TreeEnsemble (opset 5).
LogicalResult readTreeEnsemble(NodeContext &node, Forest &forest) {
  SmallVector<int64_t> features = node.intsAttr("nodes_featureids");
  SmallVector<int64_t> trueNext = node.intsAttr("nodes_truenodeids");
  SmallVector<int64_t> falseNext = node.intsAttr("nodes_falsenodeids");
  SmallVector<int64_t> trueLeaf = node.intsAttr("nodes_trueleafs");
  SmallVector<int64_t> falseLeaf = node.intsAttr("nodes_falseleafs");
  SmallVector<int64_t> missing = node.intsAttr("nodes_missing_value_tracks_true");
  SmallVector<int64_t> targets = node.intsAttr("leaf_targetids");
  FailureOr<SmallVector<double>> splits = node.tensorAttrValues("nodes_splits");
  FailureOr<SmallVector<double>> modes = node.tensorAttrValues("nodes_modes");
  FailureOr<SmallVector<double>> weights = node.tensorAttrValues("leaf_weights");
  FailureOr<SmallVector<double>> members =
      node.tensorAttrValues("membership_values");
  if (failed(splits) || failed(modes) || failed(weights) || failed(members))
    return failure();
  size_t branches = features.size(), leaves = targets.size();
  if (trueNext.size() != branches || falseNext.size() != branches ||
      trueLeaf.size() != branches || falseLeaf.size() != branches ||
      splits->size() != branches || modes->size() != branches ||
      (!missing.empty() && missing.size() != branches) ||
      weights->size() != leaves)
    return node.emitError() << "has node or leaf attributes of different "
                               "lengths";
  // The sets of the membership branches, in node order, NaN-separated.
  SmallVector<SmallVector<double>> sets(1);
  for (double member : *members) {
    if (std::isnan(member))
      sets.emplace_back();
    else
      sets.back().push_back(member);
  }
  if (failed(checkForestSize(node, branches + leaves + members->size(),
                             forest.targets)))
    return failure();
  // Branches first, their membership chains after them, then the leaves.
  for (size_t b = 0; b < branches; ++b)
    forest.addNode(ForestNode());
  auto index = [&](int64_t next, int64_t isLeaf) -> int64_t {
    if (next < 0 || size_t(next) >= (isLeaf ? leaves : branches))
      return -1;
    return isLeaf ? int64_t(branches) + next : next;
  };
  size_t set = 0;
  SmallVector<std::pair<int64_t, SmallVector<double>>> memberships;
  for (size_t b = 0; b < branches; ++b) {
    ForestNode &branch = forest.nodes[b];
    branch.feature = features[b];
    branch.threshold = (*splits)[b];
    branch.missingTrue = !missing.empty() && missing[b];
    double modeValue = (*modes)[b];
    int64_t mode = modeValue >= 0 && modeValue <= 6 ? int64_t(modeValue) : -1;
    if (mode == 6) {
      if (set >= sets.size() || members->empty())
        return node.emitError() << "has more set membership branches than "
                                   "sets in membership_values";
      memberships.push_back({int64_t(b), sets[set++]});
    } else if (!setComparison(branch, mode)) {
      return node.emitError() << "has unknown node mode " << modeValue;
    }
  }
  // Leaves come after the chains: count the chains' extra nodes first.
  size_t extra = 0;
  for (auto &[b, members] : memberships)
    extra += members.empty() ? 0 : members.size() - 1;
  auto indexOf = [&](int64_t next, int64_t isLeaf) -> int64_t {
    int64_t i = index(next, isLeaf);
    return i >= int64_t(branches) ? i + int64_t(extra) : i;
  };
  for (size_t b = 0; b < branches; ++b) {
    forest.nodes[b].onTrue = indexOf(trueNext[b], trueLeaf[b]);
    forest.nodes[b].onFalse = indexOf(falseNext[b], falseLeaf[b]);
    if (forest.nodes[b].onTrue < 0 || forest.nodes[b].onFalse < 0)
      return node.emitError() << "has a successor out of range at node " << b;
  }
  // A membership branch tests its first member; each further member is a
  // new branch on its false path, the last one's false path the original.
  for (auto &[b, setMembers] : memberships) {
    ForestNode original = forest.nodes[b];
    int64_t current = b;
    for (auto [i, member] : llvm::enumerate(setMembers)) {
      if (i > 0) {
        int64_t next = forest.addNode(original);
        forest.nodes[current].onFalse = next;
        current = next;
      }
      ForestNode &test = forest.nodes[current];
      test.threshold = member;
      test.trueIfEqual = true;
      test.onFalse = original.onFalse;
    }
  }
  for (size_t l = 0; l < leaves; ++l) {
    int64_t leaf = forest.addLeaf();
    if (targets[l] < 0 || targets[l] >= forest.targets)
      return node.emitError() << "has leaf target " << targets[l]
                              << " outside n_targets " << forest.targets;
    forest.give(leaf, targets[l], (*weights)[l]);
  }
  // A root that is a leaf is written as a branch whose two successors are
  // that same leaf.
  for (int64_t root : node.intsAttr("tree_roots")) {
    if (root < 0 || size_t(root) >= branches)
      return node.emitError() << "has tree root " << root << " out of range";
    bool isLeaf = trueLeaf[root] && falseLeaf[root] &&
                  trueNext[root] == falseNext[root];
    forest.roots.push_back(isLeaf ? forest.nodes[root].onTrue : root);
  }
  return success();
}

/// The positive `n_targets` attribute, `fallback` if absent.
FailureOr<int64_t> targetCount(NodeContext &node, int64_t fallback) {
  int64_t targets = node.intAttr("n_targets", fallback);
  if (targets <= 0 || targets > kMaxWindow)
    return node.emitError() << "expects a positive n_targets";
  return targets;
}

LogicalResult importTreeEnsemble(NodeContext &node) {
  Forest forest;
  FailureOr<int64_t> targets = targetCount(node, 0);
  if (failed(targets))
    return failure();
  forest.targets = *targets;
  int64_t aggregate = node.intAttr("aggregate_function", 1);
  if (aggregate < 0 || aggregate > 3)
    return node.emitError() << "has unknown aggregate_function " << aggregate;
  forest.aggregate = ForestAggregate(
      std::array{1, 0, 2, 3}[aggregate]); // AVERAGE, SUM, MIN, MAX
  if (failed(readTreeEnsemble(node, forest)))
    return failure();
  int64_t transform = node.intAttr("post_transform", 0);
  static const char *const names[] = {"NONE", "SOFTMAX", "LOGISTIC",
                                      "SOFTMAX_ZERO", "PROBIT"};
  if (transform < 0 || transform > 4)
    return node.emitError() << "has unknown post_transform " << transform;
  FailureOr<Value> scores = forestScores(node, forest, {});
  if (failed(scores))
    return failure();
  OpChain ops(node);
  FailureOr<Value> result = postTransform(node, ops, *scores, names[transform]);
  if (failed(result) || failed(ops.status()))
    return failure();
  return node.setResults({*result});
}

/// The per-node float attribute `name`, or its `_as_tensor` form.
FailureOr<SmallVector<double>> floatsOrTensor(NodeContext &node,
                                              llvm::StringRef name) {
  if (node.hasAttribute(name))
    return node.doublesAttr(name);
  return node.tensorAttrValues((name + "_as_tensor").str());
}

/// Reads the tables of TreeEnsembleRegressor and TreeEnsembleClassifier:
/// nodes identified by tree and node id, leaves with any number of votes
/// (`<votes>_treeids`, `_nodeids`, `_ids`, `_weights`: "target" or "class").
LogicalResult readLegacyForest(NodeContext &node, Forest &forest,
                               llvm::StringRef votes) {
  SmallVector<int64_t> trees = node.intsAttr("nodes_treeids");
  SmallVector<int64_t> ids = node.intsAttr("nodes_nodeids");
  SmallVector<int64_t> features = node.intsAttr("nodes_featureids");
  SmallVector<int64_t> trueNext = node.intsAttr("nodes_truenodeids");
  SmallVector<int64_t> falseNext = node.intsAttr("nodes_falsenodeids");
  SmallVector<int64_t> missing = node.intsAttr("nodes_missing_value_tracks_true");
  const onnx::AttributeProto *modes = node.attribute("nodes_modes");
  FailureOr<SmallVector<double>> values = floatsOrTensor(node, "nodes_values");
  if (failed(values))
    return failure();
  size_t count = trees.size();
  if (!modes || ids.size() != count || features.size() != count ||
      trueNext.size() != count || falseNext.size() != count ||
      size_t(modes->strings_size()) != count || values->size() != count ||
      (!missing.empty() && missing.size() != count))
    return node.emitError() << "has node attributes of different lengths";
  // Ids are arbitrary integers: std containers reserve no key.
  std::map<std::pair<int64_t, int64_t>, int64_t> indexOf;
  for (size_t n = 0; n < count; ++n)
    if (!indexOf.insert({{trees[n], ids[n]}, int64_t(n)}).second)
      return node.emitError() << "has node " << ids[n] << " of tree "
                              << trees[n] << " twice";
  if (failed(checkForestSize(node, count, forest.targets)))
    return failure();
  for (size_t n = 0; n < count; ++n)
    forest.addNode(ForestNode());
  std::set<int64_t> successors;
  for (size_t n = 0; n < count; ++n) {
    ForestNode &current = forest.nodes[n];
    llvm::StringRef mode = modes->strings(int(n));
    int64_t comparison = llvm::StringSwitch<int64_t>(mode)
                             .Case("BRANCH_LEQ", 0)
                             .Case("BRANCH_LT", 1)
                             .Case("BRANCH_GTE", 2)
                             .Case("BRANCH_GT", 3)
                             .Case("BRANCH_EQ", 4)
                             .Case("BRANCH_NEQ", 5)
                             .Default(-1);
    if (mode == "LEAF") {
      current.onTrue = current.onFalse = n;
      continue;
    }
    if (!setComparison(current, comparison))
      return node.emitError() << "has unknown node mode '" << mode << "'";
    current.feature = features[n];
    current.threshold = (*values)[n];
    current.missingTrue = !missing.empty() && missing[n];
    auto successor = [&](int64_t id) -> int64_t {
      auto it = indexOf.find({trees[n], id});
      return it == indexOf.end() ? -1 : it->second;
    };
    current.onTrue = successor(trueNext[n]);
    current.onFalse = successor(falseNext[n]);
    if (current.onTrue < 0 || current.onFalse < 0)
      return node.emitError() << "has a successor out of range at node "
                              << ids[n] << " of tree " << trees[n];
    successors.insert(current.onTrue);
    successors.insert(current.onFalse);
  }
  // A tree's root is its node that no node leads to.
  std::set<int64_t> rooted;
  for (size_t n = 0; n < count; ++n) {
    if (successors.count(n))
      continue;
    if (!rooted.insert(trees[n]).second)
      return node.emitError() << "has tree " << trees[n]
                              << " with more than one root";
    forest.roots.push_back(n);
  }
  if (rooted.size() != std::set<int64_t>(trees.begin(), trees.end()).size())
    return node.emitError() << "has a tree without a root (a cycle)";
  auto attr = [&](llvm::StringRef suffix) { return (votes + suffix).str(); };
  SmallVector<int64_t> targetTrees = node.intsAttr(attr("_treeids"));
  SmallVector<int64_t> targetNodes = node.intsAttr(attr("_nodeids"));
  SmallVector<int64_t> targetIds = node.intsAttr(attr("_ids"));
  FailureOr<SmallVector<double>> weights = floatsOrTensor(node, attr("_weights"));
  if (failed(weights))
    return failure();
  if (targetNodes.size() != targetTrees.size() ||
      targetIds.size() != targetTrees.size() ||
      weights->size() != targetTrees.size())
    return node.emitError() << "has " << votes
                            << " attributes of different lengths";
  for (size_t t = 0; t < targetTrees.size(); ++t) {
    auto leaf = indexOf.find({targetTrees[t], targetNodes[t]});
    if (leaf == indexOf.end() || targetIds[t] < 0 ||
        targetIds[t] >= forest.targets)
      return node.emitError() << "has a " << votes
                              << " vote for a missing node or beyond the "
                              << forest.targets << " " << votes << "s";
    forest.give(leaf->second, targetIds[t], (*weights)[t]);
  }
  FailureOr<SmallVector<double>> base = floatsOrTensor(node, "base_values");
  if (failed(base))
    return failure();
  // Two classes may have one base value (importBinaryClassifier).
  bool oneForTwo = forest.targets == 2 && base->size() == 1;
  if (!base->empty() && int64_t(base->size()) != forest.targets && !oneForTwo)
    return node.emitError() << "expects " << forest.targets
                            << " base_values";
  forest.baseValues = *base;
  return success();
}

LogicalResult importTreeEnsembleRegressor(NodeContext &node) {
  Forest forest;
  FailureOr<int64_t> targets = targetCount(node, 1);
  if (failed(targets))
    return failure();
  forest.targets = *targets;
  std::string aggregate = node.stringAttr("aggregate_function", "SUM");
  std::optional<ForestAggregate> kind =
      llvm::StringSwitch<std::optional<ForestAggregate>>(aggregate)
          .Case("SUM", ForestAggregate::Sum)
          .Case("AVERAGE", ForestAggregate::Average)
          .Case("MIN", ForestAggregate::Min)
          .Case("MAX", ForestAggregate::Max)
          .Default(std::nullopt);
  if (!kind)
    return node.emitError() << "has unknown aggregate_function '" << aggregate
                            << "'";
  forest.aggregate = *kind;
  if (failed(readLegacyForest(node, forest, "target")))
    return failure();
  // The scores are float whatever the features' type.
  FailureOr<Value> scores =
      forestScores(node, forest, Float32Type::get(node.context()));
  if (failed(scores))
    return failure();
  OpChain ops(node);
  FailureOr<Value> result = postTransform(
      node, ops, *scores, node.stringAttr("post_transform", "NONE"));
  if (failed(result) || failed(ops.status()))
    return failure();
  return node.setResults({*result});
}

/// Column `c` of `matrix` [rows, columns] (a float type) as [rows, 1].
Value matrixColumn(OpChain &ops, NodeContext &node, Value matrix, int64_t c) {
  auto type = cast<RankedTensorType>(matrix.getType());
  SmallVector<double> pick(type.getDimSize(1), 0.0);
  pick[c] = 1;
  Value mask = node.floatConstant(pick, {1, type.getDimSize(1)},
                                  type.getElementType());
  return ops.create<moc::ReduceSumOp>(ops.create<moc::MulOp>(matrix, mask),
                                      SmallVector<int64_t>{1}, true);
}

/// The labels and scores of a classifier of two classes, by the rules of
/// ONNX Runtime (1.31), checked against it case by case. A row whose second
/// class got votes (or any row, with two base values) keeps both scores;
/// otherwise the first class's score s decides: the label is the second
/// class when s passes 0.5 (votes for one class id only, all weights
/// non-negative) or 0, and the scores are (1 - s, s), or (-s, s), or with
/// LOGISTIC (1 - sigmoid(s), sigmoid(s)). Base values shift only classes
/// that got votes; with two, a row whose second class got votes scores it
/// as the first's score plus the second base value (and the first, if
/// voted for, as its negation).
LogicalResult importBinaryClassifier(NodeContext &node, Forest &forest,
                                     ArrayRef<int64_t> labels,
                                     bool singleClass, bool allPositive) {
  SmallVector<double> base = std::move(forest.baseValues);
  forest.baseValues.clear();
  std::string transform = node.stringAttr("post_transform", "NONE");
  if (!singleClass && base.size() == 1)
    return node.emitError() << "has votes for both classes and one base "
                               "value, for which ONNX Runtime writes one "
                               "score of two in some rows";
  Type f32 = Float32Type::get(node.context());
  Value voted;
  FailureOr<Value> scores = forestScores(node, forest, f32, &voted);
  if (failed(scores))
    return failure();
  OpChain ops(node);
  auto scalar = [&](double v) { return node.scalar(f32, v); };
  Value s0 = matrixColumn(ops, node, *scores, 0);
  Value s1 = matrixColumn(ops, node, *scores, 1);
  Value votes = ops.castTo(voted, f32);
  Value h0 = ops.create<moc::GreaterOp>(matrixColumn(ops, node, votes, 0),
                                        scalar(0));
  Value h1 = ops.create<moc::GreaterOp>(matrixColumn(ops, node, votes, 1),
                                        scalar(0));
  // Whether a row keeps two scores: always with two base values, else when
  // its second class got votes.
  Value twoScores = h1;
  // Base values only shift the scores of classes that got votes.
  Value s0Based =
      base.empty() ? s0
                   : ops.create<moc::SelectOp>(
                         h0, ops.create<moc::AddOp>(s0, scalar(base[0])), s0);
  if (base.size() == 2) {
    Value shifted = ops.create<moc::AddOp>(s0, scalar(base[1]));
    s0 = ops.create<moc::SelectOp>(
        h1,
        ops.create<moc::SelectOp>(h0, ops.create<moc::NegOp>(shifted), s0),
        s0Based);
    s1 = ops.create<moc::SelectOp>(h1, shifted, s1);
    twoScores = node.splat(
        RankedTensorType::get({1, 1}, node.builder.getI1Type()), 1);
  } else {
    s0 = s0Based;
  }
  Value positive = ops.create<moc::SelectOp>(
      h1, s1, ops.create<moc::SelectOp>(h0, s0, scalar(0)));
  bool complement = singleClass && allPositive;
  Value isPositive = ops.create<moc::GreaterOp>(
      positive, scalar(complement ? 0.5 : 0.0));
  // Without a single voted class ONNX Runtime's labels are 1 and 0 as such.
  Value label = ops.create<moc::SelectOp>(
      isPositive, node.int64Constant({singleClass ? labels[1] : 1}, {1, 1}),
      node.int64Constant({singleClass ? labels[0] : 0}, {1, 1}));
  // The two scores from the first class's alone.
  Value first, second = s0;
  if (transform == "LOGISTIC") {
    second = ops.create<moc::SigmoidOp>(s0);
    first = complement
                ? ops.create<moc::SubOp>(scalar(1), second)
                : ops.create<moc::SigmoidOp>(ops.create<moc::NegOp>(s0));
  } else {
    first = complement ? ops.create<moc::SubOp>(scalar(1), s0)
                       : ops.create<moc::NegOp>(s0);
  }
  Value fromOne = ops.create<moc::ConcatOp>(ValueRange{first, second}, int64_t(1));
  Value both = ops.create<moc::ConcatOp>(ValueRange{s0, s1}, int64_t(1));
  if (failed(ops.status()))
    return failure();
  FailureOr<Value> fromTwo = postTransform(node, ops, both, transform);
  if (failed(fromTwo))
    return failure();
  Value result = ops.create<moc::SelectOp>(twoScores, *fromTwo, fromOne);
  Value labelRow = ops.create<moc::ReduceSumOp>(label, SmallVector<int64_t>{1}, false);
  if (failed(ops.status()))
    return failure();
  return node.setResults({labelRow, result});
}

/// TreeEnsembleClassifier as ONNX Runtime computes it. With three or more
/// classes the votes per class are summed (plus base_values), the label is
/// the first class of the highest sum among those voted for, and the scores
/// get the post_transform; two classes follow importBinaryClassifier.
LogicalResult importTreeEnsembleClassifier(NodeContext &node) {
  if (node.hasAttribute("classlabels_strings"))
    return node.emitError() << "has string class labels, which mocc does not "
                               "support";
  SmallVector<int64_t> labels = node.intsAttr("classlabels_int64s");
  if (labels.size() < 2 || int64_t(labels.size()) > kMaxWindow)
    return node.emitError() << "expects two or more int64 class labels";
  Forest forest;
  forest.targets = labels.size();
  if (failed(readLegacyForest(node, forest, "class")))
    return failure();
  if (labels.size() == 2) {
    SmallVector<int64_t> ids = node.intsAttr("class_ids");
    FailureOr<SmallVector<double>> weights = floatsOrTensor(node, "class_weights");
    if (failed(weights))
      return failure();
    bool singleClass = llvm::all_equal(ids);
    bool allPositive = llvm::all_of(*weights, [](double w) { return w >= 0; });
    return importBinaryClassifier(node, forest, labels, singleClass, allPositive);
  }
  Type f32 = Float32Type::get(node.context());
  Value voted;
  FailureOr<Value> scores = forestScores(node, forest, f32, &voted);
  if (failed(scores))
    return failure();
  OpChain ops(node);
  // Base values count as votes for every class.
  if (!forest.baseValues.empty())
    voted = ops.create<moc::OrOp>(
        voted, node.splat(RankedTensorType::get({1, forest.targets},
                                                node.builder.getI1Type()),
                          1));
  Value lowest = node.scalar(
      f32, APFloat::getInf(APFloat::IEEEsingle(), /*Negative=*/true)
               .convertToDouble());
  Value best = ops.create<moc::ArgMaxOp>(
      ops.create<moc::SelectOp>(voted, *scores, lowest), int64_t(1), false,
      false);
  Value label = ops.create<moc::GatherOp>(
      node.int64Constant(labels, {int64_t(labels.size())}), best, int64_t(0));
  FailureOr<Value> transformed = postTransform(
      node, ops, *scores, node.stringAttr("post_transform", "NONE"));
  if (failed(transformed) || failed(ops.status()))
    return failure();
  return node.setResults({label, *transformed});
}

} // namespace

void registerTreeEnsembleImporters(OpImporterTable &table) {
  table["ai.onnx.ml.TreeEnsemble"] = importTreeEnsemble;
  table["ai.onnx.ml.TreeEnsembleClassifier"] = importTreeEnsembleClassifier;
  table["ai.onnx.ml.TreeEnsembleRegressor"] = importTreeEnsembleRegressor;
}

} // namespace mocc
