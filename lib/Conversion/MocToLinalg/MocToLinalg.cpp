//===- MocToLinalg.cpp - Lowering of moc to linalg ------------------------===//
//
// The type converter, the entry points that gather the patterns of every op
// family, and the pass that applies them.
//
//===----------------------------------------------------------------------===//
#include "mocc/Conversion/MocToLinalg/MocToLinalg.h"

#include "Utils.h"
#include "mocc/Conversion/Passes.h"
#include "mocc/Dialect/Moc/IR/MocOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"

namespace mocc {

#define GEN_PASS_DEF_CONVERTMOCTOLINALGPASS
#include "mocc/Conversion/Passes.h.inc"

using namespace mlir;

MocToLinalgTypeConverter::MocToLinalgTypeConverter() {
  addConversion([](Type type) { return type; });
  addConversion([](IntegerType type) -> Type {
    // 4- and 2-bit integers are stored one per byte (LowPrecision.cpp).
    if (moc_to_linalg::isStoredAsByte(type))
      return IntegerType::get(type.getContext(), 8);
    if (type.isSignless())
      return type;
    return IntegerType::get(type.getContext(), type.getWidth());
  });
  addConversion([](FloatType type) -> Type {
    if (moc_to_linalg::isFloat8(type))
      return IntegerType::get(type.getContext(), 8);
    return type;
  });
  addConversion([](Type type) -> std::optional<Type> {
    if (moc::isByteCodedFloat(type))
      return IntegerType::get(type.getContext(), 8);
    return std::nullopt;
  });
  addConversion([this](RankedTensorType type) -> Type {
    Type element = convertType(type.getElementType());
    if (!element)
      return {};
    return type.clone(element);
  });
  // Between a signed or unsigned tensor and its signless twin (at the edges
  // of partially converted code) only the type changes.
  auto cast = [](OpBuilder &builder, Type type, ValueRange inputs,
                 Location loc) -> std::optional<Value> {
    if (inputs.size() != 1)
      return std::nullopt;
    return builder.create<UnrealizedConversionCastOp>(loc, type, inputs.front())
        .getResult(0);
  };
  addSourceMaterialization(cast);
  addTargetMaterialization(cast);
}

void populateMocToLinalgPatterns(TypeConverter &typeConverter,
                                 RewritePatternSet &patterns) {
  using namespace moc_to_linalg;
  populateConstantPatterns(typeConverter, patterns);
  populateElementwisePatterns(typeConverter, patterns);
  populateLinearAlgebraPatterns(typeConverter, patterns);
  populatePoolingPatterns(typeConverter, patterns);
  populateNormalizationPatterns(typeConverter, patterns);
  populateReductionPatterns(typeConverter, patterns);
  populateDataMovementPatterns(typeConverter, patterns);
  populateIndexingPatterns(typeConverter, patterns);
  populateScanPatterns(typeConverter, patterns);
  populateResizePatterns(typeConverter, patterns);
  populateRuntimeCallPatterns(typeConverter, patterns);
  populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                 typeConverter);
  populateCallOpTypeConversionPattern(patterns, typeConverter);
  populateReturnOpTypeConversionPattern(patterns, typeConverter);
}

void configureMocToLinalgTarget(ConversionTarget &target,
                                TypeConverter &typeConverter) {
  target.addIllegalDialect<moc::MocDialect>();
  // Run-time checks stay for mocc-check-shapes.
  target.addLegalOp<moc::AssertEqualOp>();
  target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                         math::MathDialect, scf::SCFDialect,
                         tensor::TensorDialect>();
  target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp op) {
    return typeConverter.isSignatureLegal(op.getFunctionType()) &&
           typeConverter.isLegal(&op.getBody());
  });
  target.addDynamicallyLegalOp<func::ReturnOp, func::CallOp,
                               tensor::ExtractSliceOp, tensor::DimOp>(
      [&](Operation *op) { return typeConverter.isLegal(op); });
  target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
}

namespace {

struct ConvertMocToLinalgPass
    : impl::ConvertMocToLinalgPassBase<ConvertMocToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    MocToLinalgTypeConverter typeConverter;
    ConversionTarget target(*context);
    configureMocToLinalgTarget(target, typeConverter);
    RewritePatternSet patterns(context);
    populateMocToLinalgPatterns(typeConverter, patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
} // namespace mocc
