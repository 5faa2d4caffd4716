//===- NonMaxSuppression.cpp - Lowering of moc.non_max_suppression --------===//
//
// The selection is sequential and its length depends on the scores, so it
// runs in the runtime (runtime/src/non_max_suppression.c): the boxes and
// scores are passed as buffers with a result buffer large enough for every
// possible selection, and the result is the prefix the runtime reports.
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

/// The runtime function, declared once per module.
constexpr llvm::StringLiteral kRuntimeFunction = "nonMaxSuppression";

func::FuncOp declareRuntimeFunction(OpBuilder &b, ModuleOp module) {
  if (auto existing = module.lookupSymbol<func::FuncOp>(kRuntimeFunction))
    return existing;
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(module.getBody());
  Type f32 = b.getF32Type(), i64 = b.getI64Type(), i32 = b.getI32Type();
  auto floats = MemRefType::get(
      {ShapedType::kDynamic, ShapedType::kDynamic, ShapedType::kDynamic}, f32);
  auto rows = MemRefType::get({ShapedType::kDynamic, 3}, i64);
  auto type = b.getFunctionType({floats, floats, rows, i64, f32, f32, i32, i32},
                                {i64});
  auto function =
      b.create<func::FuncOp>(module.getLoc(), kRuntimeFunction, type);
  function.setPrivate();
  function->setAttr("llvm.emit_c_interface", b.getUnitAttr());
  return function;
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
    func::FuncOp function = declareRuntimeFunction(
        rewriter, op->getParentOfType<ModuleOp>());
    FunctionType signature = function.getFunctionType();
    auto buffer = [&](Value tensor, RankedTensorType type, Type dynamic) {
      Value memref = rewriter.create<bufferization::ToMemrefOp>(
          loc, MemRefType::get(type.getShape(), type.getElementType()),
          tensor);
      return rewriter.create<memref::CastOp>(loc, dynamic, memref).getResult();
    };
    int64_t limit = op.getMaxOutputBoxesPerClass();
    int64_t perClass = std::min(boxesType.getDimSize(1), limit);
    int64_t capacity =
        scoresType.getDimSize(0) * scoresType.getDimSize(1) * perClass;
    auto rowsType = MemRefType::get({capacity, 3}, rewriter.getI64Type());
    Value rows = rewriter.create<memref::AllocOp>(loc, rowsType);
    auto constant = [&](Type type, Attribute value) {
      return rewriter.create<arith::ConstantOp>(loc, type, cast<TypedAttr>(value));
    };
    std::optional<APFloat> threshold = op.getScoreThreshold();
    SmallVector<Value> arguments = {
        buffer(adaptor.getBoxes(), boxesType, signature.getInput(0)),
        buffer(adaptor.getScores(), scoresType, signature.getInput(1)),
        rewriter.create<memref::CastOp>(loc, signature.getInput(2), rows),
        constant(rewriter.getI64Type(), rewriter.getI64IntegerAttr(limit)),
        constant(rewriter.getF32Type(),
                 rewriter.getF32FloatAttr(op.getIouThreshold().convertToFloat())),
        constant(rewriter.getF32Type(),
                 rewriter.getF32FloatAttr(
                     threshold ? threshold->convertToFloat() : 0.0f)),
        constant(rewriter.getI32Type(), rewriter.getI32IntegerAttr(bool(threshold))),
        constant(rewriter.getI32Type(),
                 rewriter.getI32IntegerAttr(op.getCenterPointBox()))};
    Value count =
        rewriter.create<func::CallOp>(loc, function, arguments).getResult(0);
    Value all = rewriter.create<bufferization::ToTensorOp>(
        loc, rows, /*restrict=*/true, /*writable=*/true);
    Value length = rewriter.create<arith::IndexCastOp>(
        loc, rewriter.getIndexType(), count);
    SmallVector<OpFoldResult> offsets = {rewriter.getIndexAttr(0),
                                         rewriter.getIndexAttr(0)};
    SmallVector<OpFoldResult> sizes = {length, rewriter.getIndexAttr(3)};
    SmallVector<OpFoldResult> strides = {rewriter.getIndexAttr(1),
                                         rewriter.getIndexAttr(1)};
    rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
        op, cast<RankedTensorType>(op.getType()), all, offsets, sizes, strides);
    return success();
  }
};

} // namespace

void populateNonMaxSuppressionPatterns(TypeConverter &converter,
                                       RewritePatternSet &patterns) {
  patterns.add<NonMaxSuppressionLowering>(converter, patterns.getContext());
}

} // namespace mocc::moc_to_linalg
