//===- VectorizableLoops.cpp - Linalg to loops LLVM vectorizes ------------===//
//
// What stays a linalg op after kernel selection becomes a scalar loop nest in
// the order of its iteration dimensions; LLVM's loop vectorizer then turns
// its innermost loop into vector code, if it can. This pass emits those loop
// nests (on buffers, in place of linalg-convert-to-loops) so that it can:
//
// - Nothing the innermost loop does not index is accessed in it. An input
//   read at the same place in every iteration (softmax's maximum and sum,
//   a broadcast bias) is loaded before it; a reduction's accumulators are
//   carried in registers (iter_args), loaded before and stored after it.
//   Loaded or stored inside, LLVM could not keep them out of the loop
//   without proving the output apart from the inputs, and would not
//   vectorize it. The output of a linalg op on buffers never aliases an
//   input it reads at another place (bufferization writes in place only
//   elementwise), so this is the same computation.
// - A reduction over a window (max pooling's 3x3, a depthwise convolution's
//   taps) whose data is contiguous along a parallel dimension (the channels,
//   channels-last) gets that dimension as its innermost loop: each step of
//   the window then updates a row of outputs.
// - A float reduction along the innermost loop is marked `reassoc`, which
//   the vectorizer needs to sum in another order; the result differs from
//   the sequential sum by rounding only.
//
//===----------------------------------------------------------------------===//
#include "mocc/Transforms/KernelCalls.h"
#include "mocc/Transforms/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

namespace mocc {
#define GEN_PASS_DEF_VECTORIZABLELOOPSPASS
#include "mocc/Transforms/Passes.h.inc"
} // namespace mocc

using namespace mlir;

namespace mocc {
namespace {

/// The loop indexing the last dimension of `operand`, if that dimension is
/// indexed by a loop alone and is contiguous in memory.
std::optional<unsigned> innermostLoopOf(linalg::LinalgOp op,
                                        OpOperand *operand) {
  auto type = dyn_cast<MemRefType>(operand->get().getType());
  if (!type || type.getRank() == 0 || !hasUnitInnerStride(type))
    return std::nullopt;
  auto loop = dyn_cast<AffineDimExpr>(
      op.getMatchingIndexingMap(operand).getResults().back());
  if (!loop)
    return std::nullopt;
  return loop.getPosition();
}

/// The input with the most elements (a dynamic size counts as the most)
/// that the body reads: the one whose reads decide which loop should be
/// innermost. A padded window's input is read by loads in the body, and its
/// window operand only gives the loops' ranges.
OpOperand *largestInput(linalg::LinalgOp op) {
  OpOperand *largest = nullptr;
  int64_t largestCount = -1;
  for (OpOperand *input : op.getDpsInputOperands()) {
    auto type = dyn_cast<MemRefType>(input->get().getType());
    if (!type || op.getMatchingBlockArgument(input).use_empty())
      continue;
    int64_t count = type.hasStaticShape() ? type.getNumElements()
                                          : std::numeric_limits<int64_t>::max();
    if (count > largestCount) {
      largest = input;
      largestCount = count;
    }
  }
  return largest;
}

/// The loop order that puts the contiguous parallel dimension of `op`'s
/// largest input (or, if the body reads none, of its output) and its output
/// innermost, if its innermost loop is a reduction; empty if the order
/// should stay.
SmallVector<unsigned> vectorizableOrder(linalg::LinalgOp op) {
  unsigned numLoops = op.getNumLoops();
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  if (op.getNumDpsInits() != 1 || numLoops < 2 ||
      iterators.back() != utils::IteratorType::reduction)
    return {};
  OpOperand *input = largestInput(op);
  std::optional<unsigned> loop =
      innermostLoopOf(op, input ? input : op.getDpsInitOperand(0));
  if (!loop || iterators[*loop] != utils::IteratorType::parallel ||
      innermostLoopOf(op, op.getDpsInitOperand(0)) != loop)
    return {};
  SmallVector<unsigned> order;
  for (unsigned d = 0; d < numLoops; ++d)
    if (d != *loop)
      order.push_back(d);
  order.push_back(*loop);
  return order;
}

/// Marks `reassoc` the float ops of `op`'s body that combine a value into
/// an accumulator (an output's block argument).
void allowReassociation(linalg::LinalgOp op) {
  for (BlockArgument accumulator : op.getRegionOutputArgs()) {
    if (!isa<FloatType>(accumulator.getType()))
      continue;
    for (Operation *user : accumulator.getUsers()) {
      auto fastMath = dyn_cast<arith::ArithFastMathInterface>(user);
      if (!fastMath)
        continue;
      arith::FastMathFlags flags = fastMath.getFastMathFlagsAttr().getValue();
      user->setAttr(fastMath.getFastMathAttrName(),
                    arith::FastMathFlagsAttr::get(
                        op->getContext(), flags | arith::FastMathFlags::reassoc));
    }
  }
}

/// The indices at which `op` reads or writes `operand` in the iteration
/// `loops`.
SmallVector<Value> indicesOf(OpBuilder &b, Location loc, linalg::LinalgOp op,
                             OpOperand *operand, ValueRange loops) {
  SmallVector<Value> indices;
  AffineMap map = op.getMatchingIndexingMap(operand);
  for (AffineExpr expr : map.getResults()) {
    if (auto loop = dyn_cast<AffineDimExpr>(expr))
      indices.push_back(loops[loop.getPosition()]);
    else
      indices.push_back(b.create<affine::AffineApplyOp>(
          loc, AffineMap::get(map.getNumDims(), 0, expr), loops));
  }
  return indices;
}

/// Whether `operand` of `op` is read or written at the same place in every
/// iteration of the innermost loop.
bool invariantInInnermostLoop(linalg::LinalgOp op, OpOperand *operand) {
  return !op.getMatchingIndexingMap(operand).isFunctionOfDim(
      op.getNumLoops() - 1);
}

/// Lowers `op` to scf.for loops in the order of its dimensions, like
/// linalg-convert-to-loops, except that what does not change in the
/// innermost loop stays out of it: the inputs it does not index are loaded
/// before it and, if it is a reduction, it carries the accumulators
/// (iter_args), loaded before and stored after it.
void lowerToLoops(RewriterBase &rewriter, linalg::LinalgOp op) {
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  SmallVector<Range> ranges = op.createLoopRanges(rewriter, loc);
  auto bound = [&](OpFoldResult value) {
    return getValueOrCreateConstantIndexOp(rewriter, loc, value);
  };
  SmallVector<Value> loops;
  for (const Range &range : ArrayRef(ranges).drop_back()) {
    auto loop = rewriter.create<scf::ForOp>(loc, bound(range.offset),
                                            bound(range.size),
                                            bound(range.stride));
    rewriter.setInsertionPointToStart(loop.getBody());
    loops.push_back(loop.getInductionVar());
  }
  // Loop-invariant operands are indexed with any value of the innermost loop.
  SmallVector<Value> outerLoops(loops);
  outerLoops.push_back(bound(ranges.back().offset));
  auto load = [&](OpBuilder &b, Location l, OpOperand *operand,
                  ValueRange at) -> Value {
    Value value = operand->get();
    if (!isa<MemRefType>(value.getType()))
      return value;
    return b.create<memref::LoadOp>(l, value, indicesOf(b, l, op, operand, at));
  };
  IRMapping invariants;
  for (OpOperand *input : op.getDpsInputOperands())
    if (invariantInInnermostLoop(op, input))
      invariants.map(op.getMatchingBlockArgument(input),
                     load(rewriter, loc, input, outerLoops));
  bool reduces = op.getIteratorTypesArray().back() ==
                 utils::IteratorType::reduction;
  SmallVector<Value> accumulators;
  if (reduces)
    for (OpOperand &output : op.getDpsInitsMutable())
      accumulators.push_back(load(rewriter, loc, &output, outerLoops));

  Block *body = op.getBlock();
  const Range &innermost = ranges.back();
  auto loop = rewriter.create<scf::ForOp>(
      loc, bound(innermost.offset), bound(innermost.size),
      bound(innermost.stride), accumulators,
      [&](OpBuilder &b, Location l, Value iv, ValueRange carried) {
        SmallVector<Value> allLoops(loops);
        allLoops.push_back(iv);
        IRMapping mapping = invariants;
        for (OpOperand *input : op.getDpsInputOperands())
          if (!invariantInInnermostLoop(op, input))
            mapping.map(op.getMatchingBlockArgument(input),
                        load(b, l, input, allLoops));
        for (OpOperand &output : op.getDpsInitsMutable()) {
          BlockArgument argument = op.getMatchingBlockArgument(&output);
          if (reduces)
            mapping.map(argument, carried[output.getOperandNumber() -
                                          op.getNumDpsInputs()]);
          else if (!argument.use_empty())
            mapping.map(argument, load(b, l, &output, allLoops));
        }
        for (Operation &nested : body->without_terminator()) {
          if (auto index = dyn_cast<linalg::IndexOp>(nested))
            mapping.map(index.getResult(), allLoops[index.getDim()]);
          else
            b.clone(nested, mapping);
        }
        SmallVector<Value> results = llvm::map_to_vector(
            body->getTerminator()->getOperands(),
            [&](Value yielded) { return mapping.lookupOrDefault(yielded); });
        if (reduces) {
          b.create<scf::YieldOp>(l, results);
          return;
        }
        for (auto [output, result] :
             llvm::zip(op.getDpsInitsMutable(), results))
          b.create<memref::StoreOp>(l, result, output.get(),
                                    indicesOf(b, l, op, &output, allLoops));
        b.create<scf::YieldOp>(l);
      });
  if (reduces)
    for (auto [output, result] :
         llvm::zip(op.getDpsInitsMutable(), loop.getResults()))
      rewriter.create<memref::StoreOp>(
          loc, result, output.get(),
          indicesOf(rewriter, loc, op, &output, outerLoops));
  rewriter.eraseOp(op);
}

struct VectorizableLoopsPass
    : impl::VectorizableLoopsPassBase<VectorizableLoopsPass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) {
      // linalg.map, transpose and broadcast have no block argument per
      // operand: they stay for linalg-convert-to-loops.
      if (op.hasPureBufferSemantics() && op.getNumLoops() > 0 &&
          op.getBlock()->getNumArguments() == op->getNumOperands())
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : ops) {
      SmallVector<unsigned> order = vectorizableOrder(op);
      if (!order.empty()) {
        rewriter.setInsertionPoint(op);
        auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
        if (!generic) {
          FailureOr<linalg::GenericOp> generalized =
              linalg::generalizeNamedOp(rewriter, op);
          if (failed(generalized))
            continue;
          generic = *generalized;
        }
        FailureOr<linalg::GenericOp> interchanged =
            linalg::interchangeGenericOp(rewriter, generic, order);
        op = succeeded(interchanged) ? cast<linalg::LinalgOp>(**interchanged)
                                     : cast<linalg::LinalgOp>(*generic);
      }
      if (op.getNumReductionLoops() > 0)
        allowReassociation(op);
      lowerToLoops(rewriter, op);
    }
  }
};

} // namespace
} // namespace mocc
