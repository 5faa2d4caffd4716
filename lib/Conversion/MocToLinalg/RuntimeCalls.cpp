//===- RuntimeCalls.cpp - Ops lowered to calls of the runtime -------------===//
//
// Ops whose algorithm is sequential: non-max suppression, non-zero and
// unique, whose result lengths depend on the values, determinants (LU with
// pivoting), and the data-dependent sampling of RoiAlign and DeformConv. They run in the runtime (runtime/src/*.c): the operands
// are passed as buffers with result buffers large enough for every outcome,
// and the results are the prefixes the runtime reports.
//
//===----------------------------------------------------------------------===//
#include "Utils.h"
#include "mocc/Dialect/Moc/IR/MocOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace mocc::moc_to_linalg {
namespace {

/// The runtime function `name` of `type`, declared once per module, called
/// through MLIR's C interface (memrefs as descriptor pointers).
func::FuncOp declareRuntimeFunction(OpBuilder &b, Operation *user,
                                    llvm::StringRef name, FunctionType type) {
  auto module = user->getParentOfType<ModuleOp>();
  if (auto existing = module.lookupSymbol<func::FuncOp>(name))
    return existing;
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(module.getBody());
  auto function = b.create<func::FuncOp>(module.getLoc(), name, type);
  function.setPrivate();
  function->setAttr("llvm.emit_c_interface", b.getUnitAttr());
  return function;
}

/// The buffer of `tensor` as a memref of `dynamic` type.
Value bufferOf(OpBuilder &b, Location loc, Value tensor, Type dynamic) {
  auto type = cast<RankedTensorType>(tensor.getType());
  Value memref = b.create<bufferization::ToMemrefOp>(
      loc, MemRefType::get(type.getShape(), type.getElementType()), tensor);
  return b.create<memref::CastOp>(loc, dynamic, memref);
}

/// The first `count` (i64) entries along dimension `dim` of the buffer
/// `all`, which the runtime filled, as a tensor of `type`.
Value prefixOf(OpBuilder &b, Location loc, Value all, Value count,
               RankedTensorType type, int64_t dim = 0) {
  Value tensor = b.create<bufferization::ToTensorOp>(loc, all, /*restrict=*/true,
                                                     /*writable=*/true);
  auto allType = cast<MemRefType>(all.getType());
  SmallVector<OpFoldResult> offsets(allType.getRank(), b.getIndexAttr(0));
  SmallVector<OpFoldResult> strides(allType.getRank(), b.getIndexAttr(1));
  SmallVector<OpFoldResult> sizes;
  for (int64_t d = 0; d < allType.getRank(); ++d)
    sizes.push_back(d == dim ? OpFoldResult(b.create<arith::IndexCastOp>(
                                   loc, b.getIndexType(), count))
                             : OpFoldResult(b.getIndexAttr(allType.getDimSize(d))));
  return b.create<tensor::ExtractSliceOp>(loc, type, tensor, offsets, sizes,
                                          strides);
}

Value constantOf(OpBuilder &b, Location loc, TypedAttr value) {
  return b.create<arith::ConstantOp>(loc, value);
}

/// The memref type of any shape that a runtime function takes for `tensor`.
MemRefType dynamicMemRefOf(Value tensor) {
  auto type = cast<RankedTensorType>(tensor.getType());
  return MemRefType::get(
      SmallVector<int64_t>(type.getRank(), ShapedType::kDynamic),
      type.getElementType());
}

/// Replaces `op`, whose one result has a static shape, by a call of the
/// runtime function `name` that takes the buffers of `operands`, then a
/// fresh buffer for the result, then `scalars`, and fills the buffer.
void replaceByCallFillingResult(ConversionPatternRewriter &rewriter,
                                Operation *op, llvm::StringRef name,
                                ValueRange operands, ValueRange scalars) {
  Location loc = op->getLoc();
  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  Value result = rewriter.create<memref::AllocOp>(
      loc, MemRefType::get(resultType.getShape(), resultType.getElementType()));
  SmallVector<Value> arguments;
  for (Value operand : operands)
    arguments.push_back(
        bufferOf(rewriter, loc, operand, dynamicMemRefOf(operand)));
  MemRefType resultBuffer = dynamicMemRefOf(op->getResult(0));
  arguments.push_back(rewriter.create<memref::CastOp>(loc, resultBuffer, result));
  llvm::append_range(arguments, scalars);
  func::FuncOp function = declareRuntimeFunction(
      rewriter, op, name,
      rewriter.getFunctionType(ValueRange(arguments).getTypes(), {}));
  rewriter.create<func::CallOp>(loc, function, arguments);
  rewriter.replaceOpWithNewOp<bufferization::ToTensorOp>(
      op, result, /*restrict=*/true, /*writable=*/true);
}

struct NonMaxSuppressionLowering
    : OpConversionPattern<moc::NonMaxSuppressionOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(moc::NonMaxSuppressionOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto boxesType = cast<RankedTensorType>(adaptor.getBoxes().getType());
    auto scoresType = cast<RankedTensorType>(adaptor.getScores().getType());
    if (!boxesType.getElementType().isF32())
      return rewriter.notifyMatchFailure(op, "expects f32 boxes and scores");
    Type f32 = rewriter.getF32Type(), i64 = rewriter.getI64Type(),
         i32 = rewriter.getI32Type();
    auto floats = MemRefType::get(
        {ShapedType::kDynamic, ShapedType::kDynamic, ShapedType::kDynamic}, f32);
    auto rowsType = MemRefType::get({ShapedType::kDynamic, 3}, i64);
    func::FuncOp function = declareRuntimeFunction(
        rewriter, op, "nonMaxSuppression",
        rewriter.getFunctionType(
            {floats, floats, rowsType, i64, f32, f32, i32, i32}, {i64}));
    auto scalar = [&](Value tensor) -> Value {
      return rewriter.create<tensor::ExtractOp>(loc, tensor, ValueRange{});
    };
    // A limit below 0 selects nothing, as one of 0 does.
    Value limit = rewriter.create<arith::MaxSIOp>(
        loc, scalar(adaptor.getMaxOutputBoxesPerClass()),
        constantOf(rewriter, loc, rewriter.getI64IntegerAttr(0)));
    // Room for min(boxes, limit) rows per batch and class.
    Value perClass = rewriter.create<arith::IndexCastOp>(
        loc, rewriter.getIndexType(),
        rewriter.create<arith::MinSIOp>(
            loc, limit,
            constantOf(rewriter, loc,
                       rewriter.getI64IntegerAttr(boxesType.getDimSize(1)))));
    Value capacity = rewriter.create<arith::MulIOp>(
        loc, perClass,
        rewriter.create<arith::ConstantIndexOp>(
            loc, scoresType.getDimSize(0) * scoresType.getDimSize(1)));
    Value rows = rewriter.create<memref::AllocOp>(
        loc, MemRefType::get({ShapedType::kDynamic, 3}, i64),
        ValueRange{capacity});
    Value scoreThreshold = adaptor.getScoreThreshold();
    SmallVector<Value> arguments = {
        bufferOf(rewriter, loc, adaptor.getBoxes(), floats),
        bufferOf(rewriter, loc, adaptor.getScores(), floats),
        rows,
        limit,
        scalar(adaptor.getIouThreshold()),
        scoreThreshold ? scalar(scoreThreshold)
                       : constantOf(rewriter, loc, rewriter.getF32FloatAttr(0)),
        constantOf(rewriter, loc,
                   rewriter.getI32IntegerAttr(bool(scoreThreshold))),
        constantOf(rewriter, loc,
                   rewriter.getI32IntegerAttr(op.getCenterPointBox()))};
    Value count =
        rewriter.create<func::CallOp>(loc, function, arguments).getResult(0);
    rewriter.replaceOp(op, prefixOf(rewriter, loc, rows, count,
                                    cast<RankedTensorType>(op.getType())));
    return success();
  }
};

struct UniqueLowering : OpConversionPattern<moc::UniqueOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(moc::UniqueOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type i64 = rewriter.getI64Type(), i32 = rewriter.getI32Type();
    auto matrix =
        MemRefType::get({ShapedType::kDynamic, ShapedType::kDynamic}, i64);
    auto vector = MemRefType::get({ShapedType::kDynamic}, i64);
    func::FuncOp function = declareRuntimeFunction(
        rewriter, op, "uniqueRows",
        rewriter.getFunctionType({matrix, vector, vector, vector, i32, i32},
                                 {i64}));
    int64_t rows =
        cast<RankedTensorType>(adaptor.getKeys().getType()).getDimSize(0);
    auto rowsType = MemRefType::get({rows}, i64);
    Value first = rewriter.create<memref::AllocOp>(loc, rowsType);
    Value inverse = rewriter.create<memref::AllocOp>(loc, rowsType);
    Value counts = rewriter.create<memref::AllocOp>(loc, rowsType);
    SmallVector<Value> arguments = {
        bufferOf(rewriter, loc, adaptor.getKeys(), matrix),
        rewriter.create<memref::CastOp>(loc, vector, first),
        rewriter.create<memref::CastOp>(loc, vector, inverse),
        rewriter.create<memref::CastOp>(loc, vector, counts),
        constantOf(rewriter, loc, rewriter.getI32IntegerAttr(op.getSorted())),
        constantOf(rewriter, loc,
                   rewriter.getI32IntegerAttr(op.getFloatKeys()))};
    Value distinct =
        rewriter.create<func::CallOp>(loc, function, arguments).getResult(0);
    Value inverseTensor = rewriter.create<bufferization::ToTensorOp>(
        loc, inverse, /*restrict=*/true, /*writable=*/true);
    auto resultType = [&](Value result) {
      return cast<RankedTensorType>(result.getType());
    };
    rewriter.replaceOp(
        op, {prefixOf(rewriter, loc, first, distinct,
                      resultType(op.getFirst())),
             inverseTensor,
             prefixOf(rewriter, loc, counts, distinct,
                      resultType(op.getCounts()))});
    return success();
  }
};

struct DeterminantLowering : OpConversionPattern<moc::DeterminantOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(moc::DeterminantOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    replaceByCallFillingResult(rewriter, op, "determinants",
                               {adaptor.getInput()}, {});
    return success();
  }
};

struct RoiAlignLowering : OpConversionPattern<moc::RoiAlignOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(moc::RoiAlignOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value scalars[] = {
        constantOf(rewriter, loc, rewriter.getI32IntegerAttr(op.getMaxMode())),
        constantOf(rewriter, loc,
                   rewriter.getI32IntegerAttr(op.getHalfPixel())),
        constantOf(rewriter, loc,
                   rewriter.getI64IntegerAttr(op.getSamplingRatio())),
        constantOf(rewriter, loc,
                   rewriter.getF32FloatAttr(
                       op.getSpatialScale().convertToFloat()))};
    replaceByCallFillingResult(
        rewriter, op, "roiAlign",
        {adaptor.getInput(), adaptor.getRois(), adaptor.getBatchIndices()},
        scalars);
    return success();
  }
};

struct DeformConvLowering : OpConversionPattern<moc::DeformConvOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(moc::DeformConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    ArrayRef<int64_t> params = op.getParams();
    Value paramsTensor = rewriter.create<arith::ConstantOp>(
        op.getLoc(), DenseElementsAttr::get(
                         RankedTensorType::get({int64_t(params.size())},
                                               rewriter.getI64Type()),
                         params));
    replaceByCallFillingResult(
        rewriter, op, "deformConv",
        {adaptor.getInput(), adaptor.getWeight(), adaptor.getOffset(),
         adaptor.getMask(), adaptor.getBias(), paramsTensor},
        {});
    return success();
  }
};

struct NonZeroLowering : OpConversionPattern<moc::NonZeroOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(moc::NonZeroOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type i8 = rewriter.getI8Type(), i64 = rewriter.getI64Type();
    auto vector8 = MemRefType::get({ShapedType::kDynamic}, i8);
    auto vector64 = MemRefType::get({ShapedType::kDynamic}, i64);
    auto matrix =
        MemRefType::get({ShapedType::kDynamic, ShapedType::kDynamic}, i64);
    func::FuncOp function = declareRuntimeFunction(
        rewriter, op, "nonZero",
        rewriter.getFunctionType({vector8, vector64, matrix}, {i64}));
    // A byte per element, 1 where it is not zero, in row-major order.
    auto inputType = cast<RankedTensorType>(adaptor.getInput().getType());
    Type mocElement = elementOf(op.getInput().getType());
    Value mask = buildElementwise(
        rewriter, loc, inputType.clone(i8), adaptor.getInput(),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value nonZero = castScalar(b, l, args[0], mocElement, b.getI1Type(),
                                     b.getI1Type());
          return b.create<arith::ExtUIOp>(l, b.getI8Type(), nonZero);
        });
    SmallVector<ReassociationIndices> all = {
        llvm::to_vector(llvm::seq<int64_t>(0, inputType.getRank()))};
    Value flat = rewriter.create<tensor::CollapseShapeOp>(loc, mask, all);
    int64_t rank = inputType.getRank();
    Value dims = rewriter.create<arith::ConstantOp>(
        loc, DenseElementsAttr::get(RankedTensorType::get({rank}, i64),
                                    inputType.getShape()));
    Value all64 = rewriter.create<memref::AllocOp>(
        loc, MemRefType::get({rank, inputType.getNumElements()}, i64));
    SmallVector<Value> arguments = {
        bufferOf(rewriter, loc, flat, vector8),
        bufferOf(rewriter, loc, dims, vector64),
        rewriter.create<memref::CastOp>(loc, matrix, all64)};
    Value count =
        rewriter.create<func::CallOp>(loc, function, arguments).getResult(0);
    // The columns of the coordinates the runtime listed.
    rewriter.replaceOp(op, prefixOf(rewriter, loc, all64, count,
                                    cast<RankedTensorType>(op.getType()),
                                    /*dim=*/1));
    return success();
  }
};

} // namespace

void populateRuntimeCallPatterns(TypeConverter &converter,
                                 RewritePatternSet &patterns) {
  patterns.add<DeformConvLowering, DeterminantLowering,
               NonMaxSuppressionLowering, NonZeroLowering, RoiAlignLowering,
               UniqueLowering>(converter, patterns.getContext());
}

} // namespace mocc::moc_to_linalg
