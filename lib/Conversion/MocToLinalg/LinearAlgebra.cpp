//===- LinearAlgebra.cpp - Lowering of moc.matmul and moc.conv ------------===//
//
// Matrix products become linalg.matmul (batch dimensions folded into the rows
// when the right operand has none) or linalg.batch_matmul, with a
// broadcasting generic for the remaining cases. Convolutions pad their input
// with tensor.pad, start from the broadcast bias and use the named NCHW ops
// (plain, depthwise, grouped) where one fits, else a grouped N-d generic.
// 16-bit floats accumulate in f32.
//
//===----------------------------------------------------------------------===//
#include "Utils.h"
#include "mocc/Dialect/Moc/IR/MocOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <numeric>

using namespace mlir;

namespace mocc::moc_to_linalg {
namespace {

/// The reassociation that keeps the last `trailing` of `rank` dimensions and
/// collapses the others into the first group.
SmallVector<ReassociationIndices> collapseLeading(int64_t rank,
                                                  int64_t trailing) {
  SmallVector<ReassociationIndices> groups(1);
  for (int64_t d = 0; d <= rank - trailing - 1; ++d)
    groups[0].push_back(d);
  for (int64_t d = rank - trailing; d < rank; ++d) {
    if (groups[0].empty())
      groups[0].push_back(d);
    else
      groups.push_back({d});
  }
  return groups;
}

/// `acc + lhs * rhs` in the accumulator's type.
Value multiplyAccumulate(OpBuilder &b, Location loc, Value lhs, Value rhs,
                         Value acc) {
  Type type = acc.getType();
  if (isa<FloatType>(type)) {
    lhs = convertFloat(b, loc, lhs, type);
    rhs = convertFloat(b, loc, rhs, type);
  }
  return createAdd(b, loc, acc, createMul(b, loc, lhs, rhs));
}

//===----------------------------------------------------------------------===//
// MatMul
//===----------------------------------------------------------------------===//

struct MatMulLowering : OpConversionPattern<moc::MatMulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(moc::MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    auto lhsType = cast<RankedTensorType>(lhs.getType());
    auto rhsType = cast<RankedTensorType>(rhs.getType());
    auto resultType =
        getTypeConverter()->convertType<RankedTensorType>(op.getType());
    if (!resultType || lhsType.getRank() < 2 || rhsType.getRank() < 2)
      return rewriter.notifyMatchFailure(op, "expects operands of rank >= 2");
    if (lhsType.getElementType() != rhsType.getElementType())
      return rewriter.notifyMatchFailure(op, "expects one element type");
    Type element = resultType.getElementType();
    Type accType = computeTypeOf(element);
    int64_t rank = resultType.getRank();
    int64_t lhsRank = lhsType.getRank(), rhsRank = rhsType.getRank();

    // Result sizes; dynamic ones come from the operand that has them.
    SmallVector<OpFoldResult> sizes;
    for (int64_t d = 0; d < rank; ++d) {
      if (!resultType.isDynamicDim(d)) {
        sizes.push_back(rewriter.getIndexAttr(resultType.getDimSize(d)));
      } else if (d == rank - 2) {
        sizes.push_back(
            rewriter.create<tensor::DimOp>(loc, lhs, lhsRank - 2).getResult());
      } else if (d == rank - 1) {
        sizes.push_back(
            rewriter.create<tensor::DimOp>(loc, rhs, rhsRank - 1).getResult());
      } else {
        int64_t ld = d - (rank - lhsRank), rd = d - (rank - rhsRank);
        Value source = ld >= 0 && lhsType.isDynamicDim(ld) ? lhs : rhs;
        int64_t sd = source == lhs ? ld : rd;
        sizes.push_back(
            rewriter.create<tensor::DimOp>(loc, source, sd).getResult());
      }
    }
    Value zero = scalarConstant(rewriter, loc, accType, 0);

    ArrayRef<int64_t> lhsBatch = lhsType.getShape().drop_back(2);
    ArrayRef<int64_t> rhsBatch = rhsType.getShape().drop_back(2);
    Value product;
    if (llvm::all_of(rhsBatch, [](int64_t s) { return s == 1; })) {
      // Rows of every batch share one right operand: one 2-d matmul.
      if (rhsRank > 2)
        rhs = collapse(rewriter, loc, rhs, collapseLeading(rhsRank, 1));
      if (lhsRank > 2)
        lhs = collapse(rewriter, loc, lhs, collapseLeading(lhsRank, 1));
      Value init = createFilled(
          rewriter, loc,
          {tensor::getMixedSize(rewriter, loc, lhs, 0), sizes.back()}, zero);
      product = rewriter
                    .create<linalg::MatmulOp>(loc, init.getType(),
                                              ValueRange{lhs, rhs}, init)
                    .getResult(0);
      if (rank > 2)
        product =
            expand(rewriter, loc, product, collapseLeading(rank, 1), sizes);
    } else if (lhsRank == rhsRank && lhsBatch == rhsBatch &&
               llvm::none_of(lhsBatch, ShapedType::isDynamic)) {
      // Equal batches: one batch_matmul over the flattened batch.
      if (rank > 3) {
        lhs = collapse(rewriter, loc, lhs, collapseLeading(rank, 2));
        rhs = collapse(rewriter, loc, rhs, collapseLeading(rank, 2));
      }
      Value init = createFilled(rewriter, loc,
                                {tensor::getMixedSize(rewriter, loc, lhs, 0),
                                 sizes[rank - 2], sizes[rank - 1]},
                                zero);
      product = rewriter
                    .create<linalg::BatchMatmulOp>(loc, init.getType(),
                                                   ValueRange{lhs, rhs}, init)
                    .getResult(0);
      if (rank > 3)
        product =
            expand(rewriter, loc, product, collapseLeading(rank, 2), sizes);
    } else {
      product = buildBroadcastMatmul(rewriter, loc, lhs, rhs, sizes, zero,
                                     resultType.getShape());
    }
    product = convertElementType(rewriter, loc, product, element);
    if (product.getType() != resultType)
      product = rewriter.create<tensor::CastOp>(loc, resultType, product);
    rewriter.replaceOp(op, product);
    return success();
  }

  /// The general case: a generic over (batch..., m, n, k) whose batch
  /// indexing broadcasts like numpy.
  static Value buildBroadcastMatmul(OpBuilder &b, Location loc, Value lhs,
                                    Value rhs, ArrayRef<OpFoldResult> sizes,
                                    Value zero, ArrayRef<int64_t> shape) {
    MLIRContext *context = b.getContext();
    int64_t rank = sizes.size();
    ArrayRef<int64_t> batchShape = shape.drop_back(2);
    auto operandMap = [&](Value operand, bool isLhs) {
      auto type = cast<RankedTensorType>(operand.getType());
      AffineMap batch =
          broadcastMap(context, type.getShape().drop_back(2), batchShape);
      SmallVector<AffineExpr> exprs(batch.getResults());
      AffineExpr m = b.getAffineDimExpr(rank - 2);
      AffineExpr n = b.getAffineDimExpr(rank - 1);
      AffineExpr k = b.getAffineDimExpr(rank);
      exprs.push_back(isLhs ? m : k);
      exprs.push_back(isLhs ? k : n);
      return AffineMap::get(rank + 1, 0, exprs, context);
    };
    SmallVector<AffineExpr> outExprs;
    for (int64_t d = 0; d < rank; ++d)
      outExprs.push_back(b.getAffineDimExpr(d));
    SmallVector<AffineMap> maps = {
        operandMap(lhs, true), operandMap(rhs, false),
        AffineMap::get(rank + 1, 0, outExprs, context)};
    SmallVector<utils::IteratorType> iterators = parallelIterators(rank);
    iterators.push_back(utils::IteratorType::reduction);
    Value init = createFilled(b, loc, sizes, zero);
    return b
        .create<linalg::GenericOp>(
            loc, init.getType(), ValueRange{lhs, rhs}, init, maps, iterators,
            [](OpBuilder &nested, Location nestedLoc, ValueRange args) {
              nested.create<linalg::YieldOp>(
                  nestedLoc, multiplyAccumulate(nested, nestedLoc, args[0],
                                                args[1], args[2]));
            })
        .getResult(0);
  }
};

//===----------------------------------------------------------------------===//
// Conv
//===----------------------------------------------------------------------===//

struct ConvLowering : OpConversionPattern<moc::ConvOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(moc::ConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput(), weight = adaptor.getWeight();
    auto inputType = cast<RankedTensorType>(input.getType());
    auto weightType = cast<RankedTensorType>(weight.getType());
    auto resultType =
        getTypeConverter()->convertType<RankedTensorType>(op.getType());
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "unsupported result type");
    int64_t spatial = inputType.getRank() - 2;
    for (int64_t d = 1; d < resultType.getRank(); ++d)
      if (resultType.isDynamicDim(d) || inputType.isDynamicDim(d) ||
          weightType.isDynamicDim(d))
        return rewriter.notifyMatchFailure(
            op, "expects static channel and spatial sizes");
    int64_t group = op.getGroup();
    int64_t channels = inputType.getDimSize(1);
    int64_t filters = weightType.getDimSize(0);
    Type element = resultType.getElementType();
    Type accType = computeTypeOf(element);

    // Zero padding.
    ArrayRef<int64_t> pads = op.getPads();
    SmallVector<int64_t> low(2, 0), high(2, 0);
    llvm::append_range(low, pads.take_front(spatial));
    llvm::append_range(high, pads.drop_front(spatial));
    input = padConstant(rewriter, loc, input, low, high,
                        scalarConstant(rewriter, loc, element, 0));

    // The accumulator starts as the bias (or zero) in every position.
    SmallVector<OpFoldResult> sizes =
        getSizesLike(rewriter, loc, resultType, input);
    Value init;
    if (Value bias = adaptor.getBias()) {
      auto initType = RankedTensorType::get(resultType.getShape(), accType);
      MLIRContext *context = rewriter.getContext();
      SmallVector<AffineMap> maps = {
          AffineMap::get(resultType.getRank(), 0, rewriter.getAffineDimExpr(1),
                         context),
          rewriter.getMultiDimIdentityMap(resultType.getRank())};
      Value empty = createEmpty(rewriter, loc, sizes, accType);
      init = rewriter
                 .create<linalg::GenericOp>(
                     loc, initType, bias, empty, maps,
                     parallelIterators(resultType.getRank()),
                     [&](OpBuilder &b, Location nestedLoc, ValueRange args) {
                       b.create<linalg::YieldOp>(
                           nestedLoc,
                           convertFloat(b, nestedLoc, args[0], accType));
                     })
                 .getResult(0);
    } else {
      init = createFilled(rewriter, loc, sizes,
                          scalarConstant(rewriter, loc, accType, 0));
    }

    Attribute strides = rewriter.getI64TensorAttr(op.getStrides());
    Attribute dilations = rewriter.getI64TensorAttr(op.getDilations());
    Type initType = init.getType();
    Value result;
    if (group == 1 && spatial <= 3) {
      SmallVector<Value> ins = {input, weight};
      if (spatial == 1)
        result = rewriter
                     .create<linalg::Conv1DNcwFcwOp>(loc, initType, ins, init,
                                                     strides, dilations)
                     .getResult(0);
      else if (spatial == 2)
        result = rewriter
                     .create<linalg::Conv2DNchwFchwOp>(loc, initType, ins, init,
                                                       strides, dilations)
                     .getResult(0);
      else
        result = rewriter
                     .create<linalg::Conv3DNcdhwFcdhwOp>(
                         loc, initType, ins, init, strides, dilations)
                     .getResult(0);
    } else if (group == channels && filters == channels && spatial <= 3) {
      // Depthwise: drop the weight's unit channel dimension.
      SmallVector<ReassociationIndices> groups = {{0, 1}};
      for (int64_t d = 2; d < weightType.getRank(); ++d)
        groups.push_back({d});
      Value filter = collapse(rewriter, loc, weight, groups);
      SmallVector<Value> ins = {input, filter};
      if (spatial == 1)
        result = rewriter
                     .create<linalg::DepthwiseConv1DNcwCwOp>(
                         loc, initType, ins, init, strides, dilations)
                     .getResult(0);
      else if (spatial == 2)
        result = rewriter
                     .create<linalg::DepthwiseConv2DNchwChwOp>(
                         loc, initType, ins, init, strides, dilations)
                     .getResult(0);
      else
        result = rewriter
                     .create<linalg::DepthwiseConv3DNcdhwCdhwOp>(
                         loc, initType, ins, init, strides, dilations)
                     .getResult(0);
    } else {
      result = buildGroupedConv(rewriter, loc, op, input, weight, init);
    }
    result = convertElementType(rewriter, loc, result, element);
    if (result.getType() != resultType)
      result = rewriter.create<tensor::CastOp>(loc, resultType, result);
    rewriter.replaceOp(op, result);
    return success();
  }

  /// Splits dimension `dim` of `value` into (group, dim / group).
  static Value splitGroups(OpBuilder &b, Location loc, Value value, int64_t dim,
                           int64_t group) {
    auto type = cast<RankedTensorType>(value.getType());
    SmallVector<ReassociationIndices> groups;
    SmallVector<OpFoldResult> sizes;
    SmallVector<OpFoldResult> oldSizes = getSizes(b, loc, value);
    for (int64_t d = 0, r = 0; d < type.getRank(); ++d) {
      if (d == dim) {
        groups.push_back({r, r + 1});
        sizes.push_back(b.getIndexAttr(group));
        sizes.push_back(b.getIndexAttr(type.getDimSize(d) / group));
        r += 2;
      } else {
        groups.push_back({r++});
        sizes.push_back(oldSizes[d]);
      }
    }
    return expand(b, loc, value, groups, sizes);
  }

  /// Grouped convolution of any rank on the group-split operands: the named
  /// 2-d op where it exists, else a generic over
  /// (n, g, f, o1..on, c, k1..kn).
  static Value buildGroupedConv(OpBuilder &b, Location loc, moc::ConvOp op,
                                Value input, Value weight, Value init) {
    MLIRContext *context = b.getContext();
    int64_t group = op.getGroup();
    int64_t spatial = cast<RankedTensorType>(input.getType()).getRank() - 2;
    Value groupedInput = splitGroups(b, loc, input, 1, group);
    Value groupedWeight = splitGroups(b, loc, weight, 0, group);
    Value groupedInit = splitGroups(b, loc, init, 1, group);
    Type initType = groupedInit.getType();
    Value result;
    if (spatial == 2) {
      result = b.create<linalg::Conv2DNgchwGfchwOp>(
                    loc, initType, ValueRange{groupedInput, groupedWeight},
                    groupedInit, b.getI64TensorAttr(op.getStrides()),
                    b.getI64TensorAttr(op.getDilations()))
                   .getResult(0);
    } else {
      int64_t loops = 3 + 2 * spatial + 1;
      auto dim = [&](int64_t d) { return b.getAffineDimExpr(d); };
      AffineExpr n = dim(0), g = dim(1), f = dim(2), c = dim(3 + spatial);
      SmallVector<AffineExpr> inputExprs = {n, g, c};
      SmallVector<AffineExpr> weightExprs = {g, f, c};
      SmallVector<AffineExpr> outExprs = {n, g, f};
      for (int64_t i = 0; i < spatial; ++i) {
        AffineExpr o = dim(3 + i), k = dim(4 + spatial + i);
        inputExprs.push_back(o * op.getStrides()[i] + k * op.getDilations()[i]);
        weightExprs.push_back(k);
        outExprs.push_back(o);
      }
      SmallVector<AffineMap> maps = {
          AffineMap::get(loops, 0, inputExprs, context),
          AffineMap::get(loops, 0, weightExprs, context),
          AffineMap::get(loops, 0, outExprs, context)};
      SmallVector<utils::IteratorType> iterators =
          parallelIterators(3 + spatial);
      iterators.append(1 + spatial, utils::IteratorType::reduction);
      result =
          b.create<linalg::GenericOp>(
               loc, initType, ValueRange{groupedInput, groupedWeight},
               groupedInit, maps, iterators,
               [](OpBuilder &nested, Location nestedLoc, ValueRange args) {
                 nested.create<linalg::YieldOp>(
                     nestedLoc, multiplyAccumulate(nested, nestedLoc, args[0],
                                                   args[1], args[2]));
               })
              .getResult(0);
    }
    SmallVector<ReassociationIndices> groups = {{0}, {1, 2}};
    for (int64_t i = 0; i < spatial; ++i)
      groups.push_back({3 + i});
    return collapse(b, loc, result, groups);
  }
};

} // namespace

void populateLinearAlgebraPatterns(TypeConverter &converter,
                                   RewritePatternSet &patterns) {
  patterns.add<MatMulLowering, ConvLowering>(converter, patterns.getContext());
}

} // namespace mocc::moc_to_linalg
