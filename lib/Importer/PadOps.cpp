//===- PadOps.cpp - Importers of ONNX Pad and CenterCropPad ---------------===//
//
// Both become a slice that crops by the negative part of their pads (a
// negative pad removes elements; CenterCropPad is a Pad whose pads center
// the target size) and a moc.pad by the positive part. Pads read from the graph
// at run time stay values: the padded and cropped sizes are computed per run.
//
//===----------------------------------------------------------------------===//
#include "NodeContext.h"
#include "RunTimeAxes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Matchers.h"

#include <limits>

using namespace mlir;

namespace mocc {
namespace {

/// Pads `input` by `pads` (i64 scalars, the befores of every dimension, then
/// the afters) in `mode`, `value` filling for the constant mode. A negative
/// pad crops, before the padding as ONNX Runtime does (a wrapped or mirrored
/// border repeats what is left).
LogicalResult cropAndPad(NodeContext &node, Value input, Value value,
                         ArrayRef<OpFoldResult> pads, moc::PadMode mode) {
  OpBuilder &b = node.builder;
  Location loc = node.loc;
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  if (int64_t(pads.size()) != 2 * rank)
    return node.emitError()
           << "expects " << 2 * rank << " pads, got " << pads.size();
  for (int64_t d = 0; d < rank; ++d) {
    std::optional<int64_t> before = getConstantIntValue(pads[d]),
                           after = getConstantIntValue(pads[d + rank]);
    int64_t padded;
    if (!type.isDynamicDim(d) && before && after &&
        (llvm::AddOverflow(type.getDimSize(d), *before, padded) ||
         llvm::AddOverflow(padded, *after, padded)))
      return node.emitError() << "pads dimension " << d << " past 2^63";
    for (std::optional<int64_t> pad : {before, after})
      if (pad && *pad == std::numeric_limits<int64_t>::min())
        return node.emitError() << "has a pad of -2^63";
  }
  Value zero = b.create<arith::ConstantIndexOp>(loc, 0);
  SmallVector<Value> given, growths;
  for (OpFoldResult pad : pads) {
    given.push_back(b.createOrFold<arith::IndexCastOp>(loc, b.getIndexType(),
                                                       node.int64Value(pad)));
    growths.push_back(b.createOrFold<arith::MaxSIOp>(loc, given.back(), zero));
  }
  auto maybeCrops = [](OpFoldResult pad) {
    std::optional<int64_t> constant = getConstantIntValue(pad);
    return !constant || *constant < 0;
  };
  if (llvm::any_of(pads, maybeCrops)) {
    // -max(pad, -length): no negation wraps, and crops that together
    // exceed the dimension leave it empty.
    SmallVector<OpFoldResult> offsets, sizes;
    for (auto [d, size] :
         llvm::enumerate(tensor::getMixedSizes(b, loc, input))) {
      Value length = getValueOrCreateConstantIndexOp(b, loc, size);
      Value lowest = b.createOrFold<arith::SubIOp>(loc, zero, length);
      auto crop = [&](Value pad) {
        return b.createOrFold<arith::SubIOp>(
            loc, zero,
            b.createOrFold<arith::MinSIOp>(
                loc, b.createOrFold<arith::MaxSIOp>(loc, pad, lowest), zero));
      };
      Value begin = crop(given[d]), end = crop(given[d + rank]);
      offsets.push_back(getAsOpFoldResult(begin));
      Value kept = b.createOrFold<arith::SubIOp>(
          loc, b.createOrFold<arith::SubIOp>(loc, length, begin), end);
      sizes.push_back(
          getAsOpFoldResult(b.createOrFold<arith::MaxSIOp>(loc, kept, zero)));
    }
    SmallVector<OpFoldResult> strides(rank, b.getIndexAttr(1));
    input =
        b.create<tensor::ExtractSliceOp>(loc, input, offsets, sizes, strides);
  }
  if (llvm::all_of(growths, [](Value g) { return isConstantIntValue(g, 0); }))
    return node.setResult(input);
  // Edge, reflect and wrap read the dimension they pad (a dynamic one is
  // checked not to be empty when the op runs).
  auto cropped = cast<RankedTensorType>(input.getType());
  for (int64_t d = 0; d < rank && mode != moc::PadMode::constant; ++d)
    if (cropped.getDimSize(d) == 0 &&
        !(isConstantIntValue(growths[d], 0) &&
          isConstantIntValue(growths[d + rank], 0)))
      return node.emitError() << "pads dimension " << d << ", of size 0, in "
                              << "mode '" << moc::stringifyPadMode(mode) << "'";
  SmallVector<int64_t> staticGrowths;
  SmallVector<Value> dynamicGrowths;
  for (Value growth : growths) {
    std::optional<int64_t> constant = getConstantIntValue(growth);
    staticGrowths.push_back(constant ? *constant : ShapedType::kDynamic);
    if (!constant)
      dynamicGrowths.push_back(growth);
  }
  return node.setResult(node.create<moc::PadOp>(input, value, dynamicGrowths,
                                                staticGrowths, mode));
}

/// Pad-18's pads for the listed axes only, spread over all `rank`
/// dimensions (0 for the others); the axes may be read at run time.
FailureOr<SmallVector<OpFoldResult>>
padsOfAxes(NodeContext &node, ArrayRef<OpFoldResult> given, int64_t rank) {
  OpBuilder &b = node.builder;
  Location loc = node.loc;
  if (matchPattern(node.input(3), m_Constant())) {
    FailureOr<SmallVector<int64_t>> axes = node.constantInts(3);
    if (failed(axes))
      return failure();
    if (given.size() != 2 * axes->size())
      return node.emitError() << "expects two pads per axis";
    SmallVector<OpFoldResult> pads(2 * rank, b.getI64IntegerAttr(0));
    SmallVector<bool> seen(rank, false);
    for (auto [i, axis] : llvm::enumerate(*axes)) {
      FailureOr<int64_t> d = node.normalizeAxis(axis, rank, "axes");
      if (failed(d))
        return failure();
      if (seen[*d])
        return node.emitError() << "repeats axis " << axis;
      seen[*d] = true;
      pads[*d] = given[i];
      pads[*d + rank] = given[i + axes->size()];
    }
    return pads;
  }
  FailureOr<SmallVector<SmallVector<Value>>> matches =
      runTimeAxisMatches(node, 3, rank);
  if (failed(matches))
    return failure();
  size_t count = matches->size();
  if (given.size() != 2 * count)
    return node.emitError() << "expects two pads per axis";
  Value zero = b.create<arith::ConstantIntOp>(loc, 0, 64);
  SmallVector<OpFoldResult> pads;
  for (size_t side = 0; side < 2; ++side)
    for (int64_t d = 0; d < rank; ++d) {
      Value pad = zero;
      for (size_t e = 0; e < count; ++e)
        pad = b.createOrFold<arith::SelectOp>(
            loc, (*matches)[e][d], node.int64Value(given[side * count + e]),
            pad);
      pads.push_back(getAsOpFoldResult(pad));
    }
  return pads;
}

LogicalResult importPad(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  RankedTensorType type = node.inputType(0);
  int64_t rank = type.getRank();
  std::string modeName = node.stringAttr("mode", "constant");
  std::optional<moc::PadMode> mode = moc::symbolizePadMode(modeName);
  if (!mode)
    return node.emitError() << "unknown mode '" << modeName << "'";
  SmallVector<OpFoldResult> pads;
  Value value;
  if (node.opset < 11) {
    for (int64_t pad : node.intsAttr(node.opset < 2 ? "paddings" : "pads"))
      pads.push_back(node.builder.getI64IntegerAttr(pad));
    value = node.scalar(type.getElementType(), node.floatAttr("value", 0.0f));
  } else {
    FailureOr<SmallVector<OpFoldResult>> given = node.sizeElements(1);
    if (failed(given))
      return failure();
    pads = *given;
    if (Value constant = node.input(2)) {
      FailureOr<Value> scalar = node.reshape(constant, {});
      if (failed(scalar))
        return failure();
      value = *scalar;
    }
    if (node.input(3)) { // opset 18: pads for the listed axes only.
      FailureOr<SmallVector<OpFoldResult>> all = padsOfAxes(node, pads, rank);
      if (failed(all))
        return failure();
      pads = *all;
    }
  }
  if (!value)
    value = node.scalar(type.getElementType(), 0.0);
  return cropAndPad(node, *input, value, pads, *mode);
}

/// CenterCropPad: along each listed axis, a centred slice where the target
/// size is smaller and a centred zero padding where it is larger (an odd
/// difference leaves the extra element at the end): a Pad by
/// (target - size) / 2 before, rounded towards 0, and the rest after.
LogicalResult importCenterCropPad(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  FailureOr<SmallVector<OpFoldResult>> targets = node.sizeElements(1);
  if (failed(input) || failed(targets))
    return failure();
  RankedTensorType type = node.inputType(0);
  int64_t rank = type.getRank();
  SmallVector<int64_t> axes = node.intsAttr("axes");
  if (!node.hasAttribute("axes"))
    axes = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  if (targets->size() != axes.size())
    return node.emitError()
           << "expects " << axes.size() << " target sizes (one per axis), got "
           << targets->size();
  OpBuilder &b = node.builder;
  Location loc = node.loc;
  SmallVector<OpFoldResult> pads(2 * rank, b.getI64IntegerAttr(0));
  for (auto [axis, target] : llvm::zip_equal(axes, *targets)) {
    FailureOr<int64_t> d = node.normalizeAxis(axis, rank, "axes");
    if (failed(d))
      return failure();
    std::optional<int64_t> constant = getConstantIntValue(target);
    if (constant && *constant < 0)
      return node.emitError()
             << "expects non-negative target sizes, got " << *constant;
    Value size = node.int64Value(target);
    if (!constant)
      node.assertEqual(
          b.create<arith::MaxSIOp>(loc, size,
                                   b.create<arith::ConstantIntOp>(loc, 0, 64)),
          size, "the target sizes must not be negative");
    Value difference =
        b.createOrFold<arith::SubIOp>(loc, size, node.dimAsInt64(*input, *d));
    Value before = b.createOrFold<arith::DivSIOp>(
        loc, difference, b.create<arith::ConstantIntOp>(loc, 2, 64));
    pads[*d] = getAsOpFoldResult(before);
    pads[*d + rank] = getAsOpFoldResult(
        b.createOrFold<arith::SubIOp>(loc, difference, before));
  }
  return cropAndPad(node, *input, node.scalar(type.getElementType(), 0.0), pads,
                    moc::PadMode::constant);
}

} // namespace

void registerPadImporters(OpImporterTable &table) {
  table["Pad"] = importPad;
  table["CenterCropPad"] = importCenterCropPad;
}

} // namespace mocc
