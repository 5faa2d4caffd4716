//===- Indexing.cpp - Lowering of element gathers and scatters ------------===//
//
// moc.gather_elements is a parallel linalg.generic over the indices whose
// body extracts the input at the indexed position. Scatters keep ONNX's
// sequential semantics (with duplicate indices the last update wins or all
// combine in order): an scf.for nest over the updates carries the result
// tensor, starting as the input, and writes one element (scatter_elements)
// or one slice (scatter_nd) per step with tensor.insert / insert_slice.
// Negative indices count from the end; out-of-range ones are clamped so no
// access leaves the tensor.
//
//===----------------------------------------------------------------------===//
#include "Utils.h"
#include "mocc/Dialect/Moc/IR/MocOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace mocc::moc_to_linalg {
namespace {

/// The index `raw` (any integer type) into a dimension of `size`: negative
/// values count from the end, the result is clamped to [0, size).
Value normalizeIndex(OpBuilder &b, Location l, Value raw, Value size) {
  Value index = b.create<arith::IndexCastOp>(l, b.getIndexType(), raw);
  Value zero = b.create<arith::ConstantIndexOp>(l, 0);
  Value negative =
      b.create<arith::CmpIOp>(l, arith::CmpIPredicate::slt, index, zero);
  index = b.create<arith::SelectOp>(
      l, negative, b.create<arith::AddIOp>(l, index, size), index);
  Value last =
      b.create<arith::SubIOp>(l, size, b.create<arith::ConstantIndexOp>(l, 1));
  return b.create<arith::MaxSIOp>(l, b.create<arith::MinSIOp>(l, index, last),
                                  zero);
}

/// `current` combined with `update` by `reduction` (not `none`).
Value combine(OpBuilder &b, Location l, moc::ScatterReduction reduction,
              Value current, Value update, bool isUnsigned) {
  switch (reduction) {
  case moc::ScatterReduction::add:
    return createAdd(b, l, current, update);
  case moc::ScatterReduction::mul:
    return createMul(b, l, current, update);
  case moc::ScatterReduction::max:
    return createMax(b, l, current, update, isUnsigned);
  case moc::ScatterReduction::min:
    return createMin(b, l, current, update, isUnsigned);
  case moc::ScatterReduction::none:
    break;
  }
  return update;
}

/// Builds an scf.for nest over `sizes` carrying `init`; `body` gets the
/// induction variables and the carried tensor and returns its next value.
Value buildLoopNest(
    OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes, Value init,
    function_ref<Value(OpBuilder &, Location, ValueRange, Value)> body) {
  SmallVector<Value> lbs, ubs, steps;
  Value zero = b.create<arith::ConstantIndexOp>(loc, 0);
  Value one = b.create<arith::ConstantIndexOp>(loc, 1);
  for (OpFoldResult size : sizes) {
    lbs.push_back(zero);
    ubs.push_back(getValueOrCreateConstantIndexOp(b, loc, size));
    steps.push_back(one);
  }
  scf::LoopNest nest =
      scf::buildLoopNest(b, loc, lbs, ubs, steps, ValueRange{init},
                         [&](OpBuilder &nested, Location l, ValueRange ivs,
                             ValueRange carried) -> scf::ValueVector {
                           return {body(nested, l, ivs, carried.front())};
                         });
  return nest.results.front();
}

//===----------------------------------------------------------------------===//
// GatherElements
//===----------------------------------------------------------------------===//

struct GatherElementsLowering : OpConversionPattern<moc::GatherElementsOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(moc::GatherElementsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = convertedResultType(*this, op);
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "unsupported result type");
    Value input = adaptor.getInput(), indices = adaptor.getIndices();
    int64_t axis = op.getAxis();
    int64_t rank = resultType.getRank();
    Value axisSize = getValueOrCreateConstantIndexOp(
        rewriter, loc, tensor::getMixedSize(rewriter, loc, input, axis));
    Value result = buildMapped(
        rewriter, loc, indices, resultType.getElementType(), indices,
        rewriter.getMultiDimIdentityMap(rank),
        [&](OpBuilder &b, Location l, ValueRange args) {
          SmallVector<Value> coordinates;
          for (int64_t d = 0; d < rank; ++d)
            coordinates.push_back(
                d == axis ? normalizeIndex(b, l, args[0], axisSize)
                          : b.create<linalg::IndexOp>(l, d).getResult());
          return b.create<tensor::ExtractOp>(l, input, coordinates).getResult();
        });
    if (result.getType() != resultType)
      result = rewriter.create<tensor::CastOp>(loc, resultType, result);
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// ScatterElements
//===----------------------------------------------------------------------===//

struct ScatterElementsLowering : OpConversionPattern<moc::ScatterElementsOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(moc::ScatterElementsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput(), indices = adaptor.getIndices(),
          updates = adaptor.getUpdates();
    int64_t axis = op.getAxis();
    bool isUnsigned = isUnsignedInteger(elementOf(op.getInput().getType()));
    moc::ScatterReduction reduction = op.getReduction();
    Value axisSize = getValueOrCreateConstantIndexOp(
        rewriter, loc, tensor::getMixedSize(rewriter, loc, input, axis));
    Value result = buildLoopNest(
        rewriter, loc, getSizes(rewriter, loc, indices), input,
        [&](OpBuilder &b, Location l, ValueRange ivs, Value current) {
          Value raw = b.create<tensor::ExtractOp>(l, indices, ivs);
          SmallVector<Value> coordinates(ivs);
          coordinates[axis] = normalizeIndex(b, l, raw, axisSize);
          Value update = b.create<tensor::ExtractOp>(l, updates, ivs);
          if (reduction != moc::ScatterReduction::none) {
            Value old = b.create<tensor::ExtractOp>(l, current, coordinates);
            update = combine(b, l, reduction, old, update, isUnsigned);
          }
          return b.create<tensor::InsertOp>(l, update, current, coordinates)
              .getResult();
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// ScatterND
//===----------------------------------------------------------------------===//

struct ScatterNDLowering : OpConversionPattern<moc::ScatterNDOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(moc::ScatterNDOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput(), indices = adaptor.getIndices(),
          updates = adaptor.getUpdates();
    auto inputType = cast<RankedTensorType>(input.getType());
    auto indicesType = cast<RankedTensorType>(indices.getType());
    int64_t rank = inputType.getRank();
    int64_t depth = indicesType.getDimSize(indicesType.getRank() - 1);
    int64_t tupleRank = indicesType.getRank() - 1;
    bool isUnsigned = isUnsignedInteger(elementOf(op.getInput().getType()));
    moc::ScatterReduction reduction = op.getReduction();
    SmallVector<OpFoldResult> inputSizes = getSizes(rewriter, loc, input);
    SmallVector<Value> inputSizeValues;
    for (OpFoldResult size : inputSizes)
      inputSizeValues.push_back(
          getValueOrCreateConstantIndexOp(rewriter, loc, size));
    SmallVector<OpFoldResult> tupleSizes = getSizes(rewriter, loc, indices);
    tupleSizes.pop_back();
    // The slice each tuple addresses: input.shape[depth:].
    SmallVector<OpFoldResult> sliceSizes(inputSizes.begin() + depth,
                                         inputSizes.end());
    auto sliceType = RankedTensorType::get(
        inputType.getShape().drop_front(depth), inputType.getElementType());

    Value result = buildLoopNest(
        rewriter, loc, tupleSizes, input,
        [&](OpBuilder &b, Location l, ValueRange ivs, Value current) {
          SmallVector<Value> position;
          for (int64_t j = 0; j < depth; ++j) {
            SmallVector<Value> at(ivs);
            at.push_back(b.create<arith::ConstantIndexOp>(l, j));
            Value raw = b.create<tensor::ExtractOp>(l, indices, at);
            position.push_back(normalizeIndex(b, l, raw, inputSizeValues[j]));
          }
          if (depth == rank) {
            // One element per tuple.
            Value update = b.create<tensor::ExtractOp>(l, updates, ivs);
            if (reduction != moc::ScatterReduction::none) {
              Value old = b.create<tensor::ExtractOp>(l, current, position);
              update = combine(b, l, reduction, old, update, isUnsigned);
            }
            return b.create<tensor::InsertOp>(l, update, current, position)
                .getResult();
          }
          // One slice per tuple.
          SmallVector<OpFoldResult> offsets(position.begin(), position.end());
          offsets.append(rank - depth, b.getIndexAttr(0));
          SmallVector<OpFoldResult> sizes(depth, b.getIndexAttr(1));
          llvm::append_range(sizes, sliceSizes);
          SmallVector<OpFoldResult> strides(rank, b.getIndexAttr(1));
          SmallVector<OpFoldResult> updateOffsets(ivs.begin(), ivs.end());
          updateOffsets.append(rank - depth, b.getIndexAttr(0));
          SmallVector<OpFoldResult> updateSizes(tupleRank, b.getIndexAttr(1));
          llvm::append_range(updateSizes, sliceSizes);
          SmallVector<OpFoldResult> updateStrides(tupleRank + rank - depth,
                                                  b.getIndexAttr(1));
          Value update = b.create<tensor::ExtractSliceOp>(
              l, sliceType, updates, updateOffsets, updateSizes, updateStrides);
          if (reduction != moc::ScatterReduction::none) {
            // Combined in place into the slice of the carried tensor.
            Value old = b.create<tensor::ExtractSliceOp>(
                l, sliceType, current, offsets, sizes, strides);
            AffineMap identity = b.getMultiDimIdentityMap(rank - depth);
            update = b.create<linalg::GenericOp>(
                          l, sliceType, update, old,
                          SmallVector<AffineMap>{identity, identity},
                          parallelIterators(rank - depth),
                          [&](OpBuilder &nb, Location nl, ValueRange args) {
                            nb.create<linalg::YieldOp>(
                                nl, combine(nb, nl, reduction, args[1], args[0],
                                            isUnsigned));
                          })
                         .getResult(0);
          }
          return b
              .create<tensor::InsertSliceOp>(l, update, current, offsets, sizes,
                                             strides)
              .getResult();
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateIndexingPatterns(TypeConverter &converter,
                              RewritePatternSet &patterns) {
  patterns
      .add<GatherElementsLowering, ScatterElementsLowering, ScatterNDLowering>(
          converter, patterns.getContext());
}

} // namespace mocc::moc_to_linalg
