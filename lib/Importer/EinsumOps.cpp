//===- EinsumOps.cpp - Importer of ONNX Einsum ----------------------------===//
//
// Einsum in moc ops. Each operand first takes the diagonal of every label it
// repeats (its dimensions flattened, then a strided slice) and sums the
// labels that neither the output nor another operand has. The operands are
// then combined left to right, two at a time: a batched matmul when they
// share a label that is summed, a broadcast multiplication otherwise. A
// transpose gives the output's order.
//
//===----------------------------------------------------------------------===//
#include "OpChain.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlir;

namespace mocc {
namespace {

/// A dimension's label: a letter, or kEllipsis + k for the k-th of the
/// dimensions that "..." stands for (aligned to the right across operands).
using Label = int64_t;
constexpr Label kEllipsis = 256;
/// Where "..." stands in a term before it is expanded.
constexpr Label kEllipsisMark = -1;

struct Equation {
  SmallVector<SmallVector<Label>> inputs;
  SmallVector<Label> output;
};

/// A value and the label of each of its dimensions.
struct Labeled {
  Value value;
  SmallVector<Label> labels;
};

int64_t dimOf(Value value, int64_t d) {
  return cast<RankedTensorType>(value.getType()).getDimSize(d);
}

std::string labelName(Label label) {
  return label >= kEllipsis ? std::string("...") : std::string(1, char(label));
}

/// The letters of one term, with kEllipsisMark where "..." stands.
FailureOr<SmallVector<Label>> parseTerm(NodeContext &node, StringRef term) {
  SmallVector<Label> labels;
  bool ellipsis = false;
  for (size_t i = 0; i < term.size(); ++i) {
    if (llvm::isAlpha(term[i])) {
      labels.push_back(term[i]);
    } else if (!ellipsis && term.substr(i).starts_with("...")) {
      ellipsis = true;
      labels.push_back(kEllipsisMark);
      i += 2;
    } else {
      return node.emitError() << "unexpected '" << term[i]
                              << "' in the einsum term '" << term << "'";
    }
  }
  return labels;
}

/// `term` with "..." replaced by the last `count` of `total` ellipsis labels.
SmallVector<Label> expandEllipsis(ArrayRef<Label> term, int64_t count,
                                  int64_t total) {
  SmallVector<Label> labels;
  for (Label label : term) {
    if (label != kEllipsisMark) {
      labels.push_back(label);
      continue;
    }
    for (int64_t k = total - count; k < total; ++k)
      labels.push_back(kEllipsis + k);
  }
  return labels;
}

/// Parses `equation` (spaces ignored) against the ranks of the inputs. The
/// implicit output is the broadcast dimensions, then the letters that occur
/// once, in ASCII order.
FailureOr<Equation> parseEquation(NodeContext &node) {
  std::string text = node.stringAttr("equation", "");
  llvm::erase_if(text, [](char c) { return llvm::isSpace(c); });
  StringRef equation(text);
  auto [lhs, rhs] = equation.split("->");
  bool explicitOutput = equation.contains("->");
  SmallVector<StringRef> terms;
  lhs.split(terms, ',');
  if (terms.size() != node.numInputs())
    return node.emitError() << "equation '" << text << "' has " << terms.size()
                            << " input terms for " << node.numInputs()
                            << " inputs";
  SmallVector<SmallVector<Label>> raw;
  SmallVector<int64_t> ellipsisCounts;
  int64_t ellipsisRank = 0;
  for (auto [i, term] : llvm::enumerate(terms)) {
    FailureOr<SmallVector<Label>> labels = parseTerm(node, term);
    if (failed(labels))
      return failure();
    int64_t rank = node.inputType(i).getRank();
    bool hasEllipsis = llvm::is_contained(*labels, kEllipsisMark);
    int64_t count = rank - int64_t(labels->size()) + (hasEllipsis ? 1 : 0);
    if (count < 0 || (count > 0 && !hasEllipsis))
      return node.emitError() << "einsum term '" << term
                              << "' does not fit input " << i << " of rank "
                              << rank;
    raw.push_back(std::move(*labels));
    ellipsisCounts.push_back(count);
    ellipsisRank = std::max(ellipsisRank, count);
  }
  Equation result;
  for (auto [term, count] : llvm::zip_equal(raw, ellipsisCounts))
    result.inputs.push_back(expandEllipsis(term, count, ellipsisRank));

  llvm::SmallDenseMap<Label, int64_t> occurrences;
  for (ArrayRef<Label> labels : result.inputs)
    for (Label label : labels)
      ++occurrences[label];
  if (!explicitOutput) {
    for (int64_t k = 0; k < ellipsisRank; ++k)
      result.output.push_back(kEllipsis + k);
    SmallVector<Label> once;
    for (auto [label, count] : occurrences)
      if (count == 1 && label < kEllipsis)
        once.push_back(label);
    llvm::sort(once);
    llvm::append_range(result.output, once);
    return result;
  }
  FailureOr<SmallVector<Label>> output = parseTerm(node, rhs);
  if (failed(output))
    return failure();
  result.output = expandEllipsis(*output, ellipsisRank, ellipsisRank);
  for (auto [i, label] : llvm::enumerate(result.output)) {
    if (!occurrences.count(label))
      return node.emitError() << "output label '" << labelName(label)
                              << "' of equation '" << text
                              << "' is in no input term";
    if (llvm::is_contained(ArrayRef(result.output).take_front(i), label))
      return node.emitError() << "equation '" << text
                              << "' repeats output label '" << labelName(label)
                              << "'";
  }
  return result;
}

/// Checks that every label has one size, up to broadcasting of size 1 (a
/// label an operand repeats has one size there).
LogicalResult checkSizes(NodeContext &node, ArrayRef<Labeled> operands) {
  llvm::SmallDenseMap<Label, int64_t> sizes;
  for (const Labeled &operand : operands) {
    llvm::SmallDenseMap<Label, int64_t> own;
    for (auto [d, label] : llvm::enumerate(operand.labels)) {
      int64_t size = dimOf(operand.value, d);
      auto [it, inserted] = own.try_emplace(label, size);
      if (!inserted && it->second != size)
        return node.emitError() << "repeated label '" << labelName(label)
                                << "' has sizes " << it->second << " and "
                                << size << " in one operand";
      auto [known, first] = sizes.try_emplace(label, size);
      if (first || known->second == size || size == 1)
        continue;
      if (known->second != 1)
        return node.emitError() << "label '" << labelName(label)
                                << "' has sizes " << known->second << " and "
                                << size;
      known->second = size;
    }
  }
  return success();
}

/// `operand` with its dimensions in the order of `order` (a permutation of
/// its labels).
Labeled transposeTo(OpChain &ops, const Labeled &operand, ArrayRef<Label> order) {
  SmallVector<int64_t> permutation;
  for (Label label : order)
    permutation.push_back(llvm::find(operand.labels, label) -
                          operand.labels.begin());
  if (llvm::equal(permutation, llvm::seq<int64_t>(0, permutation.size())))
    return {operand.value, SmallVector<Label>(order)};
  return {ops.transpose(operand.value, permutation), SmallVector<Label>(order)};
}

/// The diagonal of every label `operand` repeats. The repeated dimensions
/// move last and flatten; a slice whose stride is 1 + n + n^2 + ... keeps
/// the elements whose indices are all equal.
Labeled takeDiagonals(OpChain &ops, Labeled operand) {
  for (;;) {
    if (!operand.value)
      return operand;
    auto repeated = llvm::find_if(operand.labels, [&](Label label) {
      return llvm::count(operand.labels, label) > 1;
    });
    if (repeated == operand.labels.end())
      return operand;
    Label label = *repeated;
    SmallVector<Label> order;
    llvm::copy_if(operand.labels, std::back_inserter(order),
                  [&](Label other) { return other != label; });
    int64_t kept = order.size();
    int64_t copies = llvm::count(operand.labels, label);
    // Distinct placeholders for the copies, so that the transpose can find
    // each of them.
    SmallVector<Label> distinct(operand.labels);
    int64_t copy = 0;
    for (Label &other : distinct)
      if (other == label)
        other = -2 - copy++;
    for (int64_t k = 0; k < copies; ++k)
      order.push_back(-2 - k);
    Labeled moved = transposeTo(ops, {operand.value, distinct}, order);
    if (!moved.value)
      return {Value(), {}};
    SmallVector<int64_t> shape;
    for (int64_t d = 0; d < kept; ++d)
      shape.push_back(dimOf(moved.value, d));
    int64_t size = dimOf(moved.value, kept), flat = 1, stride = 0;
    for (int64_t k = 0; k < copies; ++k) {
      stride += flat;
      flat *= size;
    }
    shape.push_back(flat);
    Value diagonal = ops.slice(ops.reshape(moved.value, shape), kept, 0, flat,
                               stride);
    order.truncate(kept);
    order.push_back(label);
    operand = {diagonal, order};
  }
}

/// `operand` summed over the dimensions whose labels `keep` rejects.
Labeled sumExcept(OpChain &ops, Labeled operand,
                  llvm::function_ref<bool(Label)> keep) {
  SmallVector<int64_t> axes;
  SmallVector<Label> labels;
  for (auto [d, label] : llvm::enumerate(operand.labels)) {
    if (keep(label))
      labels.push_back(label);
    else
      axes.push_back(d);
  }
  if (axes.empty() || !operand.value)
    return operand;
  return {ops.create<moc::ReduceSumOp>(operand.value, axes, false), labels};
}

/// The sizes of `labels` in `operand`.
SmallVector<int64_t> sizesOf(const Labeled &operand, ArrayRef<Label> labels) {
  SmallVector<int64_t> sizes;
  for (Label label : labels)
    sizes.push_back(dimOf(operand.value, llvm::find(operand.labels, label) -
                                             operand.labels.begin()));
  return sizes;
}

/// The product of two operands, summed over the labels they share that
/// `keep` rejects: a batched matmul (batch labels, then the labels of `a`
/// only, then those of `b` only), or a broadcast multiplication when nothing
/// is summed.
Labeled combine(OpChain &ops, Labeled a, Labeled b,
                llvm::function_ref<bool(Label)> keep) {
  if (!a.value || !b.value)
    return {Value(), {}};
  auto in = [](const Labeled &operand, Label label) {
    return llvm::is_contained(operand.labels, label);
  };
  // What only one side has and nothing later needs is summed first; so is a
  // shared label to sum over that one side broadcasts (size 1).
  auto broadcastSummed = [&](Label label) {
    return !keep(label) && in(a, label) && in(b, label) &&
           sizesOf(a, label) != sizesOf(b, label);
  };
  a = sumExcept(ops, a, [&](Label label) {
    return (keep(label) || in(b, label)) && !broadcastSummed(label);
  });
  if (!a.value)
    return {Value(), {}};
  b = sumExcept(ops, b, [&](Label label) {
    return (keep(label) || in(a, label)) && !broadcastSummed(label);
  });
  if (!a.value || !b.value)
    return {Value(), {}};
  SmallVector<Label> batch, left, summed, right;
  for (Label label : a.labels)
    (in(b, label) ? (keep(label) ? batch : summed) : left).push_back(label);
  for (Label label : b.labels)
    if (!in(a, label))
      right.push_back(label);
  SmallVector<Label> labels(batch);
  llvm::append_range(labels, left);
  llvm::append_range(labels, right);

  SmallVector<int64_t> leftSizes = sizesOf(a, left),
                       rightSizes = sizesOf(b, right);
  SmallVector<int64_t> aShape = sizesOf(a, batch), bShape = sizesOf(b, batch);
  SmallVector<int64_t> resultShape;
  for (auto [x, y] : llvm::zip_equal(aShape, bShape))
    resultShape.push_back(std::max(x, y));
  llvm::append_range(resultShape, leftSizes);
  llvm::append_range(resultShape, rightSizes);
  SmallVector<Label> aOrder(batch), bOrder(batch);
  llvm::append_range(aOrder, left);
  if (summed.empty()) {
    // Broadcast multiplication: a as (batch, left, 1...), b as (batch,
    // 1..., right).
    llvm::append_range(bOrder, right);
    llvm::append_range(aShape, leftSizes);
    aShape.append(right.size(), 1);
    bShape.append(left.size(), 1);
    llvm::append_range(bShape, rightSizes);
    Value x = ops.reshape(transposeTo(ops, a, aOrder).value, aShape);
    Value y = ops.reshape(transposeTo(ops, b, bOrder).value, bShape);
    return {ops.create<moc::MulOp>(x, y), labels};
  }
  // Matmul of a as (batch, M, K) and b as (batch, K, N).
  llvm::append_range(aOrder, summed);
  llvm::append_range(bOrder, summed);
  llvm::append_range(bOrder, right);
  int64_t contracted = ShapedType::getNumElements(sizesOf(a, summed));
  aShape.push_back(ShapedType::getNumElements(leftSizes));
  aShape.push_back(contracted);
  bShape.push_back(contracted);
  bShape.push_back(ShapedType::getNumElements(rightSizes));
  Value x = ops.reshape(transposeTo(ops, a, aOrder).value, aShape);
  Value y = ops.reshape(transposeTo(ops, b, bOrder).value, bShape);
  return {ops.reshape(ops.create<moc::MatMulOp>(x, y), resultShape), labels};
}

LogicalResult importEinsum(NodeContext &node) {
  if (node.numInputs() == 0)
    return node.emitError() << "expects at least one input";
  SmallVector<Labeled> operands;
  for (size_t i = 0; i < node.numInputs(); ++i) {
    FailureOr<Value> input = node.requiredInput(i);
    if (failed(input))
      return failure();
    if (!node.inputType(i).hasStaticShape())
      return node.emitError() << "needs static shapes";
    if (node.inputType(i).getElementType() != node.inputType(0).getElementType())
      return node.emitError() << "expects inputs of one element type";
    operands.push_back({*input, {}});
  }
  FailureOr<Equation> equation = parseEquation(node);
  if (failed(equation))
    return failure();
  for (auto [operand, labels] : llvm::zip_equal(operands, equation->inputs))
    operand.labels = labels;
  if (failed(checkSizes(node, operands)))
    return failure();

  ArrayRef<Label> output = equation->output;
  // Whether a label is in the output or in an operand from `first` on.
  auto neededFrom = [&](size_t first) {
    return [&, first](Label label) {
      if (llvm::is_contained(output, label))
        return true;
      for (size_t i = first; i < operands.size(); ++i)
        if (llvm::is_contained(operands[i].labels, label))
          return true;
      return false;
    };
  };
  OpChain ops(node);
  for (size_t i = 0; i < operands.size(); ++i) {
    auto elsewhere = [&](Label label) {
      if (llvm::is_contained(output, label))
        return true;
      for (size_t j = 0; j < operands.size(); ++j)
        if (j != i && llvm::is_contained(operands[j].labels, label))
          return true;
      return false;
    };
    operands[i] = sumExcept(ops, takeDiagonals(ops, operands[i]), elsewhere);
  }
  Labeled result = operands.front();
  for (size_t i = 1; i < operands.size(); ++i)
    result = combine(ops, result, operands[i], neededFrom(i + 1));
  result = sumExcept(ops, result, neededFrom(operands.size()));
  if (failed(ops.status()))
    return failure();
  result = transposeTo(ops, result, output);
  if (failed(ops.status()))
    return failure();
  return node.setResults({result.value});
}

} // namespace

void registerEinsumImporters(OpImporterTable &table) {
  table["Einsum"] = importEinsum;
}

} // namespace mocc
