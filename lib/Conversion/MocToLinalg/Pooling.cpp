//===- Pooling.cpp - Lowering of moc.max_pool and moc.average_pool --------===//
//
// An unpadded input is pooled with the named NC(D)HW window ops or an N-d
// window generic. With padding (including the extra end positions that
// ceil_mode windows reach) the generic reads through it: -inf for max, 0 for
// average. The average's divisor is the
// number of positions each window covers: inside the input only, or inside
// the explicitly padded input with count_include_pad; never the ceil_mode
// positions. It factors per spatial dimension, so it is one small constant
// vector per dimension.
//
//===----------------------------------------------------------------------===//
#include "Utils.h"
#include "mocc/Dialect/Moc/IR/MocOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace mocc::moc_to_linalg {
namespace {

/// The window geometry of a pooling op; `input` and `output` sizes may be
/// dynamic.
struct Window {
  SmallVector<int64_t> input, output, kernel, strides, dilations, pads,
      padBegin, padEnd;
  /// N x D1 x ... x Dn x C rather than N x C x D1 x ... x Dn.
  bool channelsLast = false;
  bool ceilMode = false;

  bool isDynamic() const {
    return llvm::any_of(input, ShapedType::isDynamic) ||
           llvm::any_of(output, ShapedType::isDynamic);
  }

  /// The result sizes over `input` (dynamic ones computed from it).
  SmallVector<OpFoldResult> resultSizes(OpBuilder &b, Location loc,
                                        RankedTensorType type,
                                        Value input) const {
    return getWindowResultSizes(
        b, loc, type, input,
        {firstSpatial(), kernel, strides, dilations, pads, ceilMode});
  }

  int64_t spatial() const { return input.size(); }
  /// The dimension of the first spatial size.
  int64_t firstSpatial() const { return channelsLast ? 1 : 2; }

  /// The end padding that makes every window fit: the explicit pads plus
  /// what ceil_mode windows reach beyond them.
  SmallVector<int64_t> requiredPadEnd() const {
    SmallVector<int64_t> pads;
    for (int64_t i = 0; i < spatial(); ++i) {
      // A ceil_mode window over a dynamic size may reach past the pads.
      if (ShapedType::isDynamic(input[i]) || ShapedType::isDynamic(output[i])) {
        pads.push_back(padEnd[i] + (ceilMode ? 1 : 0));
        continue;
      }
      int64_t needed =
          (output[i] - 1) * strides[i] + dilations[i] * (kernel[i] - 1) + 1;
      int64_t have = input[i] + padBegin[i] + padEnd[i];
      pads.push_back(padEnd[i] + std::max<int64_t>(0, needed - have));
    }
    return pads;
  }

  /// The positions the window at `o` along dimension `i` counts.
  int64_t count(int64_t i, int64_t o, bool includePad) const {
    int64_t lowest = includePad ? -padBegin[i] : 0;
    int64_t end = includePad ? input[i] + padEnd[i] : input[i];
    int64_t counted = 0;
    for (int64_t k = 0; k < kernel[i]; ++k) {
      int64_t p = o * strides[i] - padBegin[i] + k * dilations[i];
      counted += p >= lowest && p < end;
    }
    return counted;
  }
};

template <typename PoolOp>
Window getWindow(PoolOp op, RankedTensorType resultType) {
  auto inputType = cast<RankedTensorType>(op.getInput().getType());
  Window window;
  window.channelsLast = op.getChannelsLast();
  int64_t spatial = inputType.getRank() - 2;
  window.ceilMode = op.getCeilMode();
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t d = window.firstSpatial() + i;
    window.input.push_back(inputType.getDimSize(d));
    window.output.push_back(resultType.getDimSize(d));
  }
  window.kernel.assign(op.getKernelShape().begin(), op.getKernelShape().end());
  window.strides.assign(op.getStrides().begin(), op.getStrides().end());
  window.dilations.assign(op.getDilations().begin(), op.getDilations().end());
  window.padBegin.assign(op.getPads().begin(), op.getPads().begin() + spatial);
  window.padEnd.assign(op.getPads().begin() + spatial, op.getPads().end());
  window.pads.assign(op.getPads().begin(), op.getPads().end());
  return window;
}

enum class PoolKind { Max, Sum };

/// Pools `input` into `init` (N x C x O..., or N x O... x C with channels
/// last), reading positions outside the
/// input as `padValue`; integer maxima compare as unsigned if `isUnsigned`.
Value buildPool(OpBuilder &b, Location loc, PoolKind kind, Value input,
                Value init, const Window &window, Value padValue,
                bool isUnsigned = false) {
  MLIRContext *context = b.getContext();
  Type element = cast<RankedTensorType>(input.getType()).getElementType();
  Value shape = createEmpty(
      b, loc, getAsIndexOpFoldResult(context, window.kernel), element);
  Type initType = init.getType();
  Attribute strides = b.getI64TensorAttr(window.strides);
  Attribute dilations = b.getI64TensorAttr(window.dilations);
  int64_t spatial = window.spatial();
  auto isZero = [](int64_t pad) { return pad == 0; };
  bool padded = !llvm::all_of(window.padBegin, isZero) ||
                !llvm::all_of(window.requiredPadEnd(), isZero);
  // The named ops compare integers as signed: integers take the generic.
  bool named = isa<FloatType>(element) && !padded;
  SmallVector<Value> ins = {input, shape};
  if (named && window.channelsLast && kind == PoolKind::Max)
    return b
        .create<linalg::PoolingNhwcMaxOp>(loc, initType, ins, init, strides,
                                          dilations)
        .getResult(0);
  if (named && window.channelsLast && kind == PoolKind::Sum)
    return b
        .create<linalg::PoolingNhwcSumOp>(loc, initType, ins, init, strides,
                                          dilations)
        .getResult(0);
  named &= !window.channelsLast;
  if (named && spatial == 2 && kind == PoolKind::Max)
    return b
        .create<linalg::PoolingNchwMaxOp>(loc, initType, ins, init, strides,
                                          dilations)
        .getResult(0);
  if (named && spatial == 2 && kind == PoolKind::Sum)
    return b
        .create<linalg::PoolingNchwSumOp>(loc, initType, ins, init, strides,
                                          dilations)
        .getResult(0);
  if (named && spatial == 1 && kind == PoolKind::Max)
    return b
        .create<linalg::PoolingNcwMaxOp>(loc, initType, ins, init, strides,
                                         dilations)
        .getResult(0);
  if (named && spatial == 1 && kind == PoolKind::Sum)
    return b
        .create<linalg::PoolingNcwSumOp>(loc, initType, ins, init, strides,
                                         dilations)
        .getResult(0);

  // Loops (n, c, o1..on, k1..kn), or (n, o1..on, c, k1..kn) with channels
  // last; a padded input is read through the padding rather than being an
  // operand.
  int64_t loops = 2 + 2 * spatial;
  int64_t n = 0, c = window.channelsLast ? 1 + spatial : 1;
  auto outputLoop = [&](int64_t i) { return window.firstSpatial() + i; };
  auto kernelLoop = [&](int64_t i) { return 2 + spatial + i; };
  auto dim = [&](int64_t d) { return b.getAffineDimExpr(d); };
  SmallVector<AffineExpr> inputExprs = {dim(n)}, windowExprs,
                          outExprs = {dim(n)};
  if (!window.channelsLast) {
    inputExprs.push_back(dim(c));
    outExprs.push_back(dim(c));
  }
  for (int64_t i = 0; i < spatial; ++i) {
    AffineExpr o = dim(outputLoop(i)), k = dim(kernelLoop(i));
    inputExprs.push_back(o * window.strides[i] + k * window.dilations[i]);
    windowExprs.push_back(k);
    outExprs.push_back(o);
  }
  if (window.channelsLast) {
    inputExprs.push_back(dim(c));
    outExprs.push_back(dim(c));
  }
  SmallVector<AffineMap> maps = {AffineMap::get(loops, 0, windowExprs, context),
                                 AffineMap::get(loops, 0, outExprs, context)};
  if (padded)
    ins = {shape};
  else
    maps.insert(maps.begin(), AffineMap::get(loops, 0, inputExprs, context));
  SmallVector<utils::IteratorType> iterators = parallelIterators(2 + spatial);
  iterators.append(spatial, utils::IteratorType::reduction);
  return b
      .create<linalg::GenericOp>(
          loc, initType, ins, init, maps, iterators,
          [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
            Value acc = args.back();
            Value x = args.front();
            if (padded) {
              auto index = [&](int64_t d) {
                return nested.create<linalg::IndexOp>(nestedLoc, d).getResult();
              };
              SmallVector<Value> output, kernel;
              for (int64_t i = 0; i < spatial; ++i) {
                output.push_back(index(outputLoop(i)));
                kernel.push_back(index(kernelLoop(i)));
              }
              SmallVector<Value> leading = {index(n)}, trailing;
              (window.channelsLast ? trailing : leading).push_back(index(c));
              x = readThroughPadding(nested, nestedLoc, input, leading, output,
                                     kernel, trailing, window.strides,
                                     window.dilations, window.padBegin,
                                     padValue);
            }
            if (isa<FloatType>(x.getType()))
              x = convertFloat(nested, nestedLoc, x, acc.getType());
            Value result =
                kind == PoolKind::Max
                    ? createMax(nested, nestedLoc, acc, x, isUnsigned)
                    : createAdd(nested, nestedLoc, acc, x);
            nested.create<linalg::YieldOp>(nestedLoc, result);
          })
      .getResult(0);
}

struct MaxPoolLowering : OpConversionPattern<moc::MaxPoolOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(moc::MaxPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = convertedResultType(*this, op);
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "unsupported result type");
    Window window = getWindow(op, resultType);
    Type element = resultType.getElementType();
    bool isUnsigned = isUnsignedInteger(elementOf(op.getInput().getType()));
    Value lowest = lowestValue(rewriter, loc, element, isUnsigned);
    Value input = adaptor.getInput();
    Value init = createFilled(
        rewriter, loc, window.resultSizes(rewriter, loc, resultType, input),
        lowest);
    Value result = buildPool(rewriter, loc, PoolKind::Max, input, init, window,
                             lowest, isUnsigned);
    if (result.getType() != resultType)
      result = rewriter.create<tensor::CastOp>(loc, resultType, result);
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct AveragePoolLowering : OpConversionPattern<moc::AveragePoolOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(moc::AveragePoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *context = rewriter.getContext();
    auto resultType = convertedResultType(*this, op);
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "unsupported result type");
    Window window = getWindow(op, resultType);
    bool includePad = op.getCountIncludePad();
    // Over dynamic sizes, only windows that never overhang their (counted)
    // padding have a known size: the kernel's.
    bool padsCounted =
        includePad || llvm::all_of(window.pads, [](int64_t p) { return !p; });
    if (window.isDynamic() && (window.ceilMode || !padsCounted))
      return rewriter.notifyMatchFailure(
          op, "expects static spatial sizes for windows of varying size");
    Type element = resultType.getElementType();
    Type accType = computeTypeOf(element);
    Value input = adaptor.getInput();
    Value init = createFilled(
        rewriter, loc, window.resultSizes(rewriter, loc, resultType, input),
        scalarConstant(rewriter, loc, accType, 0));
    Value sum = buildPool(rewriter, loc, PoolKind::Sum, input, init, window,
                          scalarConstant(rewriter, loc, element, 0));

    // The divisor factors into one vector of window sizes per spatial
    // dimension; a scalar where every window has the same size.
    int64_t spatial = window.spatial(), rank = resultType.getRank();
    SmallVector<SmallVector<float>> counts(spatial);
    bool uniform = true;
    float uniformCount = 1;
    for (int64_t i = 0; i < spatial; ++i) {
      if (window.isDynamic()) {
        uniformCount *= window.kernel[i];
        continue;
      }
      for (int64_t o = 0; o < window.output[i]; ++o)
        counts[i].push_back(float(window.count(i, o, includePad)));
      uniform &= llvm::all_equal(counts[i]);
      if (!counts[i].empty())
        uniformCount *= counts[i].front();
    }
    SmallVector<Value> ins = {sum};
    SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(rank)};
    if (!uniform) {
      for (int64_t i = 0; i < spatial; ++i) {
        auto type = RankedTensorType::get({int64_t(counts[i].size())},
                                          rewriter.getF32Type());
        ins.push_back(rewriter.create<arith::ConstantOp>(
            loc, DenseElementsAttr::get(type, ArrayRef<float>(counts[i]))));
        maps.push_back(AffineMap::get(
            rank, 0, rewriter.getAffineDimExpr(window.firstSpatial() + i),
            context));
      }
    }
    Value result =
        buildMapped(rewriter, loc, sum, element, ins, maps,
                    [&](OpBuilder &b, Location l, ValueRange args) -> Value {
                      Value divisor;
                      if (uniform) {
                        divisor = scalarConstant(b, l, accType, uniformCount);
                      } else {
                        divisor = args[1];
                        for (int64_t i = 1; i < spatial; ++i)
                          divisor =
                              b.create<arith::MulFOp>(l, divisor, args[1 + i]);
                        divisor = convertFloat(b, l, divisor, accType);
                      }
                      Value mean = b.create<arith::DivFOp>(l, args[0], divisor);
                      return convertFloat(b, l, mean, element);
                    });
    if (result.getType() != resultType)
      result = rewriter.create<tensor::CastOp>(loc, resultType, result);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populatePoolingPatterns(TypeConverter &converter,
                             RewritePatternSet &patterns) {
  patterns.add<MaxPoolLowering, AveragePoolLowering>(converter,
                                                     patterns.getContext());
}

} // namespace mocc::moc_to_linalg
