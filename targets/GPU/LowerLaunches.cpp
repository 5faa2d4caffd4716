//===- LowerLaunches.cpp - gpu.launch_func to the runtime's GPU calls -----===//
#include "mocc/Target/GPU/Passes.h"

#include "ArenaTransfers.h"
#include "KernelBuffers.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace mocc::gpu {
#define GEN_PASS_DEF_LOWERLAUNCHESPASS
#include "mocc/Target/GPU/Passes.h.inc"
} // namespace mocc::gpu

using namespace mlir;

namespace mocc::gpu {
namespace {

/// The address of `buffer`'s aligned pointer. Only memref.view moves it (by
/// its byte shift); other views keep their source's and change the offset,
/// which the kernel applies. MLIR's expand-strided-metadata would fold an
/// extraction from any view into one from its source, so the extraction is
/// made from the root buffer.
Value alignedAddress(OpBuilder &builder, Location loc, Value buffer) {
  SmallVector<Value> shifts;
  while (auto view = buffer.getDefiningOp<ViewLikeOpInterface>()) {
    if (auto byteView = dyn_cast<memref::ViewOp>(view.getOperation()))
      shifts.push_back(byteView.getByteShift());
    buffer = view.getViewSource();
  }
  Value address =
      builder.create<memref::ExtractAlignedPointerAsIndexOp>(loc, buffer);
  for (Value shift : shifts)
    address = builder.create<arith::AddIOp>(loc, address, shift);
  return address;
}

/// Whether `buffer` is a view of a constant global (a weight).
bool isConstantBuffer(Value buffer) {
  auto global = viewSource(buffer).getDefiningOp<memref::GetGlobalOp>();
  if (!global)
    return false;
  auto symbol = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
      global, global.getNameAttr());
  return symbol && symbol.getConstant();
}

func::FuncOp declareRuntimeFunction(ModuleOp module, StringRef name,
                                    TypeRange arguments) {
  if (auto existing = module.lookupSymbol<func::FuncOp>(name))
    return existing;
  OpBuilder builder = OpBuilder::atBlockEnd(module.getBody());
  auto function = builder.create<func::FuncOp>(
      module.getLoc(), name, builder.getFunctionType(arguments, {}));
  function.setPrivate();
  return function;
}

/// Dispatches and downloads return before they run: the host waits for
/// them (`mocc_gpu_sync`) before its next access to memory (a CPU kernel, a
/// load, a timer, the return), so the kernels between two accesses run as
/// one batch. Binds and uploads only join the batch.
void insertSyncs(func::FuncOp entry, func::FuncOp sync, Value gpu) {
  bool pending = false;
  for (Operation &op : llvm::make_early_inc_range(entry.getBody().front())) {
    auto call = dyn_cast<func::CallOp>(op);
    StringRef callee = call ? call.getCallee() : "";
    if (callee == "mocc_gpu_dispatch" || callee == "mocc_gpu_download") {
      pending = true;
      continue;
    }
    bool touchesMemory = !isMemoryEffectFree(&op) &&
                         callee != "mocc_gpu_bind" &&
                         callee != "mocc_gpu_upload";
    if (pending && (touchesMemory || op.hasTrait<OpTrait::IsTerminator>())) {
      OpBuilder(&op).create<func::CallOp>(op.getLoc(), sync, ValueRange{gpu});
      pending = false;
    }
  }
}

struct LowerLaunchesPass : impl::LowerLaunchesPassBase<LowerLaunchesPass> {
  using LowerLaunchesPassBase::LowerLaunchesPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *context = &getContext();
    auto entry = module.lookupSymbol<func::FuncOp>(entryName);
    if (!entry || entry.isExternal())
      return;
    OpBuilder builder(context);
    Type ptr = LLVM::LLVMPointerType::get(context);
    Type i64 = builder.getI64Type();

    // The kernels, numbered in module order, their binaries as globals.
    SmallVector<Attribute> table;
    llvm::StringMap<int64_t> kernelIndex;
    for (auto kernels : module.getOps<mlir::gpu::GPUModuleOp>()) {
      auto binary = kernels->getAttrOfType<StringAttr>(kBinaryAttr);
      if (!binary) {
        kernels.emitError("internal error: GPU kernel module not serialized");
        return signalPassFailure();
      }
      builder.setInsertionPoint(kernels);
      std::string global = ("mocc_gpu_binary_" + kernels.getName()).str();
      builder.create<LLVM::GlobalOp>(
          kernels.getLoc(),
          LLVM::LLVMArrayType::get(builder.getI8Type(), binary.size()),
          /*isConstant=*/true, LLVM::Linkage::Internal, global, binary,
          /*alignment=*/16);
      for (auto func : kernels.getOps<mlir::gpu::GPUFuncOp>()) {
        kernelIndex[(kernels.getName() + "::" + func.getName()).str()] =
            table.size();
        table.push_back(builder.getDictionaryAttr({
            builder.getNamedAttr("name", func.getNameAttr()),
            builder.getNamedAttr("binary", builder.getStringAttr(global)),
            builder.getNamedAttr(
                "buffers", builder.getI64IntegerAttr(func.getNumArguments())),
            builder.getNamedAttr(
                "block_size",
                builder.getI64IntegerAttr(func.getKnownBlockSize().value_or(
                    ArrayRef<int32_t>{1})[0])),
        }));
      }
    }
    module->setAttr(
        kKernelTableAttr,
        builder.getDictionaryAttr({
            builder.getNamedAttr("api", builder.getI32IntegerAttr(api)),
            builder.getNamedAttr("kernels", builder.getArrayAttr(table)),
        }));

    // The instance's mocc_gpu, after the thread pool.
    Location loc = entry.getLoc();
    entry.insertArgument(entry.getNumArguments(), ptr, {}, loc);
    Value gpu = entry.getArgument(entry.getNumArguments() - 1);
    // mocc-plan-arena put the arena argument before the thread pool's.
    Value arena = entry.getArgument(entry.getNumArguments() - 3);
    int64_t transfers = 0;
    func::FuncOp bind = declareRuntimeFunction(module, "mocc_gpu_bind",
                                               {ptr, i64, ptr, i64, i64});
    func::FuncOp dispatch = declareRuntimeFunction(module, "mocc_gpu_dispatch",
                                                   {ptr, i64, i64, i64, i64});

    func::FuncOp upload =
        declareRuntimeFunction(module, "mocc_gpu_upload", {ptr, ptr, i64});
    func::FuncOp download =
        declareRuntimeFunction(module, "mocc_gpu_download", {ptr, ptr, i64});
    ArenaTransferCounts arenaTransfers =
        insertArenaTransfers(entry, arena, gpu, upload, download);

    WalkResult walk = entry.walk([&](mlir::gpu::LaunchFuncOp launch) {
      auto func = SymbolTable::lookupNearestSymbolFrom<mlir::gpu::GPUFuncOp>(
          launch, launch.getKernel());
      builder.setInsertionPoint(launch);
      Location at = launch.getLoc();
      auto constant = [&](int64_t value) -> Value {
        return builder.create<arith::ConstantIntOp>(at, value, 64);
      };
      for (auto [slot, operand] : llvm::enumerate(launch.getKernelOperands())) {
        auto type = dyn_cast<MemRefType>(operand.getType());
        if (!type) {
          launch.emitError("internal error: a GPU kernel takes a non-buffer");
          return WalkResult::interrupt();
        }
        Value address = builder.create<arith::IndexCastUIOp>(
            at, i64, alignedAddress(builder, at, operand));
        if (viewSource(operand) != arena)
          ++transfers;
        int64_t flags = accessFlags(func.getArgument(slot)) |
                        (isConstantBuffer(operand) ? kConstant : 0);
        builder.create<func::CallOp>(
            at, bind,
            ValueRange{gpu, constant(slot),
                       builder.create<LLVM::IntToPtrOp>(at, ptr, address),
                       constant(spannedBytes(type)), constant(flags)});
      }
      mlir::gpu::KernelDim3 grid = launch.getGridSizeOperandValues();
      auto asI64 = [&](Value value) -> Value {
        return builder.create<arith::IndexCastUIOp>(at, i64, value);
      };
      int64_t index =
          kernelIndex.lookup((launch.getKernelModuleName().getValue() +
                              "::" + launch.getKernelName().getValue())
                                 .str());
      builder.create<func::CallOp>(at, dispatch,
                                   ValueRange{gpu, constant(index),
                                              asI64(grid.x), asI64(grid.y),
                                              asI64(grid.z)});
      launch.erase();
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();
    module->setAttr(kTransfersAttr, builder.getI64IntegerAttr(transfers));
    module->setAttr(kArenaUploadsAttr,
                    builder.getI64IntegerAttr(arenaTransfers.uploads));
    module->setAttr(kArenaDownloadsAttr,
                    builder.getI64IntegerAttr(arenaTransfers.downloads));
    insertSyncs(entry, declareRuntimeFunction(module, "mocc_gpu_sync", {ptr}),
                gpu);
    for (auto kernels :
         llvm::make_early_inc_range(module.getOps<mlir::gpu::GPUModuleOp>()))
      kernels.erase();
    module->removeAttr(mlir::gpu::GPUDialect::getContainerModuleAttrName());
  }
};

} // namespace
} // namespace mocc::gpu
