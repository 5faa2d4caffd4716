//===- Scan.cpp - Lowering of moc.cumsum ----------------------------------===//
//
// A cumulative sum is an scf.for over the scanned dimension carrying the
// result and the running sum (a slice without that dimension): each step
// extracts one slice of the input, adds it with an elementwise generic and
// inserts the sum before (exclusive) or after adding. `reverse` walks the
// dimension from its end. 16-bit floats accumulate in f32 (the result is
// converted after the loop).
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

struct CumSumLowering : OpConversionPattern<moc::CumSumOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(moc::CumSumOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto type = cast<RankedTensorType>(input.getType());
    int64_t rank = type.getRank();
    int64_t axis = op.getAxis();
    bool exclusive = op.getExclusive(), reverse = op.getReverse();
    Type element = type.getElementType();
    Type accType = computeTypeOf(element);

    SmallVector<OpFoldResult> sizes = getSizes(rewriter, loc, input);
    SmallVector<OpFoldResult> sliceSizes(sizes);
    sliceSizes.erase(sliceSizes.begin() + axis);
    SmallVector<int64_t> sliceShape(type.getShape());
    sliceShape.erase(sliceShape.begin() + axis);
    auto sliceType = RankedTensorType::get(sliceShape, element);
    auto accSliceType = RankedTensorType::get(sliceShape, accType);

    Value zero = rewriter.create<arith::ConstantIndexOp>(loc, 0);
    Value one = rewriter.create<arith::ConstantIndexOp>(loc, 1);
    Value length = getValueOrCreateConstantIndexOp(rewriter, loc, sizes[axis]);
    // The result is built in the accumulator's type and converted once after
    // the loop: every value the loop carries stays in place.
    Value result = createEmpty(rewriter, loc, sizes, accType);
    Value running = createFilled(rewriter, loc, sliceSizes,
                                 scalarConstant(rewriter, loc, accType, 0));
    auto loop = rewriter.create<scf::ForOp>(
        loc, zero, length, one, ValueRange{result, running},
        [&](OpBuilder &b, Location l, Value i, ValueRange carried) {
          Value position =
              reverse ? b.create<arith::SubIOp>(
                            l, b.create<arith::SubIOp>(l, length, one), i)
                      : i;
          SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0));
          offsets[axis] = position;
          SmallVector<OpFoldResult> sizesAt(sizes);
          sizesAt[axis] = b.getIndexAttr(1);
          SmallVector<OpFoldResult> strides(rank, b.getIndexAttr(1));
          Value slice = b.create<tensor::ExtractSliceOp>(
              l, sliceType, input, offsets, sizesAt, strides);
          // The running sum is updated in place, so that the loop carries
          // one buffer for it.
          auto insert = [&](Value sum, Value into) -> Value {
            return b.create<tensor::InsertSliceOp>(l, sum, into, offsets,
                                                   sizesAt, strides);
          };
          Value next = exclusive ? insert(carried[1], carried[0]) : carried[0];
          AffineMap identity = b.getMultiDimIdentityMap(rank - 1);
          Value sum = b.create<linalg::GenericOp>(
                           l, accSliceType, slice, carried[1],
                           SmallVector<AffineMap>{identity, identity},
                           parallelIterators(rank - 1),
                           [&](OpBuilder &nb, Location nl, ValueRange args) {
                             Value x = args[0];
                             if (isa<FloatType>(accType))
                               x = convertFloat(nb, nl, x, accType);
                             nb.create<linalg::YieldOp>(
                                 nl, createAdd(nb, nl, args[1], x));
                           })
                          .getResult(0);
          if (!exclusive)
            next = insert(sum, next);
          b.create<scf::YieldOp>(l, ValueRange{next, sum});
        });
    Value output = loop.getResult(0);
    if (accType != element)
      output = convertElementType(rewriter, loc, output, element);
    auto resultType = convertedResultType(*this, op);
    if (resultType && output.getType() != resultType)
      output = rewriter.create<tensor::CastOp>(loc, resultType, output);
    rewriter.replaceOp(op, output);
    return success();
  }
};

} // namespace

void populateScanPatterns(TypeConverter &converter,
                          RewritePatternSet &patterns) {
  patterns.add<CumSumLowering>(converter, patterns.getContext());
}

} // namespace mocc::moc_to_linalg
