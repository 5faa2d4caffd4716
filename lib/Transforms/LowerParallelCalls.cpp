//===- LowerParallelCalls.cpp - Outlined loops onto the thread pool -------===//
//
// On the LLVM dialect, where memrefs are their descriptors' fields: each
// call marked kParallelForAttr, `@loop(0, count, captures...)`, becomes
//
//   closure = {captures...}                       // on the caller's stack
//   mocc_parallel_for(pool, count, @loop_chunk, &closure)
//
// with `@loop_chunk(closure, begin, end)` loading the captures and calling
// `@loop(begin, end, captures...)`: the runtime calls it once per thread,
// on a chunk of the range. The pool is the calling function's argument
// marked kThreadPoolArg.
//
//===----------------------------------------------------------------------===//
#include "mocc/Transforms/KernelCalls.h"
#include "mocc/Transforms/ParallelLoops.h"
#include "mocc/Transforms/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"

namespace mocc {
#define GEN_PASS_DEF_LOWERPARALLELCALLSPASS
#include "mocc/Transforms/Passes.h.inc"
} // namespace mocc

using namespace mlir;

namespace mocc {
namespace {

/// The runtime function that runs a chunked loop on a pool
/// (runtime/src/thread_pool.h).
constexpr llvm::StringLiteral kParallelForFunction = "mocc_parallel_for";

/// The argument of `func` marked as its thread pool, if it has one.
Value threadPoolOf(LLVM::LLVMFuncOp func) {
  for (unsigned i = 0; i < func.getNumArguments(); ++i)
    if (func.getArgAttr(i, kThreadPoolArg))
      return func.getArgument(i);
  return {};
}

/// `@<loop>_chunk(closure, begin, end)`: loads the fields of `closure`, a
/// `closureType`, and calls `loop(begin, end, fields...)`.
LLVM::LLVMFuncOp createChunk(OpBuilder &b, LLVM::LLVMFuncOp loop,
                             LLVM::LLVMStructType closureType,
                             SymbolTable &symbols) {
  Location loc = loop.getLoc();
  MLIRContext *context = b.getContext();
  auto pointer = LLVM::LLVMPointerType::get(context);
  auto i64 = b.getI64Type();
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(loop);
  auto chunk = b.create<LLVM::LLVMFuncOp>(
      loc, (loop.getName() + "_chunk").str(),
      LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(context),
                                  {pointer, i64, i64}),
      LLVM::Linkage::Internal);
  symbols.insert(chunk);
  Block *entry = chunk.addEntryBlock(b);
  b.setInsertionPointToStart(entry);
  SmallVector<Value> arguments = {entry->getArgument(1), entry->getArgument(2)};
  for (auto [i, type] : llvm::enumerate(closureType.getBody())) {
    Value field =
        b.create<LLVM::GEPOp>(loc, pointer, closureType, entry->getArgument(0),
                              ArrayRef<LLVM::GEPArg>{0, int32_t(i)});
    arguments.push_back(b.create<LLVM::LoadOp>(loc, type, field));
  }
  b.create<LLVM::CallOp>(loc, loop, arguments);
  b.create<LLVM::ReturnOp>(loc, ValueRange());
  return chunk;
}

struct LowerParallelCallsPass
    : impl::LowerParallelCallsPassBase<LowerParallelCallsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<LLVM::CallOp> calls;
    module.walk([&](LLVM::CallOp call) {
      if (call->hasAttr(kParallelForAttr))
        calls.push_back(call);
    });
    if (calls.empty())
      return;
    MLIRContext *context = &getContext();
    SymbolTable symbols(module);
    OpBuilder b(context);
    auto pointer = LLVM::LLVMPointerType::get(context);
    auto i64 = b.getI64Type();
    auto parallelFor =
        module.lookupSymbol<LLVM::LLVMFuncOp>(kParallelForFunction);
    if (!parallelFor) {
      b.setInsertionPointToEnd(module.getBody());
      parallelFor = b.create<LLVM::LLVMFuncOp>(
          module.getLoc(), kParallelForFunction,
          LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(context),
                                      {pointer, i64, pointer, pointer}));
    }
    for (LLVM::CallOp call : calls) {
      auto caller = call->getParentOfType<LLVM::LLVMFuncOp>();
      Value pool = threadPoolOf(caller);
      auto loop = call.getCallee()
                      ? module.lookupSymbol<LLVM::LLVMFuncOp>(*call.getCallee())
                      : LLVM::LLVMFuncOp();
      if (!pool || !loop || call.getNumOperands() < 2 ||
          !matchPattern(call.getOperand(0), m_Zero())) {
        call.emitError() << "internal error: a parallel call expects a "
                            "thread pool, its callee and a range from 0";
        return signalPassFailure();
      }
      SmallVector<Type> fields(TypeRange(call.getArgOperands().drop_front(2)));
      auto closureType = LLVM::LLVMStructType::getLiteral(context, fields);
      LLVM::LLVMFuncOp chunk = createChunk(b, loop, closureType, symbols);

      Location loc = call.getLoc();
      // In the entry block: the closure is one stack slot, not one per
      // execution of the call.
      b.setInsertionPointToStart(&caller.getBody().front());
      Value one = b.create<LLVM::ConstantOp>(loc, i64, b.getI64IntegerAttr(1));
      Value closure = b.create<LLVM::AllocaOp>(loc, pointer, closureType, one);
      b.setInsertionPoint(call);
      for (auto [i, value] :
           llvm::enumerate(call.getArgOperands().drop_front(2))) {
        Value field =
            b.create<LLVM::GEPOp>(loc, pointer, closureType, closure,
                                  ArrayRef<LLVM::GEPArg>{0, int32_t(i)});
        b.create<LLVM::StoreOp>(loc, value, field);
      }
      Value function = b.create<LLVM::AddressOfOp>(loc, chunk);
      b.create<LLVM::CallOp>(
          loc, parallelFor,
          ValueRange{pool, call.getOperand(1), function, closure});
      call.erase();
    }
  }
};

} // namespace
} // namespace mocc
