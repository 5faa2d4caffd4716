//===- LinearAlgebra.cpp - Lowering of moc.matmul and moc.conv ------------===//
//
// Matrix products become linalg.matmul (batch dimensions folded into the rows
// when the right operand has none) or linalg.batch_matmul, with a
// broadcasting generic for the remaining cases. Convolutions start from the
// broadcast bias and use the named NCHW ops (plain, depthwise, grouped) or
// NHWC/FHWC op where one fits, else a window generic; a padded convolution
// is a generic that reads its input through the padding rather than from a
// padded copy.
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
    auto resultType = convertedResultType(*this, op);
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
    auto resultType = convertedResultType(*this, op);
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "unsupported result type");
    int64_t spatial = inputType.getRank() - 2;
    int64_t group = op.getGroup();
    bool channelsLast = op.getChannelsLast();
    int64_t channelDim = channelsLast ? inputType.getRank() - 1 : 1;
    // Batch and spatial sizes may be dynamic, channels and weights not.
    if (!weightType.hasStaticShape() || inputType.isDynamicDim(channelDim) ||
        resultType.isDynamicDim(channelDim))
      return rewriter.notifyMatchFailure(op, "expects static channels");
    int64_t channels = inputType.getDimSize(channelDim);
    int64_t filters = weightType.getDimSize(0);
    Type element = resultType.getElementType();
    Type accType = computeTypeOf(element);

    // The accumulator starts as the bias (or zero) in every position.
    int64_t firstSpatial = channelsLast ? 1 : 2;
    ArrayRef<int64_t> kernel =
        weightType.getShape().slice(channelsLast ? 1 : 2, spatial);
    SmallVector<OpFoldResult> sizes =
        getWindowResultSizes(rewriter, loc, resultType, input,
                             {firstSpatial, kernel, op.getStrides(),
                              op.getDilations(), op.getPads()});
    Value init;
    if (Value bias = adaptor.getBias()) {
      auto initType = RankedTensorType::get(resultType.getShape(), accType);
      MLIRContext *context = rewriter.getContext();
      SmallVector<AffineMap> maps = {
          AffineMap::get(resultType.getRank(), 0,
                         rewriter.getAffineDimExpr(channelDim), context),
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
    bool padded = llvm::any_of(op.getPads(), [](int64_t p) { return p != 0; });
    bool depthwise = group == channels && filters == channels;
    // A channels-last convolution of one group, or depthwise, reads a
    // zero-padded copy of its input: an op that reads its input through
    // index maps is what the CPU's convolution kernels take
    // (mocc-select-kernels); the copy is one pass over the input.
    bool padFirst = channelsLast && spatial == 2 && (group == 1 || depthwise);
    if (padded && padFirst) {
      ArrayRef<int64_t> pads = op.getPads();
      Type inputElement = inputType.getElementType();
      MLIRContext *context = rewriter.getContext();
      input =
          padConstant(rewriter, loc, input,
                      getAsIndexOpFoldResult(context, {0, pads[0], pads[1], 0}),
                      getAsIndexOpFoldResult(context, {0, pads[2], pads[3], 0}),
                      scalarConstant(rewriter, loc, inputElement, 0));
      padded = false;
    }
    Value result;
    if (channelsLast && depthwise && padFirst) {
      result = buildDepthwiseLast(rewriter, loc, op, input, weight, init);
    } else if (padded || (channelsLast && group != 1)) {
      result = buildWindowGeneric(rewriter, loc, op, input, weight, init);
    } else if (channelsLast) {
      result = rewriter
                   .create<linalg::Conv2DNhwcFhwcOp>(
                       loc, initType, ValueRange{input, weight}, init, strides,
                       dilations)
                   .getResult(0);
    } else if (group == 1 && spatial <= 3) {
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
    } else if (depthwise && spatial <= 3) {
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

  /// Any convolution, padded or not, in either layout: a generic over (n, f,
  /// o1..on, c, k1..kn), or (n, o1..on, f, k1..kn, c) with channels last,
  /// that reads input channel `f / (F/group) * (C/group) + c` through the
  /// padding, so that no padded copy of the input is made.
  /// A channels-last 2-d depthwise convolution of an input already padded:
  /// loops (n, oh, ow, kh, kw, c), channels innermost where they are
  /// contiguous, the weight [C][KH][KW][1] read at (c, kh, kw, 0).
  static Value buildDepthwiseLast(OpBuilder &b, Location loc, moc::ConvOp op,
                                  Value input, Value weight, Value init) {
    ArrayRef<int64_t> strides = op.getStrides(), dilations = op.getDilations();
    AffineExpr n, oh, ow, kh, kw, c;
    bindDims(b.getContext(), n, oh, ow, kh, kw, c);
    SmallVector<AffineMap> maps = {
        AffineMap::get(6, 0,
                       {n, oh * strides[0] + kh * dilations[0],
                        ow * strides[1] + kw * dilations[1], c},
                       b.getContext()),
        AffineMap::get(6, 0, {c, kh, kw, b.getAffineConstantExpr(0)},
                       b.getContext()),
        AffineMap::get(6, 0, {n, oh, ow, c}, b.getContext())};
    SmallVector<utils::IteratorType> iterators = parallelIterators(3);
    iterators.append(2, utils::IteratorType::reduction);
    iterators.push_back(utils::IteratorType::parallel);
    return b
        .create<linalg::GenericOp>(
            loc, init.getType(), ValueRange{input, weight}, init, maps,
            iterators,
            [](OpBuilder &nested, Location nestedLoc, ValueRange args) {
              nested.create<linalg::YieldOp>(
                  nestedLoc, multiplyAccumulate(nested, nestedLoc, args[0],
                                                args[1], args[2]));
            })
        .getResult(0);
  }

  static Value buildWindowGeneric(OpBuilder &b, Location loc, moc::ConvOp op,
                                  Value input, Value weight, Value init) {
    MLIRContext *context = b.getContext();
    auto inputType = cast<RankedTensorType>(input.getType());
    auto weightType = cast<RankedTensorType>(weight.getType());
    bool channelsLast = op.getChannelsLast();
    int64_t spatial = inputType.getRank() - 2;
    int64_t rank = weightType.getRank();
    int64_t filtersPerGroup = weightType.getDimSize(0) / op.getGroup();
    int64_t channelsPerGroup = weightType.getDimSize(channelsLast ? rank - 1 : 1);
    // A channels-last depthwise convolution has no channel loop and iterates
    // over its channels innermost, where they are contiguous:
    // (n, o1..on, k1..kn, f).
    bool depthwiseLast =
        channelsLast && channelsPerGroup == 1 && filtersPerGroup == 1;
    // Loop positions of n, f and c, and of o_i and k_i.
    int64_t n = 0;
    int64_t f = depthwiseLast ? 1 + 2 * spatial
                : channelsLast ? 1 + spatial
                               : 1;
    int64_t c = channelsLast ? 2 + 2 * spatial : 2 + spatial;
    auto outputLoop = [&](int64_t i) { return channelsLast ? 1 + i : 2 + i; };
    auto kernelLoop = [&](int64_t i) {
      return depthwiseLast  ? 1 + spatial + i
             : channelsLast ? 2 + spatial + i
                            : 3 + spatial + i;
    };
    int64_t loops = depthwiseLast ? 2 + 2 * spatial : 3 + 2 * spatial;
    auto dim = [&](int64_t d) { return b.getAffineDimExpr(d); };
    SmallVector<AffineExpr> weightExprs = {dim(f)}, outExprs = {dim(n)};
    if (!channelsLast) {
      weightExprs.push_back(dim(c));
      outExprs.push_back(dim(f));
    }
    for (int64_t i = 0; i < spatial; ++i) {
      weightExprs.push_back(dim(kernelLoop(i)));
      outExprs.push_back(dim(outputLoop(i)));
    }
    if (channelsLast) {
      weightExprs.push_back(depthwiseLast ? b.getAffineConstantExpr(0)
                                          : dim(c));
      outExprs.push_back(dim(f));
    }
    SmallVector<AffineMap> maps = {AffineMap::get(loops, 0, weightExprs, context),
                                   AffineMap::get(loops, 0, outExprs, context)};
    SmallVector<utils::IteratorType> iterators;
    if (depthwiseLast) {
      iterators = parallelIterators(1 + spatial);
      iterators.append(spatial, utils::IteratorType::reduction);
      iterators.push_back(utils::IteratorType::parallel);
    } else {
      iterators = parallelIterators(2 + spatial);
      iterators.append(1 + spatial, utils::IteratorType::reduction);
    }
    ArrayRef<int64_t> pads = op.getPads();
    return b
        .create<linalg::GenericOp>(
            loc, init.getType(), weight, init, maps, iterators,
            [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
              auto index = [&](int64_t d) {
                return nested.create<linalg::IndexOp>(nestedLoc, d).getResult();
              };
              auto constant = [&](int64_t value) {
                return nested.create<arith::ConstantIndexOp>(nestedLoc, value);
              };
              Value channel = index(depthwiseLast ? f : c);
              if (op.getGroup() != 1 && !depthwiseLast) {
                Value group = nested.create<arith::DivUIOp>(
                    nestedLoc, index(f), constant(filtersPerGroup));
                channel = nested.create<arith::AddIOp>(
                    nestedLoc,
                    nested.create<arith::MulIOp>(nestedLoc, group,
                                                 constant(channelsPerGroup)),
                    channel);
              }
              SmallVector<Value> output, kernel;
              for (int64_t i = 0; i < spatial; ++i) {
                output.push_back(index(outputLoop(i)));
                kernel.push_back(index(kernelLoop(i)));
              }
              SmallVector<Value> leading = {index(n)}, trailing;
              (channelsLast ? trailing : leading).push_back(channel);
              Value x = readThroughPadding(
                  nested, nestedLoc, input, leading, output, kernel, trailing,
                  op.getStrides(), op.getDilations(), pads.take_front(spatial),
                  scalarConstant(nested, nestedLoc, inputType.getElementType(),
                                 0));
              nested.create<linalg::YieldOp>(
                  nestedLoc,
                  multiplyAccumulate(nested, nestedLoc, x, args[0], args[1]));
            })
        .getResult(0);
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

//===----------------------------------------------------------------------===//
// ConvTranspose
//===----------------------------------------------------------------------===//

/// A transposed convolution is the convolution (stride 1, the same
/// dilations) of the input with `strides - 1` zeros inserted between its
/// elements, padded by `dilation * (kernel - 1) - pad` before and that plus
/// `output_padding` after (cropped where negative), with the weight's two
/// channel dimensions swapped per group and its kernel flipped. The
/// moc.conv this builds is lowered by ConvLowering.
struct ConvTransposeLowering : OpConversionPattern<moc::ConvTransposeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(moc::ConvTransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput(), weight = adaptor.getWeight();
    auto inputType = cast<RankedTensorType>(input.getType());
    auto weightType = cast<RankedTensorType>(weight.getType());
    int64_t rank = inputType.getRank(), spatial = rank - 2;
    for (int64_t d = 1; d < rank; ++d)
      if (inputType.isDynamicDim(d) || weightType.isDynamicDim(d) ||
          weightType.isDynamicDim(0))
        return rewriter.notifyMatchFailure(
            op, "expects static channel and spatial sizes");
    Type element = inputType.getElementType();
    ArrayRef<int64_t> strides = op.getStrides(), dilations = op.getDilations(),
                      pads = op.getPads(),
                      outputPadding = op.getOutputPadding();
    Value zero = scalarConstant(rewriter, loc, element, 0);

    // Zeros between the input elements.
    if (llvm::any_of(strides, [](int64_t s) { return s > 1; })) {
      SmallVector<OpFoldResult> sizes = getSizes(rewriter, loc, input);
      SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
      SmallVector<OpFoldResult> steps(rank, rewriter.getIndexAttr(1));
      SmallVector<OpFoldResult> spread(sizes);
      for (int64_t i = 0; i < spatial; ++i) {
        int64_t size = inputType.getDimSize(i + 2);
        spread[i + 2] =
            rewriter.getIndexAttr(size == 0 ? 0 : (size - 1) * strides[i] + 1);
        steps[i + 2] = rewriter.getIndexAttr(strides[i]);
      }
      Value zeros = createFilled(rewriter, loc, spread, zero);
      input = rewriter.create<tensor::InsertSliceOp>(loc, input, zeros, offsets,
                                                     sizes, steps);
    }

    // Padding of the equivalent convolution; negative amounts crop.
    SmallVector<int64_t> convPads(2 * spatial, 0);
    SmallVector<int64_t> cropLow(rank, 0), cropHigh(rank, 0);
    bool crop = false;
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t reach = dilations[i] * (weightType.getDimSize(i + 2) - 1);
      int64_t low = reach - pads[i];
      int64_t high = reach - pads[i + spatial] + outputPadding[i];
      convPads[i] = std::max<int64_t>(low, 0);
      convPads[i + spatial] = std::max<int64_t>(high, 0);
      cropLow[i + 2] = std::max<int64_t>(-low, 0);
      cropHigh[i + 2] = std::max<int64_t>(-high, 0);
      crop |= low < 0 || high < 0;
    }
    if (crop) {
      auto type = cast<RankedTensorType>(input.getType());
      SmallVector<OpFoldResult> sizes = getSizes(rewriter, loc, input);
      SmallVector<OpFoldResult> offsets, steps(rank, rewriter.getIndexAttr(1));
      SmallVector<int64_t> shape(type.getShape());
      for (int64_t d = 0; d < rank; ++d) {
        offsets.push_back(rewriter.getIndexAttr(cropLow[d]));
        if (d < 2)
          continue;
        shape[d] =
            std::max<int64_t>(0, type.getDimSize(d) - cropLow[d] - cropHigh[d]);
        sizes[d] = rewriter.getIndexAttr(shape[d]);
      }
      input = rewriter.create<tensor::ExtractSliceOp>(
          loc, RankedTensorType::get(shape, element), input, offsets, sizes,
          steps);
    }

    Value filter = transposeWeight(rewriter, loc, weight, op.getGroup());
    auto conv = rewriter.create<moc::ConvOp>(
        loc, input, filter, adaptor.getBias(), SmallVector<int64_t>(spatial, 1),
        dilations, convPads, op.getGroup());
    Value result = conv.getResult();
    if (result.getType() != op.getType())
      result = rewriter.create<tensor::CastOp>(loc, op.getType(), result);
    rewriter.replaceOp(op, result);
    return success();
  }

  /// (C, F/g, K...) -> (F, C/g, K...) with the kernel flipped:
  /// result[g * F/g + f, c, k] = weight[g * C/g + c, f, K - 1 - k].
  static Value transposeWeight(OpBuilder &b, Location loc, Value weight,
                               int64_t group) {
    MLIRContext *context = b.getContext();
    auto type = cast<RankedTensorType>(weight.getType());
    int64_t rank = type.getRank(), spatial = rank - 2;
    int64_t channels = type.getDimSize(0), groupFilters = type.getDimSize(1);
    int64_t groupChannels = channels / group;
    // Split the input channels into (group, C/g).
    SmallVector<ReassociationIndices> split = {{0, 1}};
    SmallVector<int64_t> splitShape = {group, groupChannels, groupFilters};
    for (int64_t d = 1; d < rank; ++d)
      split.push_back({d + 1});
    for (int64_t d = 2; d < rank; ++d)
      splitShape.push_back(type.getDimSize(d));
    Value grouped = b.create<tensor::ExpandShapeOp>(
        loc, RankedTensorType::get(splitShape, type.getElementType()), weight,
        split);
    // Loops (g, f, c, k...) over the result; read (g, c, f, K - 1 - k...).
    SmallVector<int64_t> outShape = {group, groupFilters, groupChannels};
    SmallVector<AffineExpr> readExprs = {
        b.getAffineDimExpr(0), b.getAffineDimExpr(2), b.getAffineDimExpr(1)};
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t kernel = type.getDimSize(i + 2);
      outShape.push_back(kernel);
      readExprs.push_back((kernel - 1) - b.getAffineDimExpr(3 + i));
    }
    int64_t loops = rank + 1;
    Value init = createEmpty(b, loc, getAsIndexOpFoldResult(context, outShape),
                             type.getElementType());
    Value moved =
        b.create<linalg::GenericOp>(
             loc, init.getType(), grouped, init,
             SmallVector<AffineMap>{
                 AffineMap::get(loops, 0, readExprs, context),
                 b.getMultiDimIdentityMap(loops)},
             parallelIterators(loops),
             [](OpBuilder &nested, Location nestedLoc, ValueRange args) {
               nested.create<linalg::YieldOp>(nestedLoc, args[0]);
             })
            .getResult(0);
    // Merge (group, F/g) into the filters.
    SmallVector<ReassociationIndices> merge = {{0, 1}};
    for (int64_t d = 2; d < loops; ++d)
      merge.push_back({d});
    return collapse(b, loc, moved, merge);
  }
};

} // namespace

void populateLinearAlgebraPatterns(TypeConverter &converter,
                                   RewritePatternSet &patterns) {
  patterns.add<MatMulLowering, ConvLowering, ConvTransposeLowering>(
      converter, patterns.getContext());
}

} // namespace mocc::moc_to_linalg
