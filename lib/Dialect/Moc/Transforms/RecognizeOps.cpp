//===- RecognizeOps.cpp - Decomposed ops back into single ops -------------===//
//
// Exporters write some activations as a chain of primitive ops: GELU before
// ONNX had a Gelu op (opset 20) is x * 0.5 * (1 + erf(x / sqrt(2))), five
// ops. One moc.gelu is one elementwise op to fuse and one call to lower well.
//
//===----------------------------------------------------------------------===//
#include "mocc/Dialect/Moc/Transforms/Passes.h"

#include "mocc/Dialect/Moc/IR/MocOps.h"

#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace mocc::moc {
#define GEN_PASS_DEF_RECOGNIZEOPSPASS
#include "mocc/Dialect/Moc/Transforms/Passes.h.inc"
} // namespace mocc::moc

using namespace mlir;

namespace mocc::moc {
namespace {

/// Whether `value` is a constant whose every element is `expected`.
bool isSplat(Value value, double expected) {
  FloatAttr element;
  SplatElementsAttr splat;
  if (matchPattern(value, m_Constant(&splat)))
    element = dyn_cast<FloatAttr>(splat.getSplatValue<Attribute>());
  return element &&
         std::abs(element.getValueAsDouble() - expected) <= 1e-6 * expected;
}

/// The operand of a single-use binary `op` other than the one that is the
/// splat `constant`, or null.
template <typename BinaryOp>
Value otherThanSplat(Value value, double constant) {
  auto op = value.getDefiningOp<BinaryOp>();
  if (!op || !op->hasOneUse())
    return {};
  if (isSplat(op.getRhs(), constant))
    return op.getLhs();
  if (isSplat(op.getLhs(), constant))
    return op.getRhs();
  return {};
}

/// Whether `value` is 1 + erf(x / sqrt(2)) (or x * (1 / sqrt(2))), each
/// step used once.
bool isOnePlusErfOfScaled(Value value, Value x) {
  Value sum = otherThanSplat<AddOp>(value, 1.0);
  auto erf = sum ? sum.getDefiningOp<ErfOp>() : ErfOp();
  if (!erf || !erf->hasOneUse())
    return false;
  Value scaled = erf.getInput();
  if (auto div = scaled.getDefiningOp<DivOp>())
    return div->hasOneUse() && div.getLhs() == x &&
           isSplat(div.getRhs(), std::sqrt(2.0));
  return otherThanSplat<MulOp>(scaled, 1.0 / std::sqrt(2.0)) == x;
}

/// (x * (1 + erf(x / sqrt(2)))) * 0.5, with the three factors multiplied in
/// any order, is gelu(x).
struct RecognizeGelu : OpRewritePattern<MulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(MulOp outer,
                                PatternRewriter &rewriter) const override {
    // The three factors: the outer product's operands, one of which is the
    // inner product of the other two.
    for (auto [inner, third] : {std::pair(outer.getLhs(), outer.getRhs()),
                                std::pair(outer.getRhs(), outer.getLhs())}) {
      auto product = inner.getDefiningOp<MulOp>();
      if (!product || !product->hasOneUse())
        continue;
      Value factors[] = {product.getLhs(), product.getRhs(), third};
      for (int half = 0; half < 3; ++half) {
        if (!isSplat(factors[half], 0.5))
          continue;
        Value a = factors[(half + 1) % 3], b = factors[(half + 2) % 3];
        for (auto [x, erfPart] : {std::pair(a, b), std::pair(b, a)}) {
          if (x.getType() != outer.getType() ||
              !isOnePlusErfOfScaled(erfPart, x))
            continue;
          rewriter.replaceOpWithNewOp<GeluOp>(outer, x,
                                              rewriter.getBoolAttr(false));
          return success();
        }
      }
    }
    return rewriter.notifyMatchFailure(outer, "not the erf form of GELU");
  }
};

struct RecognizeOpsPass : impl::RecognizeOpsPassBase<RecognizeOpsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<RecognizeGelu>(&getContext());
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      getOperation().emitWarning("op recognition did not converge");
  }
};

} // namespace
} // namespace mocc::moc
