//===- CPUTarget.cpp - x86-64 and AArch64 code generation -----------------===//
#include "CPUTarget.h"

#include "mocc/Target/CPU/KernelTable.h"
#include "mocc/Target/GPU/Passes.h"
#include "mocc/Target/OptimizeLLVM.h"
#include "mocc/Transforms/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MathToLibm/MathToLibm.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Dialect/Bufferization/Transforms/OneShotAnalysis.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/IR/LegacyPassManager.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/TargetParser/SubtargetFeature.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/Transforms/IPO/Internalize.h"

using namespace mlir;

namespace mocc::cpu {
namespace {

class CPUTarget final : public TargetBackend {
public:
  explicit CPUTarget(Arch arch) : arch(arch) {}

  llvm::StringRef name() const override {
    return arch == Arch::X86_64 ? "x86_64" : "aarch64";
  }

  /// The innermost loop of a channels-last convolution runs over contiguous
  /// channels of the input and the result.
  bool prefersChannelsLast() const override { return true; }

  int64_t gemmPanelWidth(const CodegenOptions &options) const override;

  void buildLoweringPipeline(OpPassManager &pm,
                             const CodegenOptions &options) const override;

  bool emit(ModuleOp module, const ModelSignature &signature,
            const CodegenOptions &options, ArtifactKind kind,
            llvm::StringRef path, std::string &error) const override;

private:
  llvm::StringRef triple() const {
    return arch == Arch::X86_64 ? "x86_64-unknown-linux-gnu"
                                : "aarch64-unknown-linux-gnu";
  }
  std::unique_ptr<llvm::TargetMachine>
  createTargetMachine(const CodegenOptions &options, std::string &error) const;
  /// The ISA whose microkernels the model links, if the target has any.
  std::optional<Isa> kernelIsa(const CodegenOptions &options) const;
  bool generateObject(llvm::Module &module, llvm::TargetMachine &machine,
                      llvm::StringRef path, std::string &error) const;

  Arch arch;
};

void CPUTarget::buildLoweringPipeline(OpPassManager &pm,
                                      const CodegenOptions &options) const {
  buildBufferPipeline(pm, options, gemmPanelWidth(options));
  buildHostPipeline(pm, options);
}

} // namespace

void buildBufferPipeline(OpPassManager &pm, const CodegenOptions &options,
                         int64_t panelWidth) {
  bufferization::OneShotBufferizationOptions bufferization;
  bufferization.bufferizeFunctionBoundaries = true;
  bufferization.setFunctionBoundaryTypeConversion(
      bufferization::LayoutMapOption::IdentityLayoutMap);
  // A tensor built only to be inserted into another (concatenation) is
  // computed in place in the other.
  if (options.runs("mocc-concat-in-place")) {
    pm.nest<func::FuncOp>().addPass(createConcatInPlacePass());
    pm.addPass(bufferization::createEmptyTensorEliminationPass());
  }
  pm.nest<func::FuncOp>().addPass(createReshapeDynamicGroupsPass());
  pm.addPass(bufferization::createOneShotBufferizePass(bufferization));
  // Static results become out-parameters, which mocc-plan-arena then
  // computes in place; dynamic ones stay results the runtime adopts.
  ResultsToOutParamsPassOptions results;
  results.entryName = options.entryName;
  pm.addPass(createResultsToOutParamsPass(results));
  // CSE merges the equal subviews that a fused kernel's result is copied
  // between, and canonicalization erases those copies.
  pm.addPass(createCSEPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createFlattenGlobalsPass());
  if (options.runs("mocc-fuse-epilogues"))
    pm.nest<func::FuncOp>().addPass(createFuseEpiloguesPass());
  // Kernel calls before the arena: a convolution's call reads the buffer
  // its padded input copied, which must then live until the call.
  CallKernelsPassOptions kernels;
  kernels.entryName = options.entryName;
  kernels.panelWidth = panelWidth;
  pm.addPass(createCallKernelsPass(kernels));
  PlanArenaPassOptions arena;
  arena.entryName = options.entryName;
  arena.reuse = options.runs("mocc-plan-arena");
  pm.addPass(createPlanArenaPass(arena));
  RecordStatsPassOptions stats;
  stats.entryName = options.entryName;
  pm.addPass(createRecordStatsPass(stats));
  if (options.profile) {
    ProfileKernelsPassOptions profile;
    profile.entryName = options.entryName;
    pm.addPass(createProfileKernelsPass(profile));
  }
}

void buildHostPipeline(OpPassManager &pm, const CodegenOptions &options) {
  // After the profile's timers: they time each loop's call.
  ParallelLoopsPassOptions parallel;
  parallel.entryName = options.entryName;
  pm.addPass(createParallelLoopsPass(parallel));
  OpPassManager &func = pm.nest<func::FuncOp>();
  if (options.runs("mocc-vectorizable-loops"))
    func.addPass(createVectorizableLoopsPass());
  func.addPass(createConvertLinalgToLoopsPass());
  func.addPass(createExpandMathPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createConvertSCFToCFPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  // The runtime's allocation functions (runtime/src/run_failure.h): checked,
  // and freed if the run fails.
  FinalizeMemRefToLLVMConversionPassOptions memrefToLLVM;
  memrefToLLVM.useGenericFunctions = true;
  pm.addPass(createFinalizeMemRefToLLVMConversionPass(memrefToLLVM));
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createLowerParallelCallsPass());
}

namespace {

std::optional<Isa> CPUTarget::kernelIsa(const CodegenOptions &options) const {
  std::string error;
  std::unique_ptr<llvm::TargetMachine> machine =
      createTargetMachine(options, error);
  if (!machine)
    return std::nullopt; // emit() reports the error
  return selectIsa(*machine->getMCSubtargetInfo());
}

int64_t CPUTarget::gemmPanelWidth(const CodegenOptions &options) const {
  std::optional<Isa> isa = kernelIsa(options);
  const KernelInfo *gemm = isa ? lookupKernel(KernelOp::GemmF32, *isa) : nullptr;
  return gemm ? gemm->nr : 0;
}

std::unique_ptr<llvm::TargetMachine>
CPUTarget::createTargetMachine(const CodegenOptions &options,
                               std::string &error) const {
  static const bool initialized = [] {
    LLVMInitializeX86TargetInfo();
    LLVMInitializeX86Target();
    LLVMInitializeX86TargetMC();
    LLVMInitializeX86AsmPrinter();
    LLVMInitializeAArch64TargetInfo();
    LLVMInitializeAArch64Target();
    LLVMInitializeAArch64TargetMC();
    LLVMInitializeAArch64AsmPrinter();
    return true;
  }();
  (void)initialized;
  std::string lookupError;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple().str(), lookupError);
  if (!target) {
    error = "internal error: " + lookupError;
    return nullptr;
  }
  // Native builds default to the host CPU; cross builds to the baseline.
  llvm::Triple host(llvm::sys::getProcessTriple());
  bool native = host.getArch() == (arch == Arch::X86_64 ? llvm::Triple::x86_64
                                                        : llvm::Triple::aarch64);
  std::string cpu = options.cpu;
  std::string features;
  if (cpu.empty() || cpu == "native") {
    if (native) {
      cpu = llvm::sys::getHostCPUName().str();
      llvm::SubtargetFeatures hostFeatures;
      for (const auto &[feature, enabled] : llvm::sys::getHostCPUFeatures())
        hostFeatures.AddFeature(feature, enabled);
      features = hostFeatures.getString();
    } else {
      cpu = arch == Arch::X86_64 ? "x86-64" : "generic";
    }
  }
  std::unique_ptr<llvm::MCSubtargetInfo> info(
      target->createMCSubtargetInfo(triple().str(), cpu, ""));
  if (!info || !info->isCPUStringValid(cpu)) {
    error = "unknown CPU '" + cpu + "' for target " + name().str();
    return nullptr;
  }
  llvm::TargetOptions targetOptions;
  auto level = options.optLevel == 0   ? llvm::CodeGenOptLevel::None
               : options.optLevel == 1 ? llvm::CodeGenOptLevel::Less
               : options.optLevel == 2 ? llvm::CodeGenOptLevel::Default
                                       : llvm::CodeGenOptLevel::Aggressive;
  return std::unique_ptr<llvm::TargetMachine>(target->createTargetMachine(
      triple().str(), cpu, features, targetOptions, llvm::Reloc::PIC_,
      std::nullopt, level));
}

/// Keeps only the model ABI visible: the runtime marks it with default
/// visibility; everything else becomes internal so LLVM may inline it. The
/// compiler-runtime helpers (`__truncsfhf2`, ...) stay: code generation
/// introduces calls to them after the IR optimizer has run. So does the model
/// descriptor, hidden, for the runtime's object.
void internalizeAllButABI(llvm::Module &module) {
  if (llvm::GlobalVariable *descriptor =
          module.getNamedGlobal("mocc_compiled_model"))
    descriptor->setVisibility(llvm::GlobalValue::HiddenVisibility);
  llvm::internalizeModule(module, [](const llvm::GlobalValue &value) {
    if (value.isDeclaration())
      return false;
    if (value.getName().starts_with("__") ||
        value.getName() == "mocc_compiled_model")
      return true;
    return value.hasDefaultVisibility() && value.getName().starts_with("mocc_");
  });
}

bool CPUTarget::generateObject(llvm::Module &module,
                               llvm::TargetMachine &machine,
                               llvm::StringRef path, std::string &error) const {
  std::error_code ec;
  llvm::ToolOutputFile out(path, ec, llvm::sys::fs::OF_None);
  if (ec) {
    error = "cannot write '" + path.str() + "': " + ec.message();
    return false;
  }
  llvm::legacy::PassManager codegen;
  if (machine.addPassesToEmitFile(codegen, out.os(), nullptr,
                                  llvm::CodeGenFileType::ObjectFile)) {
    error = "internal error: the target cannot emit object files";
    return false;
  }
  codegen.run(module);
  out.keep();
  return true;
}

/// The kernels of a model compiled for a GPU (mocc-gpu-lower-launches), none
/// for a CPU target.
GPUKernelTable readGPUKernelTable(ModuleOp module) {
  GPUKernelTable table;
  auto attr = module->getAttrOfType<DictionaryAttr>(gpu::kKernelTableAttr);
  if (!attr)
    return table;
  table.api = attr.getAs<IntegerAttr>("api").getInt();
  for (auto kernel :
       attr.getAs<ArrayAttr>("kernels").getAsRange<DictionaryAttr>())
    table.kernels.push_back({kernel.getAs<StringAttr>("name").str(),
                             kernel.getAs<StringAttr>("binary").str(),
                             kernel.getAs<IntegerAttr>("buffers").getInt(),
                             kernel.getAs<IntegerAttr>("block_size").getInt()});
  return table;
}

bool CPUTarget::emit(ModuleOp module, const ModelSignature &signature,
                     const CodegenOptions &options, ArtifactKind kind,
                     llvm::StringRef path, std::string &error) const {
  std::unique_ptr<llvm::TargetMachine> machine =
      createTargetMachine(options, error);
  if (!machine)
    return false;
  DialectRegistry registry;
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  module->getContext()->appendDialectRegistry(registry);

  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, context, "model");
  if (!llvmModule) {
    error = "internal error: cannot translate the lowered model to LLVM IR";
    return false;
  }
  llvmModule->setDataLayout(machine->createDataLayout());
  llvmModule->setTargetTriple(triple());
  uint64_t arenaBytes = 0;
  if (auto attr = module->getAttrOfType<IntegerAttr>(kArenaBytesAttr))
    arenaBytes = attr.getInt();
  ProfiledKernels profiled;
  if (auto names = module->getAttrOfType<ArrayAttr>(kProfileNamesAttr)) {
    for (StringAttr name : names.getAsRange<StringAttr>())
      profiled.names.push_back(name.str());
    llvm::append_range(
        profiled.flops,
        module->getAttrOfType<DenseI64ArrayAttr>(kProfileFlopsAttr).asArrayRef());
  }
  GPUKernelTable gpuKernels = readGPUKernelTable(module);
  if (!addModelDescriptor(*llvmModule, signature, options.entryName, arenaBytes,
                          profiled, gpuKernels, error) ||
      !linkRuntimeHelpers(*llvmModule, arch, error))
    return false;
  // The runtime's GEMM driver calls the microkernel of the selected ISA.
  std::optional<Isa> isa = selectIsa(*machine->getMCSubtargetInfo());
  if (isa && !linkKernels(*llvmModule, *isa, error))
    return false;
  internalizeAllButABI(*llvmModule);
  optimizeLLVMModule(*llvmModule, *machine, options.optLevel);

  if (kind == ArtifactKind::LLVMIR) {
    std::error_code ec;
    llvm::ToolOutputFile out(path, ec, llvm::sys::fs::OF_Text);
    if (ec) {
      error = "cannot write '" + path.str() + "': " + ec.message();
      return false;
    }
    llvmModule->print(out.os(), nullptr);
    out.keep();
    return true;
  }
  // The model's object, then the runtime's linked to it.
  llvm::SmallString<128> objectPath;
  if (std::error_code ec =
          llvm::sys::fs::createTemporaryFile("mocc-model", "o", objectPath)) {
    error = "cannot create a temporary object file: " + ec.message();
    return false;
  }
  bool linked = generateObject(*llvmModule, *machine, objectPath, error) &&
                (kind == ArtifactKind::Object
                     ? linkRelocatableObject(objectPath, path, arch, error)
                     : linkSharedLibrary(objectPath, path, arch, error));
  llvm::sys::fs::remove(objectPath);
  return linked;
}

} // namespace

std::unique_ptr<TargetBackend> createCPUTarget(Arch arch) {
  return std::make_unique<CPUTarget>(arch);
}

} // namespace mocc::cpu
