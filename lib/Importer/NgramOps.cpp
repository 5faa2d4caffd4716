//===- NgramOps.cpp - Importer of TfIdfVectorizer -------------------------===//
//
// TfIdfVectorizer counts, per row of integer tokens, the occurrences of the
// n-grams of its pool, as ONNX's reference does: an n-gram of n >= 2 counts
// once for every skip distance d in 1 .. max_skip_count + 1 (its tokens are
// d apart), a 1-gram once; only sizes in [min_gram_length, max_gram_length]
// count. The counts of one size and distance are a comparison of every
// window with every pool n-gram of that size, reduced over the windows; a
// constant one-hot matrix then places them at their ngram_indexes.
//
//===----------------------------------------------------------------------===//
#include "OpChain.h"

#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;

namespace mocc {
namespace {

/// The pool n-grams of one size: component j of n-gram g is tokens[g][j].
struct NgramGroup {
  int64_t size;
  /// Position of the first of them in the pool's n-gram order (an index
  /// into ngram_indexes).
  int64_t first;
  SmallVector<SmallVector<int64_t>> tokens;
};

/// Splits the pool into groups by size, as ngram_counts delimits them.
FailureOr<SmallVector<NgramGroup>> poolGroups(NodeContext &node,
                                              ArrayRef<int64_t> pool,
                                              ArrayRef<int64_t> counts) {
  SmallVector<NgramGroup> groups;
  int64_t first = 0;
  for (auto [i, start] : llvm::enumerate(counts)) {
    int64_t end = i + 1 < counts.size() ? counts[i + 1] : int64_t(pool.size());
    int64_t size = i + 1;
    if (start < 0 || end < start || end > int64_t(pool.size()) ||
        (end - start) % size != 0)
      return node.emitError() << "has ngram_counts that do not split its pool "
                                 "into whole n-grams";
    NgramGroup group{size, first, {}};
    for (int64_t g = start; g < end; g += size)
      group.tokens.emplace_back(pool.begin() + g, pool.begin() + g + size);
    first += group.tokens.size();
    groups.push_back(std::move(group));
  }
  return groups;
}

/// The counts ([rows, n-grams], f32) of `group`'s n-grams in `tokens`
/// ([rows, length]) with their tokens `distance` apart.
Value countAtDistance(NodeContext &node, OpChain &ops, Value tokens,
                      const NgramGroup &group, int64_t distance) {
  auto type = cast<RankedTensorType>(tokens.getType());
  int64_t rows = type.getDimSize(0), length = type.getDimSize(1);
  int64_t windows = length - distance * (group.size - 1);
  int64_t count = group.tokens.size();
  Value matches;
  for (int64_t j = 0; j < group.size; ++j) {
    Value column = ops.reshape(
        ops.slice(tokens, 1, j * distance, j * distance + windows),
        {rows, windows, 1});
    SmallVector<int64_t> component;
    for (const SmallVector<int64_t> &ngram : group.tokens)
      component.push_back(ngram[j]);
    Value pool = ops.castTo(node.int64Constant(component, {1, 1, count}),
                            type.getElementType());
    Value equal = ops.create<moc::EqualOp>(column, pool);
    matches = matches ? ops.create<moc::AndOp>(matches, equal) : equal;
  }
  Value ones = ops.castTo(matches, Float32Type::get(node.context()));
  return ops.create<moc::ReduceSumOp>(ones, ArrayRef<int64_t>{1}, false);
}

LogicalResult importTfIdfVectorizer(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  RankedTensorType type = node.inputType(0);
  if (!isa<IntegerType>(type.getElementType()) || !type.hasStaticShape() ||
      type.getRank() < 1 || type.getRank() > 2)
    return node.emitError() << "needs static integer tokens of shape [C] or "
                               "[B, C] (string pools are not supported)";
  std::string mode = node.stringAttr("mode", "");
  if (mode != "TF" && mode != "IDF" && mode != "TFIDF")
    return node.emitError() << "unknown mode '" << mode << "'";
  int64_t minLength = node.intAttr("min_gram_length", 0);
  int64_t maxLength = node.intAttr("max_gram_length", 0);
  int64_t maxSkip = node.intAttr("max_skip_count", 0);
  SmallVector<int64_t> indexes = node.intsAttr("ngram_indexes");
  SmallVector<float> weights = node.floatsAttr("weights");
  FailureOr<SmallVector<NgramGroup>> groups = poolGroups(
      node, node.intsAttr("pool_int64s"), node.intsAttr("ngram_counts"));
  if (failed(groups))
    return failure();
  int64_t ngrams = groups->empty() ? 0
                                   : groups->back().first +
                                         int64_t(groups->back().tokens.size());
  if (minLength < 1 || maxLength < minLength || maxSkip < 0 ||
      maxSkip > kMaxComputedConstantElements || indexes.empty() ||
      int64_t(indexes.size()) != ngrams ||
      llvm::any_of(indexes, [](int64_t i) {
        return i < 0 || i >= kMaxComputedConstantElements;
      }))
    return node.emitError() << "expects 1 <= min_gram_length <= "
                               "max_gram_length, max_skip_count >= 0 and one "
                               "ngram_index in range per pool n-gram";
  int64_t outputs = *llvm::max_element(indexes) + 1;
  if (!weights.empty() && int64_t(weights.size()) != outputs)
    return node.emitError() << "expects " << outputs << " weights";

  OpChain ops(node);
  int64_t rows = type.getRank() == 2 ? type.getDimSize(0) : 1;
  int64_t length = type.getShape().back();
  Value tokens = ops.reshape(*input, {rows, length});
  Type f32 = Float32Type::get(node.context());
  Value counts = node.splat(RankedTensorType::get({rows, outputs}, f32), 0);
  for (const NgramGroup &group : *groups) {
    if (group.size < minLength || group.size > maxLength ||
        group.tokens.empty())
      continue;
    int64_t lastDistance = group.size == 1 ? 1 : maxSkip + 1;
    Value groupCounts;
    for (int64_t d = 1; d <= lastDistance; ++d) {
      if (length - d * (group.size - 1) <= 0)
        break;
      Value atDistance = countAtDistance(node, ops, tokens, group, d);
      groupCounts = groupCounts ? ops.create<moc::AddOp>(groupCounts, atDistance)
                                : atDistance;
    }
    if (!groupCounts)
      continue;
    // Placed at their output indexes by a one-hot matrix.
    int64_t count = group.tokens.size();
    SmallVector<float> placement(count * outputs, 0.0f);
    for (int64_t g = 0; g < count; ++g)
      placement[g * outputs + indexes[group.first + g]] = 1.0f;
    Value onehot = node.builder.create<moc::ConstantOp>(
        node.loc, DenseElementsAttr::get(
                      RankedTensorType::get({count, outputs}, f32),
                      ArrayRef<float>(placement)));
    counts = ops.create<moc::AddOp>(
        counts, ops.create<moc::MatMulOp>(groupCounts, onehot));
  }

  Value result = counts;
  if (mode != "TF") {
    Value weight = node.splat(RankedTensorType::get({outputs}, f32), 1);
    if (!weights.empty())
      weight = node.builder.create<moc::ConstantOp>(
          node.loc,
          DenseElementsAttr::get(RankedTensorType::get({outputs}, f32),
                                 ArrayRef<float>(weights)));
    Value present =
        ops.castTo(ops.create<moc::GreaterOp>(counts, node.scalar(f32, 0)), f32);
    result = ops.create<moc::MulOp>(mode == "IDF" ? present : counts, weight);
  }
  if (type.getRank() == 1)
    result = ops.reshape(result, {outputs});
  if (failed(ops.status()))
    return failure();
  return node.setResults({result});
}

} // namespace

void registerNgramImporters(OpImporterTable &table) {
  table["TfIdfVectorizer"] = importTfIdfVectorizer;
}

} // namespace mocc
