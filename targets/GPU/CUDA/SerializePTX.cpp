//===- SerializePTX.cpp - gpu.module to PTX with LLVM's NVPTX back end ----===//
//
// Like the SPIR-V serializer, each gpu.module is compiled from a copy in a
// scratch module, so that the host keeps its launch targets until
// mocc-gpu-lower-launches replaces them.
//
//===----------------------------------------------------------------------===//
#include "../KernelBuffers.h"
#include "mocc/Target/GPU/Passes.h"
#include "mocc/Target/OptimizeLLVM.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/GPUCommon/GPUCommonPass.h"
#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/LLVMCommon/ConversionTarget.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "mlir/Transforms/DialectConversion.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/ADT/SmallBitVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"

namespace mocc::gpu {
#define GEN_PASS_DEF_SERIALIZEPTXPASS
#include "mocc/Target/GPU/Passes.h.inc"
} // namespace mocc::gpu

using namespace mlir;

namespace mocc::gpu {
namespace {

constexpr llvm::StringLiteral kTriple = "nvptx64-nvidia-cuda";

/// The alignment PTX's vector loads need (ld.v4 of 32-bit values).
constexpr int64_t kVectorLoadAlignment = 16;

/// Per kernel ("module::function"), which of its arguments every launch
/// binds 16-byte aligned. The runtime's own memory is (the arena, and the
/// cuMemAlloc copies of inputs, outputs and weights); a memref.view moves
/// the pointer by its byte shift (the arena plan's offset), which must be a
/// multiple of 16 too.
using AlignedArguments = llvm::StringMap<llvm::SmallBitVector>;
AlignedArguments alignedArguments(ModuleOp module) {
  AlignedArguments aligned;
  module.walk([&](mlir::gpu::LaunchFuncOp launch) {
    std::string kernel = (launch.getKernelModuleName().getValue() +
                          "::" + launch.getKernelName().getValue())
                             .str();
    llvm::SmallBitVector bits(launch.getNumKernelOperands());
    for (auto [position, buffer] :
         llvm::enumerate(launch.getKernelOperands())) {
      std::optional<int64_t> shift = alignedPointerShift(buffer);
      bits[position] = isa<MemRefType>(buffer.getType()) && shift &&
                       *shift % kVectorLoadAlignment == 0;
    }
    auto [known, inserted] = aligned.try_emplace(kernel, bits);
    if (!inserted)
      known->second &= bits;
  });
  return aligned;
}

/// Marks the kernels' pointer arguments that `aligned` says are 16-byte
/// aligned, which lets LLVM load a thread's four staged neighbours
/// (TileProducts.cpp) as one vector.
void markAlignedArguments(mlir::gpu::GPUModuleOp kernels,
                          const AlignedArguments &aligned) {
  Builder builder(kernels.getContext());
  kernels.walk([&](LLVM::LLVMFuncOp func) {
    auto bits = aligned.find((kernels.getName() + "::" + func.getName()).str());
    if (bits == aligned.end() || bits->second.size() != func.getNumArguments())
      return;
    for (auto [position, type] : llvm::enumerate(func.getArgumentTypes()))
      if (bits->second[position] && isa<LLVM::LLVMPointerType>(type))
        func.setArgAttr(position, LLVM::LLVMDialect::getAlignAttrName(),
                        builder.getI64IntegerAttr(kVectorLoadAlignment));
  });
}

/// The module's kernels in the LLVM and NVVM dialects, in place.
LogicalResult convertToNVVM(ModuleOp scratch) {
  MLIRContext *context = scratch.getContext();
  PassManager prepare(context);
  // Loads and stores through the views moved into the kernel index the
  // buffers it binds.
  prepare.addPass(memref::createFoldMemRefAliasOpsPass());
  prepare.addPass(createLowerAffinePass());
  prepare.addPass(createConvertSCFToCFPass());
  prepare.addPass(createCanonicalizerPass());
  prepare.addPass(createCSEPass());
  if (failed(prepare.run(scratch)))
    return failure();

  // Buffers have static shapes: a kernel takes one pointer per buffer, as
  // the runtime passes them.
  LowerToLLVMOptions options(context);
  options.useBarePtrCallConv = true;
  LLVMTypeConverter types(context, options);
  // Workgroup memory (ReduceInWorkgroup.cpp) is PTX's shared state space.
  populateGpuMemorySpaceAttributeConversions(
      types, [](mlir::gpu::AddressSpace space) -> unsigned {
        return space == mlir::gpu::AddressSpace::Workgroup
                   ? NVVM::NVVMMemorySpace::kSharedMemorySpace
                   : 0;
      });
  SmallVector<Operation *> modules;
  scratch.walk(
      [&](mlir::gpu::GPUModuleOp module) { modules.push_back(module); });

  // Math first, as LLVM intrinsics: the GPU patterns would call libdevice,
  // which is not linked (what mocc-expand-math leaves is native to PTX).
  RewritePatternSet mathPatterns(context);
  populateMathToLLVMConversionPatterns(types, mathPatterns);
  ConversionTarget noMath(*context);
  noMath.addIllegalDialect<math::MathDialect>();
  noMath.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
  if (failed(applyPartialConversion(modules, noMath, std::move(mathPatterns))))
    return failure();

  RewritePatternSet patterns(context);
  arith::populateArithToLLVMConversionPatterns(types, patterns);
  cf::populateControlFlowToLLVMConversionPatterns(types, patterns);
  index::populateIndexToLLVMConversionPatterns(types, patterns);
  populateFinalizeMemRefToLLVMConversionPatterns(types, patterns);
  populateGpuToNVVMConversionPatterns(types, patterns);
  // Not MLIR's GPU-to-NVVM legality: it makes the intrinsics above illegal
  // for the sake of libdevice.
  LLVMConversionTarget target(*context);
  target.addLegalDialect<NVVM::NVVMDialect>();
  target.addIllegalDialect<mlir::gpu::GPUDialect>();
  target.addLegalOp<mlir::gpu::GPUModuleOp, mlir::gpu::ModuleEndOp>();
  if (failed(applyPartialConversion(modules, target, std::move(patterns))))
    return failure();
  PassManager finish(context);
  finish.addPass(createReconcileUnrealizedCastsPass());
  return finish.run(scratch);
}

std::unique_ptr<llvm::TargetMachine>
createNVPTXMachine(StringRef chip, unsigned optLevel, std::string &error) {
  static const bool initialized = [] {
    LLVMInitializeNVPTXTargetInfo();
    LLVMInitializeNVPTXTarget();
    LLVMInitializeNVPTXTargetMC();
    LLVMInitializeNVPTXAsmPrinter();
    return true;
  }();
  (void)initialized;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(kTriple.str(), error);
  if (!target)
    return nullptr;
  std::unique_ptr<llvm::MCSubtargetInfo> info(
      target->createMCSubtargetInfo(kTriple, chip, ""));
  if (!info || !info->isCPUStringValid(chip)) {
    error =
        "unknown CUDA architecture '" + chip.str() + "' (e.g. sm_80, sm_90)";
    return nullptr;
  }
  return std::unique_ptr<llvm::TargetMachine>(target->createTargetMachine(
      kTriple, chip, "", llvm::TargetOptions(), std::nullopt, std::nullopt,
      optLevel >= 2 ? llvm::CodeGenOptLevel::Default
                    : llvm::CodeGenOptLevel::None));
}

/// PTX for the LLVM-dialect kernels of `kernels`, or nothing after an error.
std::optional<std::string> writePTX(mlir::gpu::GPUModuleOp kernels,
                                    llvm::TargetMachine &machine,
                                    unsigned optLevel) {
  OwningOpRef<ModuleOp> body = ModuleOp::create(kernels.getLoc());
  for (Operation &op :
       llvm::make_early_inc_range(kernels.getBody()->getOperations()))
    if (!op.hasTrait<OpTrait::IsTerminator>())
      op.moveBefore(body->getBody(), body->getBody()->end());
  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> module =
      translateModuleToLLVMIR(*body, context, kernels.getName());
  if (!module)
    return std::nullopt;
  module->setTargetTriple(kTriple);
  module->setDataLayout(machine.createDataLayout());
  optimizeLLVMModule(*module, machine, optLevel);
  llvm::SmallString<0> ptx;
  llvm::raw_svector_ostream stream(ptx);
  llvm::legacy::PassManager codegen;
  if (machine.addPassesToEmitFile(codegen, stream, nullptr,
                                  llvm::CodeGenFileType::AssemblyFile))
    return std::nullopt;
  codegen.run(*module);
  return std::string(ptx.str());
}

struct SerializePTXPass : impl::SerializePTXPassBase<SerializePTXPass> {
  using SerializePTXPassBase::SerializePTXPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    std::string error;
    std::unique_ptr<llvm::TargetMachine> machine =
        createNVPTXMachine(chip, optLevel, error);
    if (!machine) {
      module.emitError(error);
      return signalPassFailure();
    }
    AlignedArguments aligned = alignedArguments(module);
    for (auto kernels : module.getOps<mlir::gpu::GPUModuleOp>()) {
      OwningOpRef<ModuleOp> scratch = ModuleOp::create(kernels.getLoc());
      OpBuilder::atBlockBegin(scratch->getBody()).clone(*kernels);
      std::optional<std::string> ptx;
      if (succeeded(convertToNVVM(*scratch))) {
        auto converted = *scratch->getOps<mlir::gpu::GPUModuleOp>().begin();
        markAlignedArguments(converted, aligned);
        ptx = writePTX(converted, *machine, optLevel);
      }
      if (!ptx) {
        kernels.emitError() << "cannot compile GPU kernel module '"
                            << kernels.getName() << "' to PTX";
        return signalPassFailure();
      }
      // The driver reads the PTX as a C string.
      ptx->push_back('\0');
      kernels->setAttr(kBinaryAttr, StringAttr::get(&getContext(), *ptx));
    }
  }
};

} // namespace
} // namespace mocc::gpu
