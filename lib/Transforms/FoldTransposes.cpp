//===- FoldTransposes.cpp - Transposes as index maps of their neighbours --===//
//
// A transpose moves data only to change the layout another op reads or
// writes. Linalg ops address their operands through affine maps, so the
// transpose can become part of the map instead: its consumer reads the
// untransposed tensor in transposed order, or its producer writes in
// transposed order, or an op that reads single elements (tensor.extract, as a
// padded convolution does) permutes their indices. Attention heads ([seq,
// heads, dim] <-> [heads, seq, dim]) and a CNN's input in channels-last
// layout are the common cases; no kernel is left for the transpose itself.
// A named convolution keeps its transposed input and output: the
// convolution kernels read and write only channels-last.
//
//===----------------------------------------------------------------------===//
#include "mocc/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mocc {
#define GEN_PASS_DEF_FOLDTRANSPOSESPASS
#include "mocc/Transforms/Passes.h.inc"
} // namespace mocc

using namespace mlir;

namespace mocc {
namespace {

/// The map through which an op that reads `map` of a transpose's result
/// reads the transpose's input: input dimension `permutation[i]` is result
/// dimension `i`.
AffineMap readThroughTranspose(AffineMap map, ArrayRef<int64_t> permutation) {
  SmallVector<AffineExpr> results(map.getNumResults());
  for (auto [i, source] : llvm::enumerate(permutation))
    results[source] = map.getResult(i);
  return AffineMap::get(map.getNumDims(), 0, results, map.getContext());
}

/// `op` as a generic: itself, or the generic a named op generalizes to.
FailureOr<linalg::GenericOp> asGeneric(RewriterBase &rewriter,
                                       linalg::LinalgOp op) {
  if (auto generic = dyn_cast<linalg::GenericOp>(op.getOperation()))
    return generic;
  rewriter.setInsertionPoint(op);
  return linalg::generalizeNamedOp(rewriter, op);
}

/// consumer(transpose(x)) -> consumer reading x through a permuted map. Named
/// consumers become generics first.
struct FoldTransposeIntoConsumer : OpRewritePattern<linalg::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::TransposeOp transpose,
                                PatternRewriter &rewriter) const override {
    Value result = transpose->getResult(0);
    if (!result.hasOneUse())
      return rewriter.notifyMatchFailure(transpose, "expects one user");
    OpOperand &use = *result.getUses().begin();
    auto consumer = dyn_cast<linalg::LinalgOp>(use.getOwner());
    if (!consumer || !consumer.hasPureTensorSemantics() ||
        !consumer.isDpsInput(&use) || isa<linalg::TransposeOp>(consumer))
      return rewriter.notifyMatchFailure(transpose, "expects a linalg reader");
    // A named convolution goes to the convolution kernel, which reads its
    // input channels-last: one pass of the transpose costs less than the
    // generated loops a generic convolution becomes.
    if (isa<linalg::Conv2DNhwcFhwcOp>(consumer))
      return rewriter.notifyMatchFailure(transpose, "keeps a kernel's input");
    unsigned operand = use.getOperandNumber();
    FailureOr<linalg::GenericOp> generalized = asGeneric(rewriter, consumer);
    if (failed(generalized))
      return rewriter.notifyMatchFailure(transpose, "cannot generalize");
    linalg::GenericOp generic = *generalized;
    SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
    maps[operand] =
        readThroughTranspose(maps[operand], transpose.getPermutation());
    rewriter.modifyOpInPlace(generic, [&] {
      generic.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps));
      generic->setOperand(operand, transpose.getInput());
    });
    rewriter.eraseOp(transpose);
    return success();
  }
};

/// extract(transpose(x), i...) -> extract(x, permuted i...): a window op that
/// reads through padding (tensor.extract in its body) reads the untransposed
/// tensor.
struct FoldTransposeIntoExtracts : OpRewritePattern<linalg::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::TransposeOp transpose,
                                PatternRewriter &rewriter) const override {
    Value result = transpose->getResult(0);
    if (result.use_empty() ||
        !llvm::all_of(result.getUsers(), llvm::IsaPred<tensor::ExtractOp>))
      return rewriter.notifyMatchFailure(transpose, "expects element reads");
    ArrayRef<int64_t> permutation = transpose.getPermutation();
    for (Operation *user : llvm::to_vector(result.getUsers())) {
      auto extract = cast<tensor::ExtractOp>(user);
      SmallVector<Value> indices(permutation.size());
      for (auto [i, source] : llvm::enumerate(permutation))
        indices[source] = extract.getIndices()[i];
      rewriter.setInsertionPoint(extract);
      rewriter.replaceOpWithNewOp<tensor::ExtractOp>(
          extract, transpose.getInput(), indices);
    }
    rewriter.eraseOp(transpose);
    return success();
  }
};

/// transpose(generic(...)) -> a generic that writes in transposed order,
/// where the generic's init is an empty or filled tensor that can be made in
/// the transposed shape.
struct FoldTransposeIntoProducer : OpRewritePattern<linalg::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::TransposeOp transpose,
                                PatternRewriter &rewriter) const override {
    Value input = transpose.getInput();
    auto producer = input.getDefiningOp<linalg::LinalgOp>();
    if (!producer || !input.hasOneUse() || producer->getNumResults() != 1 ||
        !producer.hasPureTensorSemantics() || isa<linalg::TransposeOp>(producer))
      return rewriter.notifyMatchFailure(transpose, "expects a sole producer");
    // Likewise the convolution kernels write channels-last: a model's last
    // convolution, transposed to its NCHW output, keeps its kernel.
    if (isa<linalg::Conv2DNhwcFhwcOp>(producer))
      return rewriter.notifyMatchFailure(transpose, "keeps a kernel's output");
    Value init = producer.getDpsInits()[0];
    auto resultType = cast<RankedTensorType>(transpose->getResult(0).getType());
    Location loc = transpose.getLoc();
    rewriter.setInsertionPoint(producer);
    // The init's sizes in transposed order (run-time ones read from it).
    auto transposedEmpty = [&]() -> Value {
      SmallVector<OpFoldResult> sizes =
          tensor::getMixedSizes(rewriter, loc, init);
      SmallVector<OpFoldResult> permuted;
      for (int64_t source : transpose.getPermutation())
        permuted.push_back(sizes[source]);
      return rewriter.create<tensor::EmptyOp>(loc, permuted,
                                              resultType.getElementType());
    };
    Value transposedInit;
    if (init.getDefiningOp<tensor::EmptyOp>()) {
      transposedInit = transposedEmpty();
    } else if (auto fill = init.getDefiningOp<linalg::FillOp>();
               fill && fill.getOutputs()[0].getDefiningOp<tensor::EmptyOp>()) {
      transposedInit = rewriter
                           .create<linalg::FillOp>(loc, fill.getInputs()[0],
                                                   transposedEmpty())
                           .getResult(0);
    } else {
      return rewriter.notifyMatchFailure(transpose, "expects an empty init");
    }
    FailureOr<linalg::GenericOp> generalized = asGeneric(rewriter, producer);
    if (failed(generalized))
      return rewriter.notifyMatchFailure(transpose, "cannot generalize");
    linalg::GenericOp generic = *generalized;
    SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
    AffineMap written = maps.back();
    SmallVector<AffineExpr> results;
    for (int64_t source : transpose.getPermutation())
      results.push_back(written.getResult(source));
    maps.back() = AffineMap::get(written.getNumDims(), 0, results,
                                 rewriter.getContext());
    rewriter.setInsertionPoint(generic);
    auto transposed = rewriter.create<linalg::GenericOp>(
        generic.getLoc(), resultType, generic.getDpsInputs(), transposedInit,
        maps, generic.getIteratorTypesArray());
    rewriter.inlineRegionBefore(generic.getRegion(), transposed.getRegion(),
                                transposed.getRegion().end());
    rewriter.replaceOp(transpose, transposed->getResults());
    rewriter.eraseOp(generic);
    return success();
  }
};

struct FoldTransposesPass : impl::FoldTransposesPassBase<FoldTransposesPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldTransposeIntoConsumer, FoldTransposeIntoExtracts>(
        &getContext(), /*benefit=*/2);
    patterns.add<FoldTransposeIntoProducer>(&getContext());
    if (failed(applyPatternsAndFoldGreedily(getOperation(),
                                            std::move(patterns))))
      getOperation().emitWarning("transpose folding did not converge");
  }
};

} // namespace
} // namespace mocc
