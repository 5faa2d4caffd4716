//===- ParallelLoops.cpp - Kernel loops outlined for the thread pool ------===//
//
// Each scf.forall of the entry (a kernel mocc-fuse-kernels tiled) becomes a
// function over a range of its iterations, `(begin, end, captures...)`, and
// a call of it over all of them, `(0, trip count, captures...)`. The call is
// marked kParallelForAttr when the loop has the work to pay for a dispatch
// to the thread pool; mocc-lower-parallel-calls then splits its range among
// the pool's threads. Unmarked, or on one thread, it is one sequential call.
//
// A multi-dimensional loop is one range: its iterations are numbered in row
// major order and the function recovers each index. The stack buffers
// mocc-plan-arena put at the start of the loop's body are made once per
// call, before the loop over the range: each thread has its own.
//
//===----------------------------------------------------------------------===//
#include "mocc/Transforms/ParallelLoops.h"
#include "mocc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"

namespace mocc {
#define GEN_PASS_DEF_PARALLELLOOPSPASS
#include "mocc/Transforms/Passes.h.inc"
} // namespace mocc

using namespace mlir;

namespace mocc {
namespace {

/// The elements a loop computes, below which a dispatch to the pool's
/// threads (about a microsecond, and the other core's caches to fill) costs
/// more than it saves: a few microseconds of work on one thread.
constexpr int64_t kMinParallelWork = 32 * 1024;

/// The iterations of dimension `d` of `loop`, from its bounds as `value`
/// gives them.
Value tripsOf(OpBuilder &b, Location loc, scf::ForallOp loop, unsigned d,
              function_ref<Value(OpFoldResult)> value) {
  Value extent =
      b.createOrFold<arith::SubIOp>(loc, value(loop.getMixedUpperBound()[d]),
                                    value(loop.getMixedLowerBound()[d]));
  return b.createOrFold<arith::CeilDivSIOp>(loc, extent,
                                            value(loop.getMixedStep()[d]));
}

/// The iterations `loop` runs, as a value before it.
Value tripCount(OpBuilder &b, scf::ForallOp loop) {
  Location loc = loop.getLoc();
  auto value = [&](OpFoldResult bound) {
    return getValueOrCreateConstantIndexOp(b, loc, bound);
  };
  Value count = b.create<arith::ConstantIndexOp>(loc, 1);
  for (unsigned d = 0; d < loop.getRank(); ++d)
    count = b.createOrFold<arith::MulIOp>(loc, count,
                                          tripsOf(b, loc, loop, d, value));
  return count;
}

/// The elements the linalg ops of `loop` compute, or 0 if a size is known
/// at run time only.
int64_t workOf(scf::ForallOp loop) {
  std::optional<SmallVector<int64_t>> lower =
      getConstantIntValues(loop.getMixedLowerBound());
  std::optional<SmallVector<int64_t>> upper =
      getConstantIntValues(loop.getMixedUpperBound());
  std::optional<SmallVector<int64_t>> step =
      getConstantIntValues(loop.getMixedStep());
  if (!lower || !upper || !step)
    return 0;
  int64_t trips = 1;
  for (auto [l, u, s] : llvm::zip(*lower, *upper, *step))
    trips *= s > 0 ? std::max<int64_t>(0, llvm::divideCeil(u - l, s)) : 0;
  int64_t perIteration = 0;
  bool known = true;
  loop.walk([&](linalg::LinalgOp op) {
    int64_t elements = 1;
    for (int64_t range : op.getStaticLoopRanges()) {
      known &= !ShapedType::isDynamic(range);
      elements *= range;
    }
    perIteration += elements;
  });
  return known ? trips * perIteration : 0;
}

/// The indices of `loop` at iteration `linear` of its row-major numbering,
/// inside the function that `mapping` maps the loop's operands into.
SmallVector<Value> delinearize(OpBuilder &b, Location loc, scf::ForallOp loop,
                               Value linear, IRMapping &mapping) {
  auto value = [&](OpFoldResult bound) {
    return mapping.lookupOrDefault(
        getValueOrCreateConstantIndexOp(b, loc, bound));
  };
  SmallVector<Value> indices(loop.getRank());
  Value rest = linear;
  for (int64_t d = loop.getRank() - 1; d >= 0; --d) {
    Value position = rest;
    if (d > 0) {
      Value trips = tripsOf(b, loc, loop, d, value);
      position = b.createOrFold<arith::RemSIOp>(loc, rest, trips);
      rest = b.createOrFold<arith::DivSIOp>(loc, rest, trips);
    }
    Value offset = b.createOrFold<arith::MulIOp>(loc, position,
                                                 value(loop.getMixedStep()[d]));
    indices[d] = b.createOrFold<arith::AddIOp>(
        loc, offset, value(loop.getMixedLowerBound()[d]));
  }
  return indices;
}

/// Replaces `loop` by a call of a new function `name` over the range of its
/// iterations.
void outline(scf::ForallOp loop, StringRef name, SymbolTable &symbols) {
  MLIRContext *context = loop.getContext();
  Location loc = loop.getLoc();
  llvm::SetVector<Value> above;
  getUsedValuesDefinedAbove(loop.getRegion(), above);
  // Bounds known at run time only: the function computes the indices too.
  above.insert(loop->operand_begin(), loop->operand_end());

  OpBuilder b(context);
  IndexType index = b.getIndexType();
  auto func =
      func::FuncOp::create(loc, name, b.getFunctionType({index, index}, {}));
  func.setPrivate();
  // Internal: once the call is lowered, LLVM inlines it into its one caller.
  func->setAttr("llvm.linkage",
                LLVM::LinkageAttr::get(context, LLVM::Linkage::Internal));
  symbols.insert(func, Block::iterator(loop->getParentOfType<func::FuncOp>()));
  Block *entry = func.addEntryBlock();
  b.setInsertionPointToStart(entry);

  // The function takes what the entry's effects made (its arguments,
  // allocations) and makes again what pure ops compute from them: views of
  // the arena keep their constant offsets, from which LLVM sees that the
  // loop's buffers are apart.
  IRMapping mapping;
  SmallVector<Value> captures;
  std::function<Value(Value)> materialize = [&](Value value) -> Value {
    if (Value known = mapping.lookupOrNull(value))
      return known;
    Operation *def = value.getDefiningOp();
    if (def && def->getNumRegions() == 0 && isMemoryEffectFree(def)) {
      for (Value operand : def->getOperands())
        materialize(operand);
      b.clone(*def, mapping);
      return mapping.lookup(value);
    }
    captures.push_back(value);
    BlockArgument argument =
        entry->addArgument(value.getType(), value.getLoc());
    mapping.map(value, argument);
    return argument;
  };
  for (Value value : above)
    materialize(value);
  func.setType(b.getFunctionType(TypeRange(entry->getArgumentTypes()), {}));

  Block *body = loop.getBody();
  DenseSet<Operation *> perThread;
  for (auto alloca : body->getOps<memref::AllocaOp>())
    if (alloca->getNumOperands() == 0) {
      perThread.insert(alloca);
      mapping.map(alloca.getResult(), b.clone(*alloca)->getResult(0));
    }
  Value one = b.create<arith::ConstantIndexOp>(loc, 1);
  auto range = b.create<scf::ForOp>(loc, entry->getArgument(0),
                                    entry->getArgument(1), one);
  b.setInsertionPointToStart(range.getBody());
  for (auto [iv, index] :
       llvm::zip(loop.getInductionVars(),
                 delinearize(b, loc, loop, range.getInductionVar(), mapping)))
    mapping.map(iv, index);
  for (Operation &op : body->without_terminator())
    if (!perThread.contains(&op))
      b.clone(op, mapping);
  b.setInsertionPointToEnd(entry);
  b.create<func::ReturnOp>(loc);

  b.setInsertionPoint(loop);
  SmallVector<Value> operands = {b.create<arith::ConstantIndexOp>(loc, 0),
                                 tripCount(b, loop)};
  llvm::append_range(operands, captures);
  auto call = b.create<func::CallOp>(loc, func, operands);
  if (workOf(loop) >= kMinParallelWork)
    call->setAttr(kParallelForAttr, b.getUnitAttr());
  loop.erase();
}

struct ParallelLoopsPass : impl::ParallelLoopsPassBase<ParallelLoopsPass> {
  using ParallelLoopsPassBase::ParallelLoopsPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto entry = module.lookupSymbol<func::FuncOp>(entryName);
    if (!entry || entry.isExternal()) {
      module.emitError() << "expects an entry function '" << entryName << "'";
      return signalPassFailure();
    }
    SymbolTable symbols(module);
    SmallVector<scf::ForallOp> loops(
        entry.getBody().front().getOps<scf::ForallOp>());
    for (scf::ForallOp loop : loops)
      outline(loop, entryName + "_loop", symbols);
  }
};

} // namespace
} // namespace mocc
