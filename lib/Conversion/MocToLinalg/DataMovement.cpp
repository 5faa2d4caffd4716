//===- DataMovement.cpp - Lowering of reshapes, slices, gathers and pads --===//
//
// Reshapes become tensor.collapse_shape/expand_shape (through a flat vector
// when no reassociation exists), or tensor.reshape with a computed shape when
// sizes are dynamic. Transposes are linalg.transpose, concatenation inserts
// slices, slices extract strided slices (and reverse the dimensions with a
// negative step), gathers and non-constant pads read their input with
// tensor.extract at computed indices. The importer's extract_slices and dims
// get the lowered element type.
//
//===----------------------------------------------------------------------===//
#include "Utils.h"
#include "mocc/Dialect/Moc/IR/MocOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"

using namespace mlir;

namespace mocc::moc_to_linalg {
namespace {

Value replaceWith(ConversionPatternRewriter &rewriter, Operation *op,
                  Value result, RankedTensorType resultType) {
  if (result.getType() != resultType)
    result = rewriter.create<tensor::CastOp>(op->getLoc(), resultType, result);
  rewriter.replaceOp(op, result);
  return result;
}

//===----------------------------------------------------------------------===//
// Reshape
//===----------------------------------------------------------------------===//

struct ReshapeLowering : OpConversionPattern<moc::ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;

  /// Reshapes static `input` by collapsing runs of its dimensions into the
  /// coarsest shape both shapes refine ([128, 1, 256] and [128, 4, 64]: [128,
  /// 256]) and expanding those. Unlike going through one flat dimension, it
  /// keeps a strided slice a view.
  static LogicalResult
  reshapeThroughCommonShape(ConversionPatternRewriter &rewriter,
                            moc::ReshapeOp op, Value input,
                            RankedTensorType resultType) {
    ArrayRef<int64_t> from = cast<RankedTensorType>(input.getType()).getShape();
    ArrayRef<int64_t> to = resultType.getShape();
    SmallVector<ReassociationIndices> collapse, expand;
    SmallVector<int64_t> common;
    size_t i = 0, j = 0;
    while (i < from.size() && j < to.size()) {
      ReassociationIndices fromGroup = {int64_t(i)}, toGroup = {int64_t(j)};
      int64_t fromSize = from[i++], toSize = to[j++];
      while (fromSize != toSize) {
        if (fromSize < toSize && i < from.size()) {
          fromGroup.push_back(i);
          fromSize *= from[i++];
        } else if (toSize < fromSize && j < to.size()) {
          toGroup.push_back(j);
          toSize *= to[j++];
        } else {
          return failure();
        }
      }
      // Unit dimensions join the group before them, which keeps a strided
      // slice collapsible.
      while (i < from.size() && from[i] == 1)
        fromGroup.push_back(i++);
      while (j < to.size() && to[j] == 1)
        toGroup.push_back(j++);
      collapse.push_back(fromGroup);
      expand.push_back(toGroup);
      common.push_back(fromSize);
    }
    if (i != from.size() || j != to.size())
      return failure();
    auto commonType =
        RankedTensorType::get(common, resultType.getElementType());
    Value value = input;
    if (common.size() != from.size())
      value = rewriter.create<tensor::CollapseShapeOp>(op.getLoc(), commonType,
                                                       value, collapse);
    if (common.size() != to.size())
      value = rewriter.create<tensor::ExpandShapeOp>(op.getLoc(), resultType,
                                                     value, expand);
    rewriter.replaceOp(op, value);
    return success();
  }

  /// The groups that collapse `wide` into `narrow` if `narrow` is `wide`
  /// without some of its static unit dimensions (each joins the group of the
  /// dimension before it, leading ones the first group): what squeezes and
  /// unsqueezes are, whatever their dynamic sizes.
  static std::optional<SmallVector<ReassociationIndices>>
  unitDimGroups(RankedTensorType wide, RankedTensorType narrow) {
    if (narrow.getRank() == 0 || wide.getRank() <= narrow.getRank())
      return std::nullopt;
    SmallVector<ReassociationIndices> groups;
    int64_t next = 0, leading = 0;
    for (auto [d, size] : llvm::enumerate(wide.getShape())) {
      if (next < narrow.getRank() && size == narrow.getDimSize(next)) {
        groups.emplace_back();
        for (; leading > 0; --leading)
          groups.back().push_back(d - leading);
        groups.back().push_back(d);
        ++next;
      } else if (size == 1) {
        if (groups.empty())
          ++leading;
        else
          groups.back().push_back(d);
      } else {
        return std::nullopt;
      }
    }
    if (next != narrow.getRank())
      return std::nullopt;
    return groups;
  }

  /// Reshapes `input` to `resultType` whose dynamic sizes are `sizes`: by
  /// one expansion where the dimensions group with at most one dynamic size
  /// per group (all that bufferization expands), else by the shape tensor.
  static LogicalResult reshapeToSizes(ConversionPatternRewriter &rewriter,
                                      moc::ReshapeOp op, Value input,
                                      RankedTensorType resultType,
                                      ValueRange sizes) {
    Location loc = op.getLoc();
    auto inputType = cast<RankedTensorType>(input.getType());
    SmallVector<OpFoldResult> shape;
    for (int64_t size : resultType.getShape()) {
      if (ShapedType::isDynamic(size)) {
        shape.push_back(sizes.front());
        sizes = sizes.drop_front();
      } else {
        shape.push_back(rewriter.getIndexAttr(size));
      }
    }
    std::optional<SmallVector<ReassociationIndices>> groups =
        getReassociationIndicesForReshape(inputType, resultType);
    if (groups && inputType.getRank() < resultType.getRank() &&
        llvm::all_of(*groups, [&](const ReassociationIndices &group) {
          return llvm::count_if(group, [&](int64_t d) {
                   return resultType.isDynamicDim(d);
                 }) <= 1;
        })) {
      rewriter.replaceOp(op, expand(rewriter, loc, input, *groups, shape));
      return success();
    }
    SmallVector<Value> shapeValues;
    for (OpFoldResult size : shape)
      shapeValues.push_back(getValueOrCreateConstantIndexOp(rewriter, loc, size));
    Value shapeTensor =
        rewriter.create<tensor::FromElementsOp>(loc, shapeValues);
    rewriter.replaceOpWithNewOp<tensor::ReshapeOp>(op, resultType, input,
                                                   shapeTensor);
    return success();
  }

  LogicalResult
  matchAndRewrite(moc::ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = convertedResultType(*this, op);
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "unsupported result type");
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    // The element count gives the one dynamic size; the size a model gave
    // for it must agree.
    if (!op.getSizes().empty() && op.shapeFollowsFromCount()) {
      Type indexType = rewriter.getIndexType();
      int64_t known = 1;
      for (int64_t size : resultType.getShape())
        if (!ShapedType::isDynamic(size))
          known *= size;
      Value product = rewriter.create<arith::MulIOp>(
          loc, adaptor.getSizes().front(),
          rewriter.create<arith::ConstantIndexOp>(loc, known));
      Value count = countElements(
          rewriter, loc, input,
          llvm::to_vector(llvm::seq<int64_t>(0, inputType.getRank())),
          indexType);
      rewriter.create<moc::AssertEqualOp>(
          loc, count, product,
          "the input's element count must equal the new shape's");
    }
    if (inputType == resultType &&
        (op.getSizes().empty() || op.shapeFollowsFromCount())) {
      rewriter.replaceOp(op, input);
      return success();
    }
    int64_t inRank = inputType.getRank(), outRank = resultType.getRank();
    if (!op.getSizes().empty() && !op.shapeFollowsFromCount())
      return reshapeToSizes(rewriter, op, input, resultType,
                            adaptor.getSizes());
    // A static result fixes the one unknown input size.
    if (resultType.hasStaticShape() && inputType.getNumDynamicDims() == 1) {
      int64_t known = 1;
      for (int64_t size : inputType.getShape())
        if (!ShapedType::isDynamic(size))
          known *= size;
      if (known != 0 && resultType.getNumElements() % known == 0) {
        SmallVector<int64_t> shape(inputType.getShape());
        for (int64_t &size : shape)
          if (ShapedType::isDynamic(size))
            size = resultType.getNumElements() / known;
        inputType = inputType.clone(shape);
        input = rewriter.create<tensor::CastOp>(loc, inputType, input);
        if (inputType == resultType) {
          rewriter.replaceOp(op, input);
          return success();
        }
      }
    }
    std::optional<SmallVector<ReassociationIndices>> groups =
        inRank > outRank ? unitDimGroups(inputType, resultType)
                         : unitDimGroups(resultType, inputType);
    if (!groups)
      groups = getReassociationIndicesForReshape(inputType, resultType);
    if (groups) {
      if (inRank > outRank)
        rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(op, resultType,
                                                             input, *groups);
      else
        rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(op, resultType,
                                                           input, *groups);
      return success();
    }
    if (inputType.hasStaticShape() && resultType.hasStaticShape()) {
      if (succeeded(reshapeThroughCommonShape(rewriter, op, input, resultType)))
        return success();
      // Through the flat vector of the elements.
      Value flat = input;
      if (inRank != 1) {
        auto flatType = RankedTensorType::get({inputType.getNumElements()},
                                              inputType.getElementType());
        SmallVector<ReassociationIndices> all;
        if (inRank > 0)
          all.push_back(llvm::to_vector(llvm::seq<int64_t>(0, inRank)));
        flat = inRank > 1 ? rewriter
                                .create<tensor::CollapseShapeOp>(loc, flatType,
                                                                 input, all)
                                .getResult()
                          : rewriter
                                .create<tensor::ExpandShapeOp>(loc, flatType,
                                                               input, all)
                                .getResult();
      }
      if (outRank == 1) {
        replaceWith(rewriter, op, flat, resultType);
        return success();
      }
      SmallVector<ReassociationIndices> all;
      if (outRank > 0)
        all.push_back(llvm::to_vector(llvm::seq<int64_t>(0, outRank)));
      if (outRank > 1)
        rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(op, resultType, flat,
                                                           all);
      else
        rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(op, resultType,
                                                             flat, all);
      return success();
    }
    // Dynamic sizes: at most one unknown result size, the rest of the
    // elements' count.
    if (resultType.getNumDynamicDims() > 1)
      return rewriter.notifyMatchFailure(
          op, "expects at most one dynamic result size");
    int64_t known = 1;
    for (int64_t size : resultType.getShape())
      if (!ShapedType::isDynamic(size))
        known *= size;
    SmallVector<int64_t> all = llvm::to_vector(llvm::seq<int64_t>(0, inRank));
    Type indexType = rewriter.getIndexType();
    Value count = resultType.hasStaticShape()
                      ? Value()
                      : countElements(rewriter, loc, input, all, indexType);
    Value missing;
    if (!resultType.hasStaticShape())
      missing = rewriter.create<arith::DivUIOp>(
          loc, count, rewriter.create<arith::ConstantIndexOp>(loc, known));
    SmallVector<Value> sizes;
    for (int64_t size : resultType.getShape())
      sizes.push_back(ShapedType::isDynamic(size)
                          ? missing
                          : rewriter.create<arith::ConstantIndexOp>(loc, size));
    Value shape = rewriter.create<tensor::FromElementsOp>(loc, sizes);
    rewriter.replaceOpWithNewOp<tensor::ReshapeOp>(op, resultType, input,
                                                   shape);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Broadcast and transpose
//===----------------------------------------------------------------------===//

struct BroadcastLowering : OpConversionPattern<moc::BroadcastOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(moc::BroadcastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = convertedResultType(*this, op);
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "unsupported result type");
    auto inputType = cast<RankedTensorType>(adaptor.getInput().getType());
    int64_t offset = resultType.getRank() - inputType.getRank();
    for (int64_t d = 0; d < resultType.getRank(); ++d)
      if (op.getSizes().empty() && resultType.isDynamicDim(d) &&
          (d < offset || !inputType.isDynamicDim(d - offset)))
        return rewriter.notifyMatchFailure(
            op, "expects dynamic result sizes to come from the input");
    Value result = buildElementwise(
        rewriter, op.getLoc(), resultType, adaptor.getInput(),
        [](OpBuilder &, Location, ValueRange args) { return args[0]; },
        adaptor.getSizes());
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct TransposeLowering : OpConversionPattern<moc::TransposeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(moc::TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = convertedResultType(*this, op);
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "unsupported result type");
    Value input = adaptor.getInput();
    ArrayRef<int64_t> permutation = op.getPermutation();
    SmallVector<OpFoldResult> inputSizes = getSizes(rewriter, loc, input);
    SmallVector<OpFoldResult> sizes;
    for (int64_t source : permutation)
      sizes.push_back(inputSizes[source]);
    Value init = createEmpty(rewriter, loc, sizes, resultType.getElementType());
    Value result =
        rewriter.create<linalg::TransposeOp>(loc, input, init, permutation)
            .getResult()[0];
    replaceWith(rewriter, op, result, resultType);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Concat and slice
//===----------------------------------------------------------------------===//

struct ConcatLowering : OpConversionPattern<moc::ConcatOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(moc::ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = convertedResultType(*this, op);
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "unsupported result type");
    int64_t axis = op.getAxis();
    int64_t rank = resultType.getRank();
    ValueRange inputs = adaptor.getInputs();
    SmallVector<SmallVector<OpFoldResult>> inputSizes;
    for (Value input : inputs)
      inputSizes.push_back(getSizes(rewriter, loc, input));
    SmallVector<OpFoldResult> sizes = inputSizes.front();
    for (auto &other : ArrayRef(inputSizes).drop_front())
      sizes[axis] = addSizes(rewriter, loc, sizes[axis], other[axis]);
    Value result =
        createEmpty(rewriter, loc, sizes, resultType.getElementType());
    OpFoldResult offset = rewriter.getIndexAttr(0);
    SmallVector<OpFoldResult> strides(rank, rewriter.getIndexAttr(1));
    for (auto [input, inSizes] : llvm::zip(inputs, inputSizes)) {
      // Off the axis, every input has the result's sizes: the first input's.
      // A dynamic size says so (an insert's source has the insert's sizes, a
      // cast's the static ones), and mocc-check-shapes checks it at run time.
      auto inputType = cast<RankedTensorType>(input.getType());
      SmallVector<int64_t> shape(inputType.getShape());
      SmallVector<OpFoldResult> insertSizes = inSizes;
      for (int64_t d = 0; d < rank; ++d) {
        if (d == axis || !inputType.isDynamicDim(d))
          continue;
        insertSizes[d] = sizes[d];
        if (std::optional<int64_t> size = getConstantIntValue(sizes[d]))
          shape[d] = *size;
      }
      Value source = input;
      if (shape != inputType.getShape())
        source = rewriter.create<tensor::CastOp>(
            loc, inputType.clone(shape), input);
      SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
      offsets[axis] = offset;
      result = rewriter.create<tensor::InsertSliceOp>(
          loc, source, result, offsets, insertSizes, strides);
      offset = addSizes(rewriter, loc, offset, inSizes[axis]);
    }
    replaceWith(rewriter, op, result, resultType);
    return success();
  }
};

struct SliceLowering : OpConversionPattern<moc::SliceOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(moc::SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *context = rewriter.getContext();
    auto resultType = convertedResultType(*this, op);
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "unsupported result type");
    ArrayRef<int64_t> starts = op.getStarts(), steps = op.getSteps();
    SmallVector<OpFoldResult> offsets, sizes, strides;
    SmallVector<AffineExpr> exprs;
    bool reversed = false;
    for (int64_t d = 0; d < resultType.getRank(); ++d) {
      int64_t step = steps[d];
      if (resultType.isDynamicDim(d)) {
        if (step != 1)
          return rewriter.notifyMatchFailure(op, "a dynamic dimension taken "
                                                 "with a step other than 1");
        Value size =
            rewriter.create<tensor::DimOp>(loc, adaptor.getInput(), d);
        offsets.push_back(rewriter.getIndexAttr(starts[d]));
        sizes.push_back(rewriter.createOrFold<arith::SubIOp>(
            loc, size,
            rewriter.create<arith::ConstantIndexOp>(loc, starts[d])));
        strides.push_back(rewriter.getIndexAttr(1));
        exprs.push_back(rewriter.getAffineDimExpr(d));
        continue;
      }
      int64_t length = resultType.getDimSize(d);
      // A negative step takes the same elements as the positive one from the
      // last of them, reversed.
      int64_t first = step > 0
                          ? starts[d]
                          : starts[d] + std::max<int64_t>(length - 1, 0) * step;
      offsets.push_back(rewriter.getIndexAttr(length == 0 ? 0 : first));
      sizes.push_back(rewriter.getIndexAttr(length));
      strides.push_back(rewriter.getIndexAttr(std::abs(step)));
      AffineExpr dim = rewriter.getAffineDimExpr(d);
      exprs.push_back(step > 0 ? dim : (length - 1) - dim);
      reversed |= step < 0 && length > 1;
    }
    Value result = rewriter.create<tensor::ExtractSliceOp>(
        loc, resultType, adaptor.getInput(), offsets, sizes, strides);
    if (reversed)
      result = buildMapped(
          rewriter, loc, result, resultType.getElementType(), result,
          AffineMap::get(resultType.getRank(), 0, exprs, context),
          [](OpBuilder &, Location, ValueRange args) { return args[0]; });
    replaceWith(rewriter, op, result, resultType);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Gather
//===----------------------------------------------------------------------===//

struct GatherLowering : OpConversionPattern<moc::GatherOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(moc::GatherOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *context = rewriter.getContext();
    auto resultType = convertedResultType(*this, op);
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "unsupported result type");
    Value input = adaptor.getInput(), indices = adaptor.getIndices();
    auto indicesType = cast<RankedTensorType>(indices.getType());
    int64_t axis = op.getAxis();
    int64_t indexRank = indicesType.getRank();
    int64_t rank = resultType.getRank();

    // Result sizes: input[:axis], indices, input[axis+1:].
    SmallVector<OpFoldResult> inputSizes = getSizes(rewriter, loc, input);
    SmallVector<OpFoldResult> indexSizes = getSizes(rewriter, loc, indices);
    SmallVector<OpFoldResult> sizes(inputSizes.begin(),
                                    inputSizes.begin() + axis);
    llvm::append_range(sizes, indexSizes);
    sizes.append(inputSizes.begin() + axis + 1, inputSizes.end());
    Value axisSize =
        getValueOrCreateConstantIndexOp(rewriter, loc, inputSizes[axis]);

    SmallVector<AffineExpr> indexExprs;
    for (int64_t d = 0; d < indexRank; ++d)
      indexExprs.push_back(rewriter.getAffineDimExpr(axis + d));
    SmallVector<AffineMap> maps = {AffineMap::get(rank, 0, indexExprs, context),
                                   rewriter.getMultiDimIdentityMap(rank)};
    Value init = createEmpty(rewriter, loc, sizes, resultType.getElementType());
    Value result =
        rewriter
            .create<linalg::GenericOp>(
                loc, init.getType(), indices, init, maps,
                parallelIterators(rank),
                [&](OpBuilder &b, Location l, ValueRange args) {
                  // Negative indices count from the end; out-of-range ones
                  // are clamped rather than read out of bounds.
                  Value index = b.create<arith::IndexCastOp>(
                      l, b.getIndexType(), args[0]);
                  Value zero = b.create<arith::ConstantIndexOp>(l, 0);
                  Value negative = b.create<arith::CmpIOp>(
                      l, arith::CmpIPredicate::slt, index, zero);
                  index = b.create<arith::SelectOp>(
                      l, negative, b.create<arith::AddIOp>(l, index, axisSize),
                      index);
                  Value last = b.create<arith::SubIOp>(
                      l, axisSize, b.create<arith::ConstantIndexOp>(l, 1));
                  index = b.create<arith::MaxSIOp>(
                      l, b.create<arith::MinSIOp>(l, index, last), zero);
                  SmallVector<Value> coordinates;
                  for (int64_t d = 0; d < axis; ++d)
                    coordinates.push_back(b.create<linalg::IndexOp>(l, d));
                  coordinates.push_back(index);
                  for (int64_t d = axis + indexRank; d < rank; ++d)
                    coordinates.push_back(b.create<linalg::IndexOp>(l, d));
                  b.create<linalg::YieldOp>(
                      l, b.create<tensor::ExtractOp>(l, input, coordinates)
                             .getResult());
                })
            .getResult(0);
    replaceWith(rewriter, op, result, resultType);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Pad
//===----------------------------------------------------------------------===//

/// The input index that padded position `i` (already shifted by the leading
/// pad, so in [-before, size + after)) reads in `mode`.
Value sourceIndex(OpBuilder &b, Location l, moc::PadMode mode, Value i,
                  Value size) {
  Value zero = b.create<arith::ConstantIndexOp>(l, 0);
  Value one = b.create<arith::ConstantIndexOp>(l, 1);
  // The non-negative remainder of `x` by `m`.
  auto positiveRem = [&](Value x, Value m) -> Value {
    Value rem = b.create<arith::RemSIOp>(l, x, m);
    Value negative =
        b.create<arith::CmpIOp>(l, arith::CmpIPredicate::slt, rem, zero);
    return b.create<arith::SelectOp>(l, negative,
                                     b.create<arith::AddIOp>(l, rem, m), rem);
  };
  switch (mode) {
  case moc::PadMode::edge: {
    Value last = b.create<arith::SubIOp>(l, size, one);
    return b.create<arith::MaxSIOp>(l, b.create<arith::MinSIOp>(l, i, last),
                                    zero);
  }
  case moc::PadMode::wrap:
    return positiveRem(i, size);
  case moc::PadMode::reflect: {
    // Mirror without repeating the edge: period 2 (size - 1), at least 1.
    Value twice =
        b.create<arith::MulIOp>(l, b.create<arith::SubIOp>(l, size, one),
                                b.create<arith::ConstantIndexOp>(l, 2));
    Value period = b.create<arith::MaxSIOp>(l, twice, one);
    Value j = positiveRem(i, period);
    Value inside =
        b.create<arith::CmpIOp>(l, arith::CmpIPredicate::slt, j, size);
    return b.create<arith::SelectOp>(l, inside, j,
                                     b.create<arith::SubIOp>(l, period, j));
  }
  case moc::PadMode::constant:
    break;
  }
  llvm_unreachable("constant padding has no source index");
}

struct PadLowering : OpConversionPattern<moc::PadOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(moc::PadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = convertedResultType(*this, op);
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "unsupported result type");
    Value input = adaptor.getInput();
    int64_t rank = resultType.getRank();
    SmallVector<OpFoldResult> pads =
        getMixedValues(op.getPads(), adaptor.getDynamicPads(), rewriter);
    ArrayRef<OpFoldResult> before = ArrayRef(pads).take_front(rank);
    ArrayRef<OpFoldResult> after = ArrayRef(pads).drop_front(rank);
    moc::PadMode mode = op.getMode();

    if (mode == moc::PadMode::constant) {
      Value value = rewriter.create<tensor::ExtractOp>(loc, adaptor.getValue(),
                                                       ValueRange{});
      Value result = padConstant(rewriter, loc, input, before, after, value);
      replaceWith(rewriter, op, result, resultType);
      return success();
    }

    SmallVector<OpFoldResult> inputSizes = getSizes(rewriter, loc, input);
    SmallVector<OpFoldResult> sizes;
    SmallVector<Value> inputSizeValues;
    for (int64_t d = 0; d < rank; ++d) {
      sizes.push_back(addSizes(
          rewriter, loc, addSizes(rewriter, loc, inputSizes[d], before[d]),
          after[d]));
      inputSizeValues.push_back(
          getValueOrCreateConstantIndexOp(rewriter, loc, inputSizes[d]));
    }
    Value init = createEmpty(rewriter, loc, sizes, resultType.getElementType());
    Value result =
        rewriter
            .create<linalg::GenericOp>(
                loc, init.getType(), ValueRange{}, init,
                rewriter.getMultiDimIdentityMap(rank), parallelIterators(rank),
                [&](OpBuilder &b, Location l, ValueRange) {
                  SmallVector<Value> coordinates;
                  for (int64_t d = 0; d < rank; ++d) {
                    Value i = b.create<linalg::IndexOp>(l, d);
                    if (isConstantIntValue(before[d], 0) &&
                        isConstantIntValue(after[d], 0)) {
                      coordinates.push_back(i);
                      continue;
                    }
                    i = b.create<arith::SubIOp>(
                        l, i, getValueOrCreateConstantIndexOp(b, l, before[d]));
                    coordinates.push_back(
                        sourceIndex(b, l, mode, i, inputSizeValues[d]));
                  }
                  b.create<linalg::YieldOp>(
                      l, b.create<tensor::ExtractOp>(l, input, coordinates)
                             .getResult());
                })
            .getResult(0);
    replaceWith(rewriter, op, result, resultType);
    return success();
  }
};

/// A tensor.extract_slice the importer built (bounds read at run time) of a
/// tensor whose element type the lowering changes (unsigned to signless).
struct ExtractSliceTypes : OpConversionPattern<tensor::ExtractSliceOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(tensor::ExtractSliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = dyn_cast_or_null<RankedTensorType>(
        getTypeConverter()->convertType(op.getType()));
    if (!type)
      return rewriter.notifyMatchFailure(op, "unsupported result type");
    rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
        op, type, adaptor.getSource(), adaptor.getOffsets(), adaptor.getSizes(),
        adaptor.getStrides(), op.getStaticOffsets(), op.getStaticSizes(),
        op.getStaticStrides());
    return success();
  }
};

/// A tensor.dim the importer built of such a tensor.
struct DimTypes : OpConversionPattern<tensor::DimOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(tensor::DimOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<tensor::DimOp>(op, adaptor.getSource(),
                                               adaptor.getIndex());
    return success();
  }
};

} // namespace

void populateDataMovementPatterns(TypeConverter &converter,
                                  RewritePatternSet &patterns) {
  patterns.add<ReshapeLowering, BroadcastLowering, TransposeLowering,
               ConcatLowering, SliceLowering, GatherLowering, PadLowering,
               ExtractSliceTypes, DimTypes>(converter, patterns.getContext());
}

} // namespace mocc::moc_to_linalg
